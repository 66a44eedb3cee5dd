import { toJsonSchema } from "@valibot/to-json-schema";
import { FlowSchema } from "../ir/schema";
import { ManifestSchema } from "../manifest/manifest";
import { surfaceConfigRules } from "./surface-configs";

export const FLOW_IR_SCHEMA_ID = "https://flows.dev/schemas/flow-ir-0.1.json";
export const MANIFEST_SCHEMA_ID = "https://flows.dev/schemas/flows.config.json";

type JsonSchema = Record<string, unknown>;

function exportSchema(schema: Parameters<typeof toJsonSchema>[0], id: string, title: string): JsonSchema {
  // `check` actions guard what JSON Schema already says (e.g. "an object, not an array").
  const body = toJsonSchema(schema, { target: "draft-2020-12", ignoreActions: ["check", "raw_check"] }) as JsonSchema;
  return { ...body, $id: id, title };
}

/**
 * The Flow IR 0.1 JSON Schema, generated from the valibot schema so the two cannot drift, with
 * each control surface's config shape as Lattice validates it.
 */
export function flowIrJsonSchema(): JsonSchema {
  const schema = exportSchema(FlowSchema, FLOW_IR_SCHEMA_ID, "Flow IR 0.1");
  const properties = schema.properties as Record<string, { items: JsonSchema }>;
  const surfaces = properties.control_surfaces;
  if (surfaces !== undefined) surfaces.items = { ...surfaces.items, allOf: surfaceConfigRules() };
  return schema;
}

/** JSON Schema of `flows.config.json`. */
export function manifestJsonSchema(): JsonSchema {
  return exportSchema(ManifestSchema, MANIFEST_SCHEMA_ID, "flows project manifest");
}
