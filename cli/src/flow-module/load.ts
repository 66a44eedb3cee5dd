import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { type DefinedFlow, isDefinedFlow, isDefinitionError } from "@flows/define";
import { bundleModuleForNode } from "@flows/host-container/bundle-module";
import { UsageError } from "../exit";

/** What a flow module's default-exported function receives (the same as a node module's). */
export interface FlowModuleEnvironment {
  readonly stateDir: string;
}

const MODULE = /\.(?:[cm]?ts|[cm]?js|tsx|jsx)$/;

/**
 * The node_modules the CLI itself loads its packages from: a project that has not installed
 * @flows/define, valibot or the capabilities yet (a fresh `flows init`) still builds against them.
 */
export function cliNodePaths(): string[] {
  try {
    const entry = createRequire(import.meta.url).resolve("valibot");
    const cut = entry.lastIndexOf(`${sep}node_modules${sep}`);
    return cut < 0 ? [] : [entry.slice(0, cut + `${sep}node_modules`.length)];
  } catch {
    return [];
  }
}

/** A `.ts` / `.js` file names a module of defined flows; anything else is a Flow IR document. */
export function isFlowModule(file: string): boolean {
  return MODULE.test(file);
}

/** A path as reports show it: relative to the working directory when it is beneath it. */
export function shownPath(file: string): string {
  const shown = relative(process.cwd(), file);
  return shown.startsWith("..") || isAbsolute(shown) ? file : shown;
}

/** A definition mistake thrown while the module loaded: its code, and the TypeScript line it names. */
export class DefinitionFailure extends UsageError {
  constructor(
    readonly file: string,
    readonly definition: {
      readonly code: string;
      readonly description: string;
      readonly location?: { readonly file: string; readonly line: number; readonly column: number };
    },
  ) {
    const where = definition.location;
    super(
      definition.code,
      where === undefined
        ? `${file}: ${definition.description}`
        : `${shownPath(where.file)}:${where.line}:${where.column}: ${definition.description}`,
    );
  }
}

/** Defined flows in an export, each once, with the flows they run as subflows. */
function collect(value: unknown, into: DefinedFlow[]): void {
  if (isDefinedFlow(value)) {
    if (into.some((f) => f.id === value.id)) return;
    into.push(value);
    for (const sub of value.subflows()) collect(sub, into);
  } else if (Array.isArray(value)) {
    for (const item of value) collect(item, into);
  }
}

/**
 * Loads a module of defined flows: every exported defined flow (or array of them), and a
 * default-exported function of the environment returning them. Bundled with esbuild and a
 * source map, so declaration sites are the TypeScript lines.
 */
export async function loadFlowModule(
  modulePath: string,
  environment: FlowModuleEnvironment,
  options: { readonly cacheDir?: string } = {},
): Promise<DefinedFlow[]> {
  const absolute = resolve(modulePath);
  // Verbs that keep no state (validate, graph, build) bundle into the system's temporary directory.
  const cacheDir = options.cacheDir ?? resolve(environment.stateDir, "cache");
  try {
    mkdirSync(cacheDir, { recursive: true });
  } catch {
    throw new UsageError("MODULE004", `cannot create ${cacheDir} to build ${modulePath} in`);
  }
  const outfile = resolve(cacheDir, `flows-${createHash("sha256").update(absolute).digest("hex").slice(0, 16)}.mjs`);
  // Other processes may be importing the cached bundle right now: it is built under a name of
  // its own and renamed over the old one, so no reader ever sees a half-written file.
  const scratch = `${outfile}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  const built = await bundleModuleForNode(absolute, scratch, { sourcemap: true, nodePaths: cliNodePaths() });
  if (!built.ok) {
    rmSync(scratch, { force: true });
    throw new UsageError("MODULE001", `cannot build flow module ${modulePath}: ${built.reason}`);
  }
  renameSync(scratch, outfile);
  process.setSourceMapsEnabled(true);
  const flows: DefinedFlow[] = [];
  try {
    const loaded = (await import(`${pathToFileURL(outfile).href}?t=${Date.now()}`)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(loaded)) {
      if (name === "default" && typeof value === "function") {
        collect(await (value as (env: FlowModuleEnvironment) => unknown)(environment), flows);
      } else {
        collect(value, flows);
      }
    }
  } catch (error) {
    if (isDefinitionError(error)) {
      throw new DefinitionFailure(modulePath, {
        code: error.code,
        description: error.description,
        ...(error.location === undefined ? {} : { location: error.location }),
      });
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new UsageError("MODULE003", `flow module ${modulePath} failed while loading: ${reason}`);
  }
  if (flows.length === 0) {
    throw new UsageError(
      "MODULE002",
      `${modulePath} exports no defined flow: export the result of defineFlow(…) (or a default function returning it)`,
    );
  }
  return flows;
}

/** Where verbs without a state directory build flow modules. */
export function scratchCache(): string {
  return join(tmpdir(), "flows-cli-cache");
}

/** The one flow a verb works on: the module's only flow, or the one `--flow` names. */
export function pickFlow(flows: readonly DefinedFlow[], modulePath: string, wanted: string | undefined): DefinedFlow {
  if (wanted !== undefined) {
    const found = flows.find((f) => f.id === wanted || f.name === wanted);
    if (found === undefined) {
      throw new UsageError(
        "FLOW404",
        `${modulePath} has no flow "${wanted}": it defines ${flows.map((f) => `"${f.id}"`).join(", ")}`,
      );
    }
    return found;
  }
  const [only, ...more] = flows;
  if (only === undefined || more.length > 0) {
    throw new UsageError(
      "USAGE",
      `${modulePath} defines ${flows.length} flows (${flows.map((f) => f.id).join(", ")}): choose one with --flow <id>`,
    );
  }
  return only;
}
