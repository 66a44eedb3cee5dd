import { writeFileSync } from "node:fs";
import { flowIrJsonSchema, manifestJsonSchema } from "@flows/flow-ir";
import { parseVerbArgs } from "../args";
import { EXIT_OK, reportUsage, UsageError } from "../exit";
import type { CliIo } from "../io";

export const SCHEMA_HELP = `Usage: flows schema [--manifest] [--out <file>]

Prints the JSON Schema (draft 2020-12) of Flow IR 0.1 as pretty JSON, generated from
the same valibot schema the validator uses. Point a flow file's "$schema" at it and
editors complete and check it as you type.

Options:
  --manifest            the schema of flows.config.json instead
  --out <file>          write it to a file instead of standard output
  -h, --help            show this help

Exit codes: 0 printed or written, 2 usage error or the file could not be written.

Examples:
  flows schema > flow-ir.schema.json
  flows schema --out flow-ir.schema.json
  flows schema --manifest --out flows.config.schema.json
`;

const OPTIONS = {
  manifest: { type: "boolean" },
  out: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export async function schemaCommand(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parseVerbArgs(argv, OPTIONS);
    if (values.help) {
      io.stdout(SCHEMA_HELP);
      return EXIT_OK;
    }
    if (positionals.length > 0) throw new UsageError("USAGE", `unexpected arguments: ${positionals.join(" ")}`);
    const text = `${JSON.stringify(values.manifest ? manifestJsonSchema() : flowIrJsonSchema(), null, 2)}\n`;
    if (values.out === undefined) {
      io.stdout(text);
      return EXIT_OK;
    }
    try {
      writeFileSync(values.out, text);
    } catch {
      throw new UsageError("WRITE500", `cannot write ${values.out}`);
    }
    io.stderr(`wrote ${values.out}\n`);
    return EXIT_OK;
  } catch (error) {
    return reportUsage(error, io, "schema");
  }
}
