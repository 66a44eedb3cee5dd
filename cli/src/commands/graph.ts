import { type FlowIR, toDot, toMermaid } from "@flows/flow-ir";
import { parseVerbArgs } from "../args";
import { EXIT_FAILED, EXIT_OK, reportUsage, UsageError } from "../exit";
import { DefinitionFailure, isFlowModule, loadFlowModule, pickFlow, scratchCache } from "../flow-module/load";
import { checkDefinedFlow, definitionReport } from "../flow-module/reports";
import { type FileReport, summarize } from "../format/report";
import { formatDiagnosticLines, formatSummaryLine } from "../format/text";
import type { CliIo } from "../io";
import { readSource } from "../read-source";
import { checkText } from "../validate/check-file";
import { bundledRegistry } from "../validate/registry";

export const GRAPH_HELP = `Usage: flows graph <file|module|-> [--format mermaid|dot] [--flow <id>]

Draws a flow: one box per node with its alias and kind (triggers rounded, subflows
double-edged), edges with non-default delivery, timeouts and buffers, and control
surfaces as labelled branches: if (then/else), switch (one label per case value and
default), for_each (the fan-out). Timeouts, retries, rate limits and the selectors of
if/switch are noted on their nodes; exactly-once edges are bold.

A flow that does not validate is not drawn: its diagnostics are printed instead
(as by "flows validate"). Warnings do not stop the drawing.

Options:
  --format <format>     mermaid (default) or dot (Graphviz)
  --flow <id>           with a .ts / .js module defining several flows: which one
  -h, --help            show this help

Exit codes: 0 drawn, 1 the flow has errors (printed on stderr), 2 usage or read error.

Examples:
  flows graph examples/order-approval/order-approval.flow.json
  flows graph --format dot flow.json | dot -Tsvg > flow.svg
`;

const OPTIONS = {
  format: { type: "string" },
  flow: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** A Flow IR file, or one flow of a module of defined flows (diagnostics at its TypeScript lines). */
async function checkGraphInput(
  file: string,
  wanted: string | undefined,
  io: CliIo,
): Promise<{ reports: FileReport[]; flow: FlowIR | undefined; name: string }> {
  if (isFlowModule(file)) {
    try {
      const flows = await loadFlowModule(file, { stateDir: ".flows" }, { cacheDir: scratchCache() });
      const { reports, flow } = checkDefinedFlow(file, pickFlow(flows, file, wanted), { registry: bundledRegistry() });
      return { reports, flow, name: file };
    } catch (error) {
      if (error instanceof DefinitionFailure)
        return { reports: [definitionReport(error)], flow: undefined, name: file };
      throw error;
    }
  }
  const source = await readSource(file, io);
  if (!source.ok) throw new UsageError("READ404", source.message);
  const { report, flow } = checkText(source.name, source.text, { registry: bundledRegistry() });
  return { reports: [report], flow, name: source.name };
}

export async function graphCommand(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parseVerbArgs(argv, OPTIONS);
    if (values.help) {
      io.stdout(GRAPH_HELP);
      return EXIT_OK;
    }
    const format = values.format ?? "mermaid";
    if (format !== "mermaid" && format !== "dot") {
      throw new UsageError("USAGE", `unknown --format "${format}": use mermaid or dot`);
    }
    const [file, ...extra] = positionals;
    if (file === undefined) throw new UsageError("USAGE", "name the flow file to draw (or - for standard input)");
    if (extra.length > 0) throw new UsageError("USAGE", `draw one flow at a time (got ${positionals.length} files)`);
    // The same checks as `flows validate`, so a flow that draws is one CI accepts.
    const { reports, flow, name } = await checkGraphInput(file, values.flow, io);
    const style = { color: false };
    const lines = formatDiagnosticLines(reports, style);
    if (reports.some((report) => !report.ok) || flow === undefined) {
      io.stderr(`${[...lines, formatSummaryLine(summarize(reports), style)].join("\n")}\n`);
      io.stderr(`flows graph: ${name} is not a valid flow; nothing drawn\n`);
      return EXIT_FAILED;
    }
    if (lines.length > 0) io.stderr(`${lines.join("\n")}\n`);
    io.stdout(format === "dot" ? toDot(flow) : toMermaid(flow));
    return EXIT_OK;
  } catch (error) {
    return reportUsage(error, io, "graph");
  }
}
