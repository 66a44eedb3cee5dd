import {
  CONTROL_SURFACE_KINDS,
  DELIVERY,
  DETERMINISM,
  EFFECTS,
  IDEMPOTENCY_SCOPES,
  NODE_KINDS,
  ORDERING,
  PROFILES,
} from "@flows/flow-ir";
import { isJsonObject, type Json, type Segment, valueAt } from "./json";

// The object shapes of Flow IR 0.1 as the reference JSON Schema spells them, written out by
// hand (not derived from our valibot schema) so that mutations aimed at a field are aimed by
// an independent reading of the schema.

export type FieldType =
  | { readonly type: "string" | "integer" | "boolean"; readonly nullable: boolean }
  | { readonly type: "enum"; readonly values: readonly string[]; readonly nullable: boolean }
  | { readonly type: "strings" | "objects" | "object" | "any" };

export interface Shape {
  readonly name: string;
  readonly required: readonly string[];
  readonly fields: Readonly<Record<string, FieldType>>;
}

const text: FieldType = { type: "string", nullable: false };
const nullableText: FieldType = { type: "string", nullable: true };
const nullableCount: FieldType = { type: "integer", nullable: true };
const oneOf = (values: readonly string[], nullable = false): FieldType => ({ type: "enum", values, nullable });
const strings: FieldType = { type: "strings" };
const objects: FieldType = { type: "objects" };
const object: FieldType = { type: "object" };

const shape = (name: string, required: readonly string[], fields: Shape["fields"]): Shape => ({
  name,
  required,
  fields,
});

export const SHAPES = {
  flow: shape("flow", ["id", "name", "profile", "version"], {
    id: text,
    name: text,
    version: text,
    profile: oneOf(PROFILES),
    summary: nullableText,
    nodes: objects,
    edges: objects,
    control_surfaces: objects,
    checkpoints: objects,
    policies: object,
    metadata: object,
    artifacts: objects,
  }),
  node: shape(
    "node",
    ["alias", "determinism", "effects", "id", "identifier", "in_schema", "kind", "name", "out_schema"],
    {
      id: text,
      alias: text,
      identifier: text,
      name: text,
      kind: oneOf(NODE_KINDS),
      summary: nullableText,
      in_schema: object,
      out_schema: object,
      effects: oneOf(EFFECTS),
      determinism: oneOf(DETERMINISM),
      idempotency: object,
      determinismHints: strings,
      effectHints: strings,
    },
  ),
  // SchemaRef is a oneOf: "name" is a declared field of the named branch only.
  opaqueRef: shape("schema ref", ["kind"], { kind: oneOf(["opaque", "named"]) }),
  namedRef: shape("schema ref", ["kind", "name"], { kind: oneOf(["opaque", "named"]), name: text }),
  idempotency: shape("idempotency", [], {
    key: nullableText,
    scope: oneOf(IDEMPOTENCY_SCOPES, true),
    ttlMs: nullableCount,
  }),
  edge: shape("edge", ["buffer", "delivery", "from", "ordering", "to"], {
    from: text,
    to: text,
    delivery: oneOf(DELIVERY),
    ordering: oneOf(ORDERING),
    partition_key: nullableText,
    timeout_ms: nullableCount,
    buffer: object,
  }),
  buffer: shape("buffer", [], {
    max_items: nullableCount,
    on_drop: nullableText,
    spill_threshold_bytes: nullableCount,
    spill_tier: nullableText,
  }),
  surface: shape("control surface", ["id", "kind", "targets"], {
    id: text,
    kind: oneOf(CONTROL_SURFACE_KINDS),
    targets: strings,
    config: { type: "any" },
  }),
  checkpoint: shape("checkpoint", ["id"], { id: text, summary: nullableText }),
  policies: shape("policies", [], { lint: object }),
  lint: shape("lint", [], {
    allow_multiple_triggers: { type: "boolean", nullable: true },
    require_control_hints: { type: "boolean", nullable: false },
  }),
  metadata: shape("metadata", [], { tags: strings }),
  artifact: shape("artifact", ["kind", "path"], { kind: text, path: text, format: nullableText }),
} as const satisfies Record<string, Shape>;

/** An object of a known shape inside a document. */
export interface Site {
  readonly path: readonly Segment[];
  readonly shape: Shape;
}

/** Every object in a structurally valid document, with the shape the schema gives it. */
export function sitesOf(document: Json): Site[] {
  const sites: Site[] = [];
  const visit = (path: readonly Segment[], shape: Shape) => {
    if (isJsonObject(valueAt(document, path) ?? null)) sites.push({ path, shape });
  };
  const each = (key: string, visitItem: (path: readonly Segment[]) => void) => {
    const list = valueAt(document, [key]);
    if (!Array.isArray(list)) return;
    for (let index = 0; index < list.length; index += 1) visitItem([key, index]);
  };
  visit([], SHAPES.flow);
  each("nodes", (path) => {
    visit(path, SHAPES.node);
    for (const port of ["in_schema", "out_schema"]) {
      const ref = valueAt(document, [...path, port]);
      if (isJsonObject(ref ?? null)) {
        visit([...path, port], (ref as { kind?: Json }).kind === "named" ? SHAPES.namedRef : SHAPES.opaqueRef);
      }
    }
    visit([...path, "idempotency"], SHAPES.idempotency);
  });
  each("edges", (path) => {
    visit(path, SHAPES.edge);
    visit([...path, "buffer"], SHAPES.buffer);
  });
  each("control_surfaces", (path) => visit(path, SHAPES.surface));
  each("checkpoints", (path) => visit(path, SHAPES.checkpoint));
  each("artifacts", (path) => visit(path, SHAPES.artifact));
  visit(["policies"], SHAPES.policies);
  visit(["policies", "lint"], SHAPES.lint);
  visit(["metadata"], SHAPES.metadata);
  return sites;
}
