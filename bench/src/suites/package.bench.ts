import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { Miniflare } from "miniflare";
import { packAll } from "../../../test/packaging/pack";
import { startScopedRegistry } from "../../../test/packaging/scoped-registry";
import { runAsUser } from "../../../test/packaging/user-shell";
import { formatMs, formatRatio } from "../format";
import { median } from "../harness";
import type { Suite, SuiteContext } from "../suite";
import { formatTable } from "../table";

const INSTALL_ROUNDS = 3;
const STARTUP_ROUNDS = 15;
/** The Worker's code, the bundle less the inspector page's module (as test/packaging checks it). */
const CODE_TARGET_GZIP = 45 * 1024;
const PAGE_TARGET_GZIP = 32 * 1024;

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** A Worker that does nothing, with the same class names, for the start-up floor. */
const MINIMAL_WORKER = `import { DurableObject } from "cloudflare:workers";
export class FlowRunObject extends DurableObject {}
export default { fetch() { return Response.json({ ok: true }); } };
`;

/** Milliseconds from a new Miniflare (workerd process) to the first 200 from `/health`. */
async function startToHealthy(scriptPath: string): Promise<number> {
  const started = performance.now();
  const mf = new Miniflare({
    modules: true,
    scriptPath,
    modulesRoot: dirname(scriptPath),
    // The published entry imports its trimmed source map as a Text module, as wrangler attaches it.
    modulesRules: [{ type: "Text", include: ["**/*.txt"] }],
    compatibilityDate: "2026-04-26",
    compatibilityFlags: ["nodejs_compat"],
    cf: false,
    kvNamespaces: ["HELLO_KV"],
    durableObjects: { FLOW_RUNS: { className: "FlowRunObject", useSQLite: true } },
    bindings: { FLOWS_API_TOKEN: "bench", FLOWS_RESUME_SECRET: "bench-resume" },
  });
  try {
    const response = await mf.dispatchFetch("http://bench.test/health");
    if (response.status !== 200) throw new Error(`/health answered ${response.status}: ${await response.text()}`);
    return performance.now() - started;
  } finally {
    await mf.dispose();
  }
}

/**
 * What a user downloads and deploys: each package's tarball, the install of a `flows init`
 * project from them (through a loopback registry for the @flows scope), that project's Worker
 * bundle, and its workerd start-up against a minimal Worker in the same rounds.
 */
export const packageSuite: Suite = {
  name: "package",
  summary:
    "tarball sizes, flows init project install time, Worker bundle size and workerd start-up vs a minimal Worker",
  async run(context: SuiteContext) {
    const scratch = mkdtempSync(join(tmpdir(), "flows-bench-package-"));
    const tarballs = join(scratch, "tarballs");
    mkdirSync(tarballs);
    const packed = packAll(tarballs);
    const registry = await startScopedRegistry(packed);
    try {
      context.log(
        formatTable(
          [{ header: "package", align: "left" }, { header: "tarball" }, { header: "files" }],
          [
            ...packed.map((pkg) => [pkg.name, kib(pkg.size), String(pkg.files.length)]),
            ["all", kib(packed.reduce((sum, pkg) => sum + pkg.size, 0)), ""],
          ],
        ),
      );

      // The init project, made by the CLI of this repository (the same templates the package has).
      const cli = join(context.repoRoot, "cli", "bin", "flows.mjs");
      const made = spawnSync(process.execPath, [cli, "init", "hello"], { cwd: scratch, encoding: "utf8" });
      if (made.status !== 0) throw new Error(`flows init failed: ${made.stderr}`);
      const template = join(scratch, "hello");
      writeFileSync(join(template, ".npmrc"), `@flows:registry=${registry.url}\n`);

      // npm's cache is warm after the first round: the later rounds are what a CI cache hit costs.
      const installs: number[] = [];
      let project = template;
      for (let round = 0; round < INSTALL_ROUNDS; round += 1) {
        project = join(scratch, `install-${round}`);
        cpSync(template, project, { recursive: true });
        const started = performance.now();
        await runAsUser("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], project);
        installs.push(performance.now() - started);
      }
      context.log(
        `\nnpm install of the flows init project from the tarballs: first ${formatMs(installs[0] ?? 0)} ms, then ${installs
          .slice(1)
          .map((ms) => `${formatMs(ms)} ms`)
          .join(", ")} (warm npm cache)`,
      );

      // The default (TypeScript) project, and the Flow IR template of `flows init --json`.
      const bundles: string[][] = [];
      await runAsUser("npx", ["--no-install", "flows", "init", "json-template", "--json"], project);
      for (const [label, dir] of [
        ["flows init (TypeScript flow)", project],
        ["flows init --json (Flow IR)", join(project, "json-template")],
      ] as const) {
        await runAsUser("npx", ["--no-install", "flows", "publish", "workers", "--no-deploy"], dir);
        const bundle = readFileSync(join(dir, "dist", "worker.js"));
        const gzipped = gzipSync(bundle, { level: 9 }).length;
        const pageModule = join(project, "node_modules/@flows/host-workers/dist/inspector/assets.generated.js");
        const page = gzipSync(readFileSync(pageModule), { level: 9 }).length;
        const code = gzipped - page;
        const verdict = code <= CODE_TARGET_GZIP && page <= PAGE_TARGET_GZIP ? "pass" : "MISS";
        bundles.push([label, kib(bundle.length), `${gzipped} B (${kib(gzipped)})`, `${code} B`, `${page} B`, verdict]);
      }
      context.log(
        formatTable(
          [
            { header: "Worker bundle (one capability, no container)", align: "left" },
            { header: "minified" },
            { header: "gzipped" },
            { header: "code" },
            { header: "inspector page" },
            { header: `code ≤ ${CODE_TARGET_GZIP} B, page ≤ ${PAGE_TARGET_GZIP} B`, align: "left" },
          ],
          bundles,
        ),
      );

      const minimal = join(scratch, "minimal.mjs");
      writeFileSync(minimal, MINIMAL_WORKER);
      const flows: number[] = [];
      const floor: number[] = [];
      await startToHealthy(minimal);
      for (let round = 0; round < STARTUP_ROUNDS; round += 1) {
        floor.push(await startToHealthy(minimal));
        flows.push(await startToHealthy(join(project, "dist", "worker.js")));
      }
      const ratio = median(flows) / median(floor);
      context.log(
        formatTable(
          [{ header: "workerd start → /health 200", align: "left" }, { header: "median ms" }, { header: "min ms" }],
          [
            ["minimal Worker", formatMs(median(floor)), formatMs(Math.min(...floor))],
            ["flows init Worker", formatMs(median(flows)), formatMs(Math.min(...flows))],
          ],
        ),
      );
      context.log(
        `flows init Worker start-up ÷ minimal Worker: ${formatRatio(ratio)} (${STARTUP_ROUNDS} interleaved rounds)`,
      );
    } finally {
      await registry.close();
      rmSync(scratch, { recursive: true, force: true });
    }
  },
};
