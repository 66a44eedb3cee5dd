import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";

// The Lattice reference material lives next to the repository, not in it: tests that use it
// skip when it is absent, and nothing in the project reads it to build or run.

export const repoRoot = resolve(import.meta.dirname, "../../..");
export const referenceDir = resolve(repoRoot, "../shared/reference/flow-ir/");
export const referenceSchemaPath = resolve(referenceDir, "flow_ir.schema.json");
export const haveReference = existsSync(referenceDir);

export const REFERENCE_DOCUMENTS = ["s2_site.flow_ir.json", "etl_logs.flow_ir.json"] as const;

export function readReference(name: string): string {
  return readFileSync(resolve(referenceDir, name), "utf8");
}
