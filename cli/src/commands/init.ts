import { existsSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { parseVerbArgs } from "../args";
import { EXIT_OK, reportUsage, UsageError } from "../exit";
import { loadFlowModule, scratchCache } from "../flow-module/load";
import { makeDirs } from "../fs/make-dirs";
import {
  DEV_VARS,
  GITIGNORE,
  HELLO_FLOW_TS,
  helloFlow,
  manifest,
  NODES_FROM_FLOW_TS,
  NODES_TS,
  packageJson,
  readme,
} from "../init/templates";
import type { CliIo } from "../io";
import { kebab } from "../publish/names";
import { progress } from "../publish/progress";

export const INIT_HELP = `Usage: flows init [dir] [--name <name>] [--json]

Creates a flows project in dir (default: the current directory): flows.config.json, one
example flow written in TypeScript (hello.flow.ts: nodes with their implementations,
defineFlow from @flows/define), its Flow IR as built by flows build (hello.flow.json, the
wire format), nodes.ts (its implementations as a registry), package.json, README.md,
.gitignore and .dev.vars (local secrets for flows dev). It passes flows validate, runs with
flows run, serves with flows dev and publishes with flows publish workers as it is.

Options:
  --name <name>   the Worker name (default: the directory's name, lowercase with dashes)
  --json          write the flow as hand-written Flow IR (hello.flow.json) with its node
                  implementations in nodes.ts instead
  -h, --help      show this help

Exit codes: 0 created, 2 usage error, a file that would be overwritten (INIT409) or a
directory that cannot be written.

Example:
  flows init hello && cd hello && flows dev
`;

const OPTIONS = {
  name: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

async function writeBuiltFlow(dir: string): Promise<void> {
  const [flow] = await loadFlowModule(
    join(dir, "hello.flow.ts"),
    { stateDir: join(dir, ".flows") },
    {
      cacheDir: scratchCache(),
    },
  );
  if (flow === undefined) throw new UsageError("INIT500", "the template flow defines no flow");
  writeFileSync(join(dir, "hello.flow.json"), flow.toFlowJson(), { flag: "wx" });
}

export async function initCommand(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parseVerbArgs(argv, OPTIONS);
    if (values.help) {
      io.stdout(INIT_HELP);
      return EXIT_OK;
    }
    const [target = ".", ...extra] = positionals;
    if (extra.length > 0) throw new UsageError("USAGE", `unexpected arguments: ${extra.join(" ")}`);
    const dir = resolve(target);
    const name = values.name ?? (kebab(basename(dir)) || "flows-project");
    if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(name)) {
      throw new UsageError(
        "USAGE",
        `"${name}" is not a Worker name: use lowercase letters, digits and dashes (--name)`,
      );
    }
    const flavour = values.json === true ? "json" : "ts";
    const files: Record<string, string> = {
      "flows.config.json": json(manifest(name, flavour)),
      ...(flavour === "ts"
        ? { "hello.flow.ts": HELLO_FLOW_TS, "nodes.ts": NODES_FROM_FLOW_TS }
        : { "hello.flow.json": json(helloFlow), "nodes.ts": NODES_TS }),
      "package.json": json(packageJson(name, flavour)),
      "README.md": readme(name),
      ".gitignore": GITIGNORE,
      ".dev.vars": DEV_VARS,
    };
    const taken = [...Object.keys(files), ...(flavour === "ts" ? ["hello.flow.json"] : [])].filter((file) =>
      existsSync(join(dir, file)),
    );
    if (taken.length > 0) {
      throw new UsageError(
        "INIT409",
        `${dir} already has ${taken.join(", ")}; nothing was written (choose another directory)`,
      );
    }
    makeDirs(dir, "WRITE500", "directory");
    try {
      for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text, { flag: "wx" });
    } catch (error) {
      throw new UsageError(
        "WRITE500",
        `cannot write to ${dir}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    // The wire format beside its source, built the way `flows build` does.
    if (flavour === "ts") await writeBuiltFlow(dir);
    const steps = progress(io, "init", false);
    steps.ok(`created ${name} in ${dir}`);
    const cd = target === "." ? "" : `cd ${target} && `;
    const flowFile = flavour === "ts" ? "hello.flow.ts" : "hello.flow.json";
    const nodes = flavour === "ts" ? "" : " --nodes nodes.ts";
    io.stdout(
      `Next:\n  ${cd}flows validate --manifest flows.config.json ${flowFile}\n  flows run ${flowFile}${nodes} --input '{"name":"Ada"}'\n  flows dev\n  flows publish workers --dry-run\n`,
    );
    return EXIT_OK;
  } catch (error) {
    return reportUsage(error, io, "init");
  }
}
