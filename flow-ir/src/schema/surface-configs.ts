type JsonSchema = Record<string, unknown>;

// Control surface configs as Lattice's validator (crates/kernel-plan) accepts them, for the
// published JSON Schema: every constraint here is one Lattice checks, so an editor never flags
// a config Lattice accepts. What JSON Schema cannot say (aliases that exist, edges, `targets`
// listing the branches) stays with the validator's CTRL codes. Keys this project's kernel also
// reads (for_each `concurrency`, error_handler `max_backoff_ms` / `jitter`) are described, not
// constrained, since Lattice does not check them.

const version = { const: 1, description: "config version; 1 is the only one defined" };
const alias = (description: string) => ({ type: "string", description });
const pointer = (description: string) => ({ type: "string", pattern: "^(/.*)?$", description });
const whole = (description: string, minimum: 0 | 1) => ({ type: "integer", minimum, description });

const object = (required: string[], properties: JsonSchema, description: string): JsonSchema => ({
  type: "object",
  required,
  properties,
  description,
});

export const SURFACE_CONFIG_SCHEMAS: Record<string, JsonSchema> = {
  switch: object(
    ["v", "source", "selector_pointer", "cases"],
    {
      v: version,
      source: alias("node whose output is inspected"),
      selector_pointer: pointer("JSON Pointer into the source's output"),
      cases: {
        type: "object",
        minProperties: 1,
        additionalProperties: { type: "string" },
        description: "selected value → node alias",
      },
      default: alias("node alias when no case matches"),
    },
    "switch: routes the source's output to the case matching the selected value",
  ),
  if: object(
    ["v", "source", "selector_pointer", "then", "else"],
    {
      v: version,
      source: alias("node whose output is inspected"),
      selector_pointer: pointer("JSON Pointer to a boolean in the source's output"),
      then: alias("node alias when true"),
      else: alias("node alias when false"),
    },
    "if: routes the source's output to then or else",
  ),
  for_each: object(
    ["v", "source", "items_pointer", "body_entry"],
    {
      v: version,
      source: alias("node producing the array"),
      items_pointer: pointer('JSON Pointer to the array in the source\'s output ("" for the whole output)'),
      body_entry: alias("node run once per element"),
      concurrency: { description: "at most this many elements at once (this kernel; default 8)" },
    },
    "for_each: runs body_entry once per element",
  ),
  rate_limit: object(
    ["v", "target", "qps", "burst"],
    {
      v: version,
      target: alias("node whose starts are limited"),
      qps: whole("tokens added per second", 1),
      burst: whole("tokens the bucket holds", 1),
    },
    "rate_limit: a token bucket on the target's starts",
  ),
  error_handler: object(
    ["v", "scope", "strategy"],
    {
      v: version,
      scope: object(
        ["nodes"],
        { nodes: { type: "array", items: { type: "string" }, description: "node aliases covered" } },
        "what the handler covers",
      ),
      strategy: { enum: ["retry", "fail", "continue"] },
      max_retries: whole("retries after the first attempt", 0),
      backoff_ms: whole("first retry delay", 0),
      max_backoff_ms: { description: "largest retry delay (this kernel; default 30000)" },
      jitter: { description: "randomize retry delays (this kernel; default true)" },
    },
    "error_handler: what happens when a node of scope.nodes fails",
  ),
  window: object(
    ["v", "event_time_pointer", "size_ms", "allowed_lateness_ms", "watermark"],
    {
      v: version,
      event_time_pointer: pointer("JSON Pointer to the event time"),
      size_ms: whole("window size", 1),
      allowed_lateness_ms: whole("allowed lateness", 0),
      watermark: { type: "string", minLength: 1 },
    },
    "window (reserved in Flow IR 0.1)",
  ),
  partition: object(
    ["v", "edge", "key"],
    {
      v: version,
      edge: object(["from", "to"], { from: alias("edge source"), to: alias("edge target") }, "the partitioned edge"),
      key: { type: "string", minLength: 1, description: "partition key expression" },
    },
    "partition (reserved in Flow IR 0.1; EdgeIR.partition_key is canonical)",
  ),
};

/** `allOf` entries selecting each kind's config schema. */
export function surfaceConfigRules(): JsonSchema[] {
  return Object.entries(SURFACE_CONFIG_SCHEMAS).map(([kind, config]) => ({
    if: { properties: { kind: { const: kind } }, required: ["kind"] },
    then: { properties: { config }, required: ["config"] },
  }));
}
