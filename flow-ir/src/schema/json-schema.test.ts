import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { FLOW_IR_SCHEMA_ID, flowIrJsonSchema, MANIFEST_SCHEMA_ID, manifestJsonSchema } from "./json-schema";

// The repository ships the exports so editors can resolve `$schema` without running anything.
// `FLOWS_UPDATE_SCHEMAS=1 npx vitest run flow-ir/src/schema` rewrites them after a schema change.
const committed = [
  ["flow-ir.schema.json", flowIrJsonSchema, FLOW_IR_SCHEMA_ID],
  ["flows.config.schema.json", manifestJsonSchema, MANIFEST_SCHEMA_ID],
] as const;

describe("committed JSON Schema exports", () => {
  for (const [file, exported, id] of committed) {
    it(`flow-ir/schema/${file} matches the valibot schema`, () => {
      const path = fileURLToPath(new URL(`../../schema/${file}`, import.meta.url));
      const expected = `${JSON.stringify(exported(), null, 2)}\n`;
      if (process.env.FLOWS_UPDATE_SCHEMAS === "1") writeFileSync(path, expected);
      expect(readFileSync(path, "utf8")).toBe(expected);
      expect(JSON.parse(expected).$id).toBe(id);
    });
  }
});
