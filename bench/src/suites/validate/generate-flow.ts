import type { FlowIRInput } from "@flows/flow-ir";

type NodeInput = NonNullable<FlowIRInput["nodes"]>[number];
type EdgeInput = NonNullable<FlowIRInput["edges"]>[number];
type SurfaceInput = NonNullable<FlowIRInput["control_surfaces"]>[number];
type SchemaRefInput = NodeInput["in_schema"];

/** One node of the repeating segment; `alias` is prefixed with the segment's name. */
interface Slot {
  readonly alias: string;
  readonly kind: NodeInput["kind"];
  readonly effects: NodeInput["effects"];
  readonly determinism: NodeInput["determinism"];
  readonly effectHints?: readonly string[];
  readonly determinismHints?: readonly string[];
  readonly idempotency?: NodeInput["idempotency"];
  readonly in: string | undefined;
  readonly out: string | undefined;
}

const key = (name: string, ttlMs?: number): NodeInput["idempotency"] =>
  ttlMs === undefined ? { key: name, scope: "node" } : { key: name, scope: "partition", ttlMs };

/**
 * An order-processing segment: a chain (ingest → parse → lookup → route), a fan-out to one
 * writer per bundled capability, a fan-in (join), an exactly-once hand-off to a deduplicating
 * ledger, and a gated notification. Every hint meets its registered constraint and every named
 * port meets the same name, so the flow is valid and each semantic check walks all of it.
 */
const SEGMENT: readonly Slot[] = [
  {
    alias: "ingest",
    kind: "activity",
    effects: "read_only",
    determinism: "best_effort",
    effectHints: ["resource::http::read"],
    determinismHints: ["resource::clock"],
    in: undefined,
    out: "RawEvent",
  },
  { alias: "parse", kind: "inline", effects: "pure", determinism: "strict", in: "RawEvent", out: "Order" },
  {
    alias: "lookup",
    kind: "activity",
    effects: "read_only",
    determinism: "best_effort",
    effectHints: ["resource::kv::read"],
    in: "Order",
    out: "EnrichedOrder",
  },
  { alias: "route", kind: "inline", effects: "pure", determinism: "strict", in: "EnrichedOrder", out: "EnrichedOrder" },
  {
    alias: "cache",
    kind: "activity",
    effects: "effectful",
    determinism: "best_effort",
    effectHints: ["resource::kv::write"],
    idempotency: key("order_id"),
    in: "EnrichedOrder",
    out: undefined,
  },
  {
    alias: "archive",
    kind: "activity",
    effects: "effectful",
    determinism: "best_effort",
    effectHints: ["resource::blob::write"],
    idempotency: key("order_id"),
    in: "EnrichedOrder",
    out: undefined,
  },
  {
    alias: "publish",
    kind: "activity",
    effects: "effectful",
    determinism: "nondeterministic",
    effectHints: ["resource::queue::publish"],
    idempotency: key("message_id"),
    in: "EnrichedOrder",
    out: undefined,
  },
  {
    alias: "account",
    kind: "subflow",
    effects: "effectful",
    determinism: "best_effort",
    effectHints: ["resource::do::write"],
    idempotency: key("account_id"),
    in: "EnrichedOrder",
    out: undefined,
  },
  {
    alias: "join",
    kind: "inline",
    effects: "read_only",
    determinism: "stable",
    determinismHints: ["resource::do::read"],
    in: undefined,
    out: "Receipt",
  },
  {
    alias: "ledger",
    kind: "activity",
    effects: "effectful",
    determinism: "best_effort",
    effectHints: ["resource::dedupe::orders", "resource::do::write"],
    idempotency: key("order_id", 600_000),
    in: "Receipt",
    out: "Receipt",
  },
  { alias: "gate", kind: "inline", effects: "pure", determinism: "strict", in: "Receipt", out: "Receipt" },
  {
    alias: "notify",
    kind: "activity",
    effects: "effectful",
    determinism: "best_effort",
    effectHints: ["resource::http::write"],
    idempotency: key("receipt_id"),
    in: "Receipt",
    out: undefined,
  },
];

export const SEGMENT_SIZE = SEGMENT.length;
const WRITERS = ["cache", "archive", "publish", "account"] as const;

const port = (name: string | undefined): SchemaRefInput =>
  name === undefined ? { kind: "opaque" } : { kind: "named", name };

const plainEdge = (from: string, to: string): EdgeInput => ({
  from,
  to,
  delivery: "at_least_once",
  ordering: "ordered",
  buffer: {},
});

/** Edges inside segment `s` (aliases `${s}_${slot}`), with the delivery and buffer mix of a real flow. */
function segmentEdges(s: string): EdgeInput[] {
  const a = (slot: string) => `${s}_${slot}`;
  const edges: EdgeInput[] = [
    { ...plainEdge(a("ingest"), a("parse")), delivery: "at_most_once", timeout_ms: 5_000 },
    plainEdge(a("parse"), a("lookup")),
    { ...plainEdge(a("lookup"), a("route")), partition_key: "customer_id" },
  ];
  for (const writer of WRITERS) {
    edges.push({
      ...plainEdge(a("route"), a(writer)),
      ordering: "unordered",
      partition_key: "customer_id",
      buffer:
        writer === "archive"
          ? { max_items: 5_000, spill_threshold_bytes: 67_108_864, spill_tier: "r2", on_drop: "block" }
          : { max_items: 1_000, on_drop: "drop_oldest" },
    });
    edges.push({ ...plainEdge(a(writer), a("join")), timeout_ms: 30_000 });
  }
  edges.push({
    ...plainEdge(a("join"), a("ledger")),
    delivery: "exactly_once",
    partition_key: "order_id",
    timeout_ms: 300_000,
    buffer: { max_items: 10_000 },
  });
  edges.push(plainEdge(a("ledger"), a("gate")));
  edges.push({ ...plainEdge(a("gate"), a("notify")), ordering: "unordered" });
  return edges;
}

