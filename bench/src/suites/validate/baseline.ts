import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { relative, resolve } from "node:path";
import { flowIrJsonSchema } from "@flows/flow-ir";
import { Ajv2020 } from "ajv/dist/2020.js";

export interface Baseline {
  /** Validates an already parsed document against the schema: structure only. */
  readonly check: (document: unknown) => boolean;
  /** Says which schema and which validator, for the report. */
  readonly description: string;
  /** Set when the reference schema was missing and our own export stood in. */
  readonly fallback: boolean;
}

const REFERENCE_SCHEMA = "../shared/reference/flow-ir/flow_ir.schema.json";

function ajvVersion(): string {
  const manifest: unknown = createRequire(import.meta.url)("ajv/package.json");
  return typeof manifest === "object" && manifest !== null && "version" in manifest ? String(manifest.version) : "?";
}

/**
 * ajv compiled (once, here, outside every timing) from the Lattice reference JSON Schema,
 * which is draft 2020-12. Without the reference checkout our own exported schema stands in,
 * which is still a fair structural baseline but no longer an independent one.
 */
export function loadBaseline(repoRoot: string): Baseline {
  const path = resolve(repoRoot, REFERENCE_SCHEMA);
  const fallback = !existsSync(path);
  const schema: Record<string, unknown> = fallback
    ? flowIrJsonSchema()
    : (JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>);
  // Formats such as "uint32" are Lattice annotations, not ajv formats; strict mode would reject them.
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: false });
  const validate = ajv.compile(schema);
  const where = fallback
    ? `our exported flowIrJsonSchema() — ${REFERENCE_SCHEMA} not found, so the baseline is not independent`
    : relative(repoRoot, path);
  return {
    check: (document) => validate(document) === true,
    description: `ajv ${ajvVersion()} (Ajv2020, compiled once) with ${where}`,
    fallback,
  };
}
