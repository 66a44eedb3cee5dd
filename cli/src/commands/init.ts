import { existsSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { parseVerbArgs } from "../args";
import { EXIT_OK, reportUsage, UsageError } from "../exit";
import { makeDirs } from "../fs/make-dirs";
import { DEV_VARS, GITIGNORE, helloFlow, manifest, NODES_TS, packageJson, readme } from "../init/templates";
import type { CliIo } from "../io";
import { kebab } from "../publish/names";
import { progress } from "../publish/progress";

export const INIT_HELP = `Usage: flows init [dir] [--name <name>]

Creates a flows project in dir (default: the current directory): flows.config.json, one
example flow (hello.flow.json) with its nodes (nodes.ts), package.json, README.md, .gitignore
and .dev.vars (local secrets for flows dev). It passes flows validate, runs with flows run,
serves with flows dev and publishes with flows publish workers as it is.

Options:
  --name <name>   the Worker name (default: the directory's name, lowercase with dashes)
  -h, --help      show this help

Exit codes: 0 created, 2 usage error, a file that would be overwritten (INIT409) or a
directory that cannot be written.

Example:
  flows init hello && cd hello && flows dev
`;

const OPTIONS = {
  name: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

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
    const files: Record<string, string> = {
      "flows.config.json": json(manifest(name)),
      "hello.flow.json": json(helloFlow),
      "nodes.ts": NODES_TS,
      "package.json": json(packageJson(name)),
      "README.md": readme(name),
      ".gitignore": GITIGNORE,
      ".dev.vars": DEV_VARS,
    };
    const taken = Object.keys(files).filter((file) => existsSync(join(dir, file)));
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
    const steps = progress(io, "init", false);
    steps.ok(`created ${name} in ${dir}`);
    const cd = target === "." ? "" : `cd ${target} && `;
    io.stdout(
      `Next:\n  ${cd}flows validate --manifest flows.config.json hello.flow.json\n  flows run hello.flow.json --nodes nodes.ts --input '{"name":"Ada"}'\n  flows dev\n  flows publish workers --dry-run\n`,
    );
    return EXIT_OK;
  } catch (error) {
    return reportUsage(error, io, "init");
  }
}