/** Surfaces on segment `s`: a switch on every segment, the others on some, as authors add them. */
function segmentSurfaces(s: string, index: number): SurfaceInput[] {
  const a = (slot: string) => `${s}_${slot}`;
  const surfaces: SurfaceInput[] = [
    {
      id: `${s}_by_kind`,
      kind: "switch",
      targets: [a("route"), a("cache"), a("archive"), a("publish"), a("account")],
      config: {
        v: 1,
        source: a("route"),
        selector_pointer: "/kind",
        cases: { cache: a("cache"), archive: a("archive"), publish: a("publish") },
        default: a("account"),
      },
    },
  ];
  if (index % 2 === 0) {
    surfaces.push({
      id: `${s}_notify_if_large`,
      kind: "if",
      targets: [a("gate"), a("notify")],
      config: { v: 1, source: a("gate"), selector_pointer: "/large", then: a("notify"), else: a("notify") },
    });
    surfaces.push({
      id: `${s}_lookup_timeout`,
      kind: "timeout",
      targets: [a("lookup")],
      config: { timeout_ms: 2_000 },
    });
  }
  if (index % 3 === 0) {
    surfaces.push({
      id: `${s}_each_line`,
      kind: "for_each",
      targets: [a("parse"), a("lookup")],
      config: { v: 1, source: a("parse"), body_entry: a("lookup"), items_pointer: "/lines", concurrency: 4 },
    });
  }
  if (index % 4 === 0) {
    surfaces.push({
      id: `${s}_retry_writes`,
      kind: "error_handler",
      targets: WRITERS.map(a),
      config: {
        v: 1,
        scope: { nodes: WRITERS.map(a) },
        strategy: "retry",
        max_retries: 5,
        backoff_ms: 200,
        max_backoff_ms: 10_000,
        jitter: true,
      },
    });
    surfaces.push({
      id: `${s}_publish_rate`,
      kind: "rate_limit",
      targets: [`${a("route")}->${a("publish")}`],
      config: { v: 1, target: a("publish"), qps: 100, burst: 100 },
    });
  }
  return surfaces;
}

export interface GeneratedFlow {
  readonly document: FlowIRInput;
  readonly nodes: number;
  readonly edges: number;
  readonly surfaces: number;
}

/**
 * A valid Flow IR document of exactly `nodeCount` nodes: one trigger, then whole segments
 * chained one after another, then a chain of pure steps for the remainder. Deterministic, so
 * every run measures the same document.
 */
export function generateFlow(nodeCount: number): GeneratedFlow {
  const flowId = `bench-${nodeCount}`;
  const nodes: NodeInput[] = [];
  const edges: EdgeInput[] = [];
  const surfaces: SurfaceInput[] = [];
  const checkpoints: NonNullable<FlowIRInput["checkpoints"]> = [];
  const addNode = (alias: string, identifier: string, slot: Omit<Slot, "alias">) =>
    nodes.push({
      id: `${flowId}::${alias}`,
      alias,
      identifier: `orders::${identifier}`,
      name: alias,
      kind: slot.kind,
      in_schema: port(slot.in),
      out_schema: port(slot.out),
      effects: slot.effects,
      determinism: slot.determinism,
      idempotency: slot.idempotency ?? {},
      effectHints: [...(slot.effectHints ?? [])],
      determinismHints: [...(slot.determinismHints ?? [])],
    });

  addNode("trigger", "http_trigger", {
    kind: "trigger",
    effects: "read_only",
    determinism: "strict",
    in: undefined,
    out: undefined,
  });
  let tail = "trigger";
  const segments = Math.floor((nodeCount - 1) / SEGMENT_SIZE);
  for (let index = 0; index < segments; index += 1) {
    const s = `s${index}`;
    for (const slot of SEGMENT) addNode(`${s}_${slot.alias}`, slot.alias, slot);
    edges.push(plainEdge(tail, `${s}_ingest`), ...segmentEdges(s));
    surfaces.push(...segmentSurfaces(s, index));
    checkpoints.push({ id: `${s}_joined`, summary: `writes of segment ${index} joined` });
    tail = `${s}_notify`;
  }
  for (let index = nodes.length; index < nodeCount; index += 1) {
    const alias = `tail_${index}`;
    addNode(alias, "step", { kind: "inline", effects: "pure", determinism: "strict", in: undefined, out: undefined });
    edges.push(plainEdge(tail, alias));
    tail = alias;
  }

  const document: FlowIRInput = {
    id: flowId,
    name: `orders_${nodeCount}`,
    version: "1.0.0",
    profile: "queue",
    summary: "Generated order-processing flow for the validation benchmark",
    nodes,
    edges,
    control_surfaces: surfaces,
    checkpoints,
    policies: { lint: { allow_multiple_triggers: false, require_control_hints: false } },
    metadata: { tags: ["bench", "generated"] },
    artifacts: [],
  };
  return { document, nodes: nodes.length, edges: edges.length, surfaces: surfaces.length };
}
