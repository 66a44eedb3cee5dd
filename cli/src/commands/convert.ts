import { existsSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { toTypeScript } from "@flows/define";
import { parseVerbArgs } from "../args";
import { EXIT_FAILED, EXIT_OK, reportUsage, UsageError } from "../exit";
import { summarize } from "../format/report";
import { formatDiagnosticLines, formatSummaryLine } from "../format/text";
import type { CliIo } from "../io";
import { readSource } from "../read-source";
import { checkText } from "../validate/check-file";
import { bundledRegistry } from "../validate/registry";

export const CONVERT_HELP = `Usage: flows convert <flow.json|-> [--out <file|->] [--force]

Writes the TypeScript definition (defineFlow from @flows/define) of an existing Flow IR
document. Every detail is kept — ids, names, ports, claims, hint lists, edges and surface
configs as written — so \`flows build\` on the result gives the same document back.
Implementations are not part of a document: run the result with --nodes as before, or
give each node a \`run\`.

Options:
  --out <file|->   where to write (default: <name>.flow.ts beside the input; - for stdout)
  --force          replace an existing output file
  -h, --help       show this help

Exit codes: 0 written, 1 the input is not Flow IR (its diagnostics are printed),
2 usage or read error, or an output file that exists (CONVERT409).

Example:
  flows convert examples/order-approval/order-approval.flow.json --out order-approval.flow.ts
`;

const OPTIONS = {
  out: { type: "string" },
  force: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** `orders.flow.json` → `orders.flow.ts`; any other name gets `.flow.ts` in place of its extension. */
export function convertedName(file: string): string {
  return `${file.replace(/(\.flow|\.flow_ir)?\.json$/, "")}.flow.ts`;
}

export async function convertCommand(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parseVerbArgs(argv, OPTIONS);
    if (values.help) {
      io.stdout(CONVERT_HELP);
      return EXIT_OK;
    }
    const [file, ...extra] = positionals;
    if (file === undefined) throw new UsageError("USAGE", "name the Flow IR file to convert (or - for standard input)");
    if (extra.length > 0) throw new UsageError("USAGE", `convert one file at a time (got ${positionals.length})`);
    const source = await readSource(file, io);
    if (!source.ok) throw new UsageError("READ404", source.message);
    // Only the document's shape must hold: a flow with findings converts to one with the same findings.
    const { report } = checkText(source.name, source.text, { registry: bundledRegistry() });
    const structural = report.diagnostics.filter((d) => d.code === "FLOW001" || d.code === "FLOW002");
    if (structural.length > 0) {
      const broken = { ...report, diagnostics: structural };
      const style = { color: false };
      io.stderr(
        `${[...formatDiagnosticLines([broken], style), formatSummaryLine(summarize([broken]), style)].join("\n")}\n`,
      );
      io.stderr(`flows convert: ${source.name} is not a Flow IR document; nothing written\n`);
      return EXIT_FAILED;
    }
    const typescript = toTypeScript(JSON.parse(source.text.replace(/^\uFEFF/, "")) as Record<string, unknown>, {
      source: file === "-" ? "standard input" : basename(file),
    });
    const out = values.out ?? (file === "-" ? "-" : convertedName(file));
    if (out === "-") {
      io.stdout(typescript);
      return EXIT_OK;
    }
    if (existsSync(out) && values.force !== true) {
      throw new UsageError("CONVERT409", `${out} exists; nothing was written (use --force to replace it, or --out)`);
    }
    try {
      writeFileSync(out, typescript);
    } catch {
      throw new UsageError("WRITE500", `cannot write ${out}`);
    }
    io.stdout(`wrote ${out}\n`);
    return EXIT_OK;
  } catch (error) {
    return reportUsage(error, io, "convert");
  }
}
