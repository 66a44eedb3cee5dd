import * as v from "valibot";
import {
  ControlSurfaceKindSchema,
  DeliverySchema,
  DeterminismSchema,
  EffectsSchema,
  IdempotencyScopeSchema,
  NodeKindSchema,
  OrderingSchema,
  ProfileSchema,
} from "./enums";
import { refuseArrays } from "./refuse-arrays";

// Flow IR 0.1 as the Lattice JSON Schema defines it. Every object is loose: unknown
// fields pass through untouched so documents from newer emitters still load.

/** A JSON object (never an array) whose unknown members are kept. */
const record = <const E extends v.ObjectEntries>(entries: E, description: string) =>
  v.pipe(refuseArrays(v.looseObject(entries)), v.description(description));

const text = (what: string) => v.string(`${what} must be a string`);
const optionalText = (what: string) => v.optional(v.nullable(text(what)));
const count = (what: string) =>
  v.pipe(
    v.number(`${what} must be a number`),
    v.integer(`${what} must be a whole number`),
    v.minValue(0, `${what} must not be negative`),
  );
const optionalCount = (what: string) => v.optional(v.nullable(count(what)));
const strings = (what: string) => v.array(text(`each entry of ${what}`), `${what} must be an array`);

export const SchemaRefSchema = v.variant(
  "kind",
  [
    v.looseObject({ kind: v.literal("opaque") }),
    v.looseObject({ kind: v.literal("named"), name: text("schema name") }),
  ],
  'schema reference kind must be "opaque" or "named"',
);

export const IdempotencySpecSchema = record(
  {
    key: optionalText("idempotency key"),
    scope: v.optional(v.nullable(IdempotencyScopeSchema)),
    ttlMs: optionalCount("idempotency ttlMs"),
  },
  "Idempotency metadata for a node.",
);

export const NodeSchema = record(
  {
    id: text("node id"),
    alias: text("node alias"),
    identifier: text("node identifier"),
    name: text("node name"),
    kind: NodeKindSchema,
    summary: optionalText("node summary"),
    in_schema: SchemaRefSchema,
    out_schema: SchemaRefSchema,
    effects: EffectsSchema,
    determinism: DeterminismSchema,
    idempotency: v.optional(IdempotencySpecSchema, {}),
    determinismHints: v.optional(strings("determinismHints"), []),
    effectHints: v.optional(strings("effectHints"), []),
  },
  "Node entry within the Flow IR.",
);

export const BufferPolicySchema = record(
  {
    max_items: optionalCount("buffer max_items"),
    on_drop: optionalText("buffer on_drop"),
    spill_threshold_bytes: optionalCount("buffer spill_threshold_bytes"),
    spill_tier: optionalText("buffer spill_tier"),
  },
  "Buffering behaviour metadata.",
);

export const EdgeSchema = record(
  {
    from: text("edge from"),
    to: text("edge to"),
    delivery: DeliverySchema,
    ordering: OrderingSchema,
    partition_key: optionalText("edge partition_key"),
    timeout_ms: optionalCount("edge timeout_ms"),
    buffer: BufferPolicySchema,
  },
  "Edge entry within the Flow IR.",
);

export const ControlSurfaceSchema = record(
  {
    id: text("control surface id"),
    kind: ControlSurfaceKindSchema,
    targets: strings("control surface targets"),
    config: v.optional(v.unknown()),
  },
  "Control surface metadata for branching/looping constructs.",
);

export const CheckpointSchema = record(
  { id: text("checkpoint id"), summary: optionalText("checkpoint summary") },
  "Checkpoint definition.",
);

export const ArtifactSchema = record(
  { kind: text("artifact kind"), path: text("artifact path"), format: optionalText("artifact format") },
  "Artifact reference bundled alongside Flow IR.",
);

export const PolicyLintSchema = record(
  {
    allow_multiple_triggers: v.optional(v.nullable(v.boolean("allow_multiple_triggers must be true or false"))),
    require_control_hints: v.optional(v.boolean("require_control_hints must be true or false"), false),
  },
  "Lint-specific policy settings.",
);

export const FlowSchema = record(
  {
    id: text("flow id"),
    name: text("flow name"),
    version: text("flow version"),
    profile: ProfileSchema,
    summary: optionalText("flow summary"),
    nodes: v.optional(v.array(NodeSchema, "nodes must be an array"), []),
    edges: v.optional(v.array(EdgeSchema, "edges must be an array"), []),
    control_surfaces: v.optional(v.array(ControlSurfaceSchema, "control_surfaces must be an array"), []),
    checkpoints: v.optional(v.array(CheckpointSchema, "checkpoints must be an array"), []),
    policies: v.optional(record({ lint: v.optional(PolicyLintSchema) }, "Policy metadata."), {}),
    metadata: v.optional(
      record({ tags: v.optional(strings("metadata tags"), []) }, "Documentation and tag metadata."),
      {},
    ),
    artifacts: v.optional(v.array(ArtifactSchema, "artifacts must be an array"), []),
  },
  "Canonical, host-agnostic representation for workflows (Flow IR 0.1).",
);
