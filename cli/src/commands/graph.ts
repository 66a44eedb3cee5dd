import { readFileSync } from "node:fs";
import { toDot, toMermaid, validate } from "@flows/flow-ir";
import { UsageError } from "../local/load-nodes";
import type { CliIo } from "./cli-io";
import { EXIT_FAILED, EXIT_OK, parseVerbArgs, reportUsage } from "./run-io";

export const GRAPH_HELP = `Usage: flows graph <file> [--format mermaid|dot]

Draws a flow: nodes with their kind (triggers rounded, subflows double-edged),
edges, control surfaces as labelled branches (if: then/else, switch: one label per
case, for_each: the fan-out), timeouts, retries and rate limits as node notes,
exactly-once edges in bold.

Options:
  --format <format>     mermaid (default) or dot (Graphviz)
  -h, --help            show this help

Exit codes: 0 drawn, 1 the flow has structural errors (they are printed), 2 usage or read error.

Examples:
  flows graph examples/order-approval/order-approval.flow.json
  flows graph --format dot flow.json | dot -Tsvg > flow.svg
`;

const OPTIONS = {
  format: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export async function graphCommand(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parseVerbArgs(argv, OPTIONS);
    if (values.help) {
      io.stdout(GRAPH_HELP);
      return EXIT_OK;
    }
    const format = values.format ?? "mermaid";
    if (format !== "mermaid" && format !== "dot")
      throw new UsageError("USAGE", `unknown --format "${format}": use mermaid or dot`);
    const [file, ...extra] = positionals;
    if (file === undefined) throw new UsageError("USAGE", "name the flow file to draw");
    if (extra.length > 0) throw new UsageError("USAGE", `draw one flow at a time (got ${positionals.length} files)`);
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      throw new UsageError("READ404", `cannot read ${file}`);
    }
    const result = validate(text);
    if (result.flow === undefined) {
      for (const d of result.diagnostics)
        io.stderr(`${file}  ${d.code}  ${d.path === "" ? "" : `${d.path}  `}${d.message}\n`);
      io.stderr(`flows graph: ${file} is not a Flow IR document; see "flows validate ${file}"\n`);
      return EXIT_FAILED;
    }
    io.stdout(format === "dot" ? toDot(result.flow) : toMermaid(result.flow));
    return EXIT_OK;
  } catch (error) {
    return reportUsage(error, io, "graph");
  }
}
