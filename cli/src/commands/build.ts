import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { parseVerbArgs } from "../args";
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, reportUsage, UsageError } from "../exit";
import { DefinitionFailure, isFlowModule, loadFlowModule, scratchCache } from "../flow-module/load";
import { checkDefinedFlow, definitionReport } from "../flow-module/reports";
import { type FileReport, summarize } from "../format/report";
import { formatText } from "../format/text";
import { type CliIo, colorEnabled } from "../io";
import { bundledRegistry } from "../validate/registry";

export const BUILD_HELP = `Usage: flows build <modules…> [--out <dir>] [--schema <ref>] [--check]

Writes the Flow IR document of every flow the modules define (defineFlow from
@flows/define) as a .flow.json file, for CI and for Lattice's tools. Each flow is
validated first, with every bundled capability's rules; a flow with errors is
reported at its TypeScript lines and nothing is written for it.

File names: <module>.flow.json for a module (e.g. order-approval.flow.ts) that
defines one flow, <flow name>.flow.json for each flow of one that defines several.
The same source always gives byte-identical files.

Options:
  --out <dir>        where to write (default: beside each module)
  --schema <ref>     the documents' $schema (default: the published Flow IR 0.1 id)
  --check            write nothing; exit 1 when a file is missing or differs
  -h, --help         show this help

Exit codes: 0 written (or up to date), 1 a flow has errors or --check found drift,
2 usage or read error.

Example:
  flows build examples/order-approval/order-approval.flow.ts --schema ../../flow-ir/schema/flow-ir.schema.json
`;

const OPTIONS = {
  out: { type: "string" },
  schema: { type: "string" },
  check: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

const stem = (file: string) => basename(file).replace(/(\.flow)?\.[cm]?[jt]sx?$/, "");

export async function buildCommand(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parseVerbArgs(argv, OPTIONS);
    if (values.help) {
      io.stdout(BUILD_HELP);
      return EXIT_OK;
    }
    if (positionals.length === 0) throw new UsageError("USAGE", "name the flow modules (.ts or .js) to build");
    for (const file of positionals) {
      if (!isFlowModule(file)) throw new UsageError("USAGE", `${file} is no .ts / .js module of defined flows`);
      if (!existsSync(file)) throw new UsageError("READ404", `cannot read ${file}: no such file`);
    }
    const reports: FileReport[] = [];
    const outputs: { path: string; text: string }[] = [];
    const registry = bundledRegistry();
    for (const file of positionals) {
      let flows: Awaited<ReturnType<typeof loadFlowModule>>;
      try {
        flows = await loadFlowModule(file, { stateDir: ".flows" }, { cacheDir: scratchCache() });
      } catch (error) {
        if (!(error instanceof DefinitionFailure)) throw error;
        reports.push(definitionReport(error));
        continue;
      }
      for (const flow of flows) {
        const checked = checkDefinedFlow(file, flow, { registry });
        reports.push(...checked.reports);
        if (checked.reports.some((r) => !r.ok)) continue;
        const name = flows.length === 1 ? stem(file) : flow.name;
        const dir = values.out === undefined ? dirname(file) : values.out;
        outputs.push({
          path: join(dir, `${name}.flow.json`),
          text: flow.toFlowJson(values.schema === undefined ? {} : { schema: values.schema }),
        });
      }
    }
    const summary = summarize(reports);
    if (summary.errors > 0) {
      io.stderr(formatText(reports, summary, { color: colorEnabled(io) }));
      io.stderr("flows build: nothing written for the flows with errors\n");
    }
    let drift = 0;
    for (const output of outputs) {
      const shown = relative(process.cwd(), resolve(output.path)) || output.path;
      if (values.check === true) {
        const current = existsSync(output.path) ? readFileSync(output.path, "utf8") : undefined;
        if (current === output.text) continue;
        drift += 1;
        io.stderr(`flows build: ${shown} ${current === undefined ? "is missing" : "differs from its source"}\n`);
        continue;
      }
      try {
        mkdirSync(dirname(output.path), { recursive: true });
        writeFileSync(output.path, output.text);
      } catch {
        io.stderr(`flows build: cannot write ${shown}\n`);
        return EXIT_USAGE;
      }
      io.stdout(`wrote ${shown}\n`);
    }
    if (values.check === true && drift === 0 && summary.errors === 0)
      io.stdout(`${outputs.length} ${outputs.length === 1 ? "file" : "files"} up to date\n`);
    return summary.errors > 0 || drift > 0 ? EXIT_FAILED : EXIT_OK;
  } catch (error) {
    return reportUsage(error, io, "build");
  }
}
