import { createHash } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { AppRoutes, ContainerApp } from "./app";
import { bundleModuleForNode } from "./bundle-module";
import { ContainerStartError } from "./errors";

const TYPESCRIPT = new Set([".ts", ".mts", ".cts", ".tsx"]);

/** TypeScript apps are bundled first (esbuild, loaded only then), so no loader is needed. */
async function bundled(absolute: string): Promise<string> {
  const outdir = join(tmpdir(), "flows-container");
  mkdirSync(outdir, { recursive: true });
  // One file per process: containers starting side by side never read each other's half-written bundle.
  const hash = createHash("sha256").update(absolute).digest("hex").slice(0, 16);
  const outfile = join(outdir, `app-${hash}-${process.pid}.mjs`);
  const built = await bundleModuleForNode(absolute, outfile);
  if (!built.ok) throw new ContainerStartError("APP400", `cannot build app module ${absolute}: ${built.reason}`);
  return outfile;
}

/**
 * Loads the app module (argv[2] or FLOWS_CONTAINER_APP): its default export is
 * `{ flows, nodes }`, or a function returning it; a `fetch` export serves the app's own routes.
 */
export async function loadApp(modulePath: string | undefined): Promise<ContainerApp> {
  if (modulePath === undefined || modulePath === "") {
    throw new ContainerStartError(
      "APP400",
      "name the app module: flows-container <app.mjs> or FLOWS_CONTAINER_APP=<app.mjs> (default export { flows, nodes })",
    );
  }
  const absolute = resolve(modulePath);
  const file = TYPESCRIPT.has(extname(absolute)) ? await bundled(absolute) : absolute;
  let loaded: { default?: unknown; fetch?: unknown };
  try {
    loaded = (await import(pathToFileURL(file).href)) as { default?: unknown; fetch?: unknown };
  } catch (error) {
    throw new ContainerStartError(
      "APP400",
      `cannot load app module ${modulePath}: ${error instanceof Error ? error.message : String(error)}`,
    );
  } finally {
    if (file !== absolute) rmSync(file, { force: true });
  }
  const exported = typeof loaded.default === "function" ? await (loaded.default as () => unknown)() : loaded.default;
  const app = exported as (Partial<ContainerApp> & { fetch?: unknown }) | null | undefined;
  const nodesOk = app?.nodes === undefined || (typeof app.nodes === "object" && app.nodes !== null);
  if (app === null || typeof app !== "object" || !Array.isArray(app.flows) || !nodesOk) {
    throw new ContainerStartError(
      "APP400",
      `${modulePath} must export default { flows: (FlowIR | defined flow)[], nodes?: { identifier: (input, ctx) => output } }`,
    );
  }
  // The app's own routes: a named `fetch` export, or a `fetch` next to flows and nodes.
  const routes = loaded.fetch ?? app.fetch;
  if (routes !== undefined && typeof routes !== "function") {
    throw new ContainerStartError("APP400", `${modulePath}: its fetch export must be a function (request) => Response`);
  }
  // A fresh object: nothing else the module exported reaches the runtime's options.
  return {
    flows: app.flows,
    ...(app.nodes === undefined ? {} : { nodes: app.nodes }),
    ...(routes === undefined ? {} : { routes: routes as AppRoutes }),
  };
}
