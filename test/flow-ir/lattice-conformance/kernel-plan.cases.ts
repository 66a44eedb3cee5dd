import type { DiagnosticCode } from "@flows/flow-ir";
import { edge, flow, type NodeInput, node, surface } from "../support/flows";
import type { ConformanceCase } from "./case";
import type { LatticeRegistryName } from "./registries";

// crates/kernel-plan/src/lib.rs, `mod tests`: each test's flow as the FlowBuilder builds it
// (NodeSpec::inline nodes are `inline`, opaque ports unless named, edges at_least_once), with
// the test's own changes applied.

const FILE = "crates/kernel-plan/src/lib.rs";

const unit = (
  test: string,
  document: unknown,
  errors: readonly DiagnosticCode[],
  registry: LatticeRegistryName = "default",
): ConformanceCase => ({ source: "kernel-plan unit tests", file: FILE, test, registry, document, errors });

/** `build_sample_flow()`: producer (pure, strict, out String) → consumer (read_only, stable, in String). */
function sample(change: { consumer?: Partial<NodeInput>; producer?: Partial<NodeInput>; edge?: object } = {}) {
  return {
    nodes: [
      node("producer", { out_schema: { kind: "named", name: "String" }, ...change.producer }),
      node("consumer", {
        effects: "read_only",
        determinism: "stable",
        in_schema: { kind: "named", name: "String" },
        ...change.consumer,
      }),
    ],
    edges: [edge("producer", "consumer", change.edge)],
  };
}
const sampleFlow = (change: Parameters<typeof sample>[0] = {}, more: object = {}) =>
  flow({ id: "sample", name: "sample", profile: "web", ...sample(change), ...more });

/** `set_idempotency`: key "prop.case", scope node, ttl 300000. */
const idempotent = { idempotency: { key: "prop.case", scope: "node", ttlMs: 300_000 } } as const;
const DEDUPE = ["resource::dedupe::write"];

const exactly = { delivery: "exactly_once" } as const;

/** route → a (and more): the switch/if tests' flows (profile dev). */
const routed = (aliases: string[], edges: [string, string][], surfaces: unknown[]) =>
  flow({
    profile: "dev",
    nodes: aliases.map((alias) => node(alias)),
    edges: edges.map(([from, to]) => edge(from, to)),
    control_surfaces: surfaces as never,
  });

const switchOn = (id: string, targets: string[], config: unknown) => surface(id, "switch", targets, config);
const ifOn = (id: string, targets: string[], config: unknown) => surface(id, "if", targets, config);
const ifConfig = { v: 1, source: "route", selector_pointer: "/ok", then: "then", else: "else" };

const withSurface = (kind: "rate_limit" | "error_handler" | "window", id: string, config: unknown) =>
  sampleFlow({}, { control_surfaces: [surface(id, kind, [], config)] });

const single = (alias: string, overrides: Partial<NodeInput>) =>
  flow({ id: alias, name: alias, profile: "web", nodes: [node(alias, overrides)] });

export const KERNEL_PLAN_CASES: readonly ConformanceCase[] = [
  unit("exactly_once_requires_dedupe_binding", sampleFlow({ edge: exactly, consumer: idempotent }), ["EXACT001"]),
  unit(
    "exactly_once_requires_idempotency_key",
    sampleFlow({ edge: exactly, consumer: { idempotency: { scope: "node", ttlMs: 300_000 }, effectHints: DEDUPE } }),
    ["EXACT002"],
  ),
  unit(
    "exactly_once_requires_ttl",
    sampleFlow({ edge: exactly, consumer: { idempotency: { key: "prop.case", scope: "node" }, effectHints: DEDUPE } }),
    ["EXACT003"],
  ),
  unit(
    "exactly_once_requires_minimum_ttl",
    sampleFlow({
      edge: exactly,
      consumer: { idempotency: { key: "prop.case", scope: "node", ttlMs: 299_999 }, effectHints: DEDUPE },
    }),
    ["EXACT003"],
  ),
  unit("edge_timeout_requires_positive_budget", sampleFlow({ edge: { timeout_ms: 0 } }), ["CTRL101"]),
  unit("edge_buffer_requires_positive_max_items", sampleFlow({ edge: { buffer: { max_items: 0 } } }), ["CTRL102"]),
  unit(
    "switch_requires_edges_for_all_targets",
    routed(
      ["route", "a", "b"],
      [["route", "a"]],
      [
        switchOn("switch:route:0", ["route", "a", "b"], {
          v: 1,
          source: "route",
          selector_pointer: "/type",
          cases: { a: "a", b: "b" },
        }),
      ],
    ),
    ["CTRL111"],
  ),
  unit(
    "switch_duplicate_sources_rejected",
    routed(
      ["route", "a"],
      [["route", "a"]],
      [0, 1].map((index) =>
        switchOn(`switch:route:${index}`, ["route", "a"], {
          v: 1,
          source: "route",
          selector_pointer: "/type",
          cases: { a: "a" },
        }),
      ),
    ),
    ["CTRL112"],
  ),
  unit(
    "switch_config_must_be_object",
    routed(["route", "a"], [["route", "a"]], [switchOn("switch:route:0", ["route", "a"], null)]),
    ["CTRL110"],
  ),
  unit(
    "switch_requires_v1_config",
    routed(
      ["route", "a"],
      [["route", "a"]],
      [
        switchOn("switch:route:0", ["route", "a"], {
          v: 2,
          source: "route",
          selector_pointer: "/type",
          cases: { a: "a" },
        }),
      ],
    ),
    ["CTRL110"],
  ),
  unit(
    "switch_cases_must_be_object",
    routed(
      ["route", "a"],
      [["route", "a"]],
      [
        switchOn("switch:route:0", ["route", "a"], {
          v: 1,
          source: "route",
          selector_pointer: "/type",
          cases: "not-an-object",
        }),
      ],
    ),
    ["CTRL110"],
  ),
  unit(
    "switch_case_targets_must_be_strings",
    routed(
      ["route", "a"],
      [["route", "a"]],
      [
        switchOn("switch:route:0", ["route", "a"], {
          v: 1,
          source: "route",
          selector_pointer: "/type",
          cases: { a: 1 },
        }),
      ],
    ),
    ["CTRL110"],
  ),
  unit(
    "switch_targets_must_include_source_and_case_targets",
    routed(
      ["route", "a", "b"],
      [
        ["route", "a"],
        ["route", "b"],
      ],
      [
        switchOn("switch:route:0", ["route", "a"], {
          v: 1,
          source: "route",
          selector_pointer: "/type",
          cases: { a: "a", b: "b" },
        }),
      ],
    ),
    ["CTRL110"],
  ),
  unit(
    "if_requires_edges_for_then_else",
    routed(["route", "then", "else"], [["route", "then"]], [ifOn("if:route:0", ["route", "then", "else"], ifConfig)]),
    ["CTRL121"],
  ),
  unit(
    "if_duplicate_sources_rejected",
    routed(
      ["route", "then", "else"],
      [
        ["route", "then"],
        ["route", "else"],
      ],
      [0, 1].map((index) => ifOn(`if:route:${index}`, ["route", "then", "else"], ifConfig)),
    ),
    ["CTRL122"],
  ),
  unit(
    "if_config_must_be_object",
    routed(
      ["route", "then", "else"],
      [
        ["route", "then"],
        ["route", "else"],
      ],
      [ifOn("if:route:0", ["route", "then", "else"], null)],
    ),
    ["CTRL120"],
  ),
  unit(
    "if_requires_v1_config",
    routed(
      ["route", "then", "else"],
      [
        ["route", "then"],
        ["route", "else"],
      ],
      [ifOn("if:route:0", ["route", "then", "else"], { ...ifConfig, v: 2 })],
    ),
    ["CTRL120"],
  ),
  unit(
    "for_each_requires_edge_from_source_to_body_entry",
    routed(
      ["source", "body", "capture"],
      [["source", "capture"]],
      [
        surface("for_each:source:0", "for_each", [], {
          v: 1,
          source: "source",
          items_pointer: "/items",
          body_entry: "body",
        }),
      ],
    ),
    ["CTRL132"],
  ),
  unit(
    "partition_requires_referenced_edge",
    routed(
      ["from", "to", "capture"],
      [["from", "capture"]],
      [surface("partition:0", "partition", [], { v: 1, edge: { from: "from", to: "to" }, key: "customer_id" })],
    ),
    ["CTRL132"],
  ),
  unit(
    "rate_limit_requires_positive_qps_and_burst",
    withSurface("rate_limit", "rate_limit:0", { v: 1, target: "producer", qps: 0, burst: 1 }),
    ["CTRL130"],
  ),
  unit(
    "rate_limit_unknown_target_alias_rejected",
    withSurface("rate_limit", "rate_limit:0", { v: 1, target: "missing", qps: 1, burst: 1 }),
    ["CTRL131"],
  ),
  unit(
    "for_each_rejects_invalid_items_pointer_format",
    routed(
      ["source", "body"],
      [["source", "body"]],
      [
        surface("for_each:source:0", "for_each", [], {
          v: 1,
          source: "source",
          items_pointer: "items",
          body_entry: "body",
        }),
      ],
    ),
    ["CTRL130"],
  ),
  unit(
    "error_handler_rejects_invalid_strategy",
    withSurface("error_handler", "on_error:0", { v: 1, scope: { nodes: ["producer"] }, strategy: "bogus" }),
    ["CTRL130"],
  ),
  unit(
    "error_handler_rejects_non_string_scope_nodes",
    withSurface("error_handler", "on_error:0", { v: 1, scope: { nodes: [1] }, strategy: "retry" }),
    ["CTRL130"],
  ),
  unit(
    "window_rejects_non_positive_size_ms",
    withSurface("window", "window:0", {
      v: 1,
      event_time_pointer: "/ts",
      size_ms: 0,
      allowed_lateness_ms: 1,
      watermark: "max(ts)",
    }),
    ["CTRL130"],
  ),
  unit(
    "exactly_once_succeeds_when_prerequisites_met",
    sampleFlow({ edge: exactly, consumer: { ...idempotent, effectHints: DEDUPE } }),
    [],
  ),
  unit("validate_accepts_well_formed_flow", sampleFlow(), []),
  unit("detect_type_mismatch", sampleFlow({ consumer: { in_schema: { kind: "named", name: "Other" } } }), ["DAG201"]),
  unit(
    "detect_cycles",
    flow({
      id: "sample",
      name: "sample",
      profile: "web",
      ...sample(),
      edges: [...sample().edges, edge("consumer", "producer")],
    }),
    ["DAG200"],
  ),
  unit(
    "detect_unknown_aliases",
    flow({
      id: "sample",
      name: "sample",
      profile: "web",
      ...sample(),
      edges: [...sample().edges, edge("missing", "consumer"), edge("producer", "absent")],
    }),
    ["DAG202"],
  ),
  unit(
    "detect_effect_conflicts",
    flow({
      profile: "web",
      nodes: [
        node("writer", { effectHints: ["resource::http::write"] }),
        node("sink", { effects: "read_only", determinism: "best_effort" }),
      ],
      edges: [edge("writer", "sink")],
    }),
    ["EFFECT201"],
  ),
  unit("detect_missing_idempotency", sampleFlow({ consumer: { effects: "effectful", idempotency: {} } }), ["DAG004"]),
  unit(
    "multiple_triggers_rejected_without_policy_opt_in",
    flow({
      profile: "web",
      nodes: [node("trigger_a", { kind: "trigger" }), node("trigger_b", { kind: "trigger" })],
      edges: [edge("trigger_a", "trigger_b")],
    }),
    ["DAG104"],
  ),
  unit(
    "multiple_triggers_allowed_with_policy_opt_in",
    flow({
      profile: "web",
      nodes: [node("trigger_a", { kind: "trigger" }), node("trigger_b", { kind: "trigger" })],
      edges: [edge("trigger_a", "trigger_b")],
      policies: { lint: { allow_multiple_triggers: true } },
    }),
    [],
  ),
  unit(
    "spill_requires_max_items_bound",
    flow({
      profile: "queue",
      nodes: [node("trigger"), node("worker")],
      edges: [edge("trigger", "worker", { buffer: { spill_tier: "local" } })],
    }),
    ["SPILL001", "SPILL002"],
  ),
  unit(
    "spill_requires_blob_hint",
    flow({
      profile: "queue",
      nodes: [node("trigger"), node("worker")],
      edges: [edge("trigger", "worker", { buffer: { spill_tier: "local", max_items: 1 } })],
    }),
    ["SPILL002"],
  ),
  unit(
    "spill_passes_when_blob_hint_declared",
    flow({
      profile: "queue",
      nodes: [
        node("trigger"),
        node("worker", {
          effects: "effectful",
          determinism: "best_effort",
          effectHints: ["resource::blob::write"],
          ...idempotent,
        }),
      ],
      edges: [edge("trigger", "worker", { buffer: { spill_tier: "local", max_items: 1 } })],
    }),
    [],
  ),
  unit(
    "detect_determinism_conflicts",
    flow({
      profile: "web",
      nodes: [
        node("clock", { effects: "read_only", determinismHints: ["resource::clock"] }),
        node("sink", { effects: "read_only", determinism: "best_effort" }),
      ],
      edges: [edge("clock", "sink")],
    }),
    ["DET302"],
  ),
  unit(
    "respect_registered_custom_conflicts",
    flow({
      profile: "web",
      nodes: [
        node("source", { effects: "read_only", determinismHints: ["test::custom"] }),
        node("sink", { effects: "read_only", determinism: "best_effort" }),
      ],
      edges: [edge("source", "sink")],
    }),
    ["DET302"],
    "default+custom",
  ),
  // mod auto_hint_validation: #[node] specs whose hints capabilities::hints::infer derives from
  // their resources (http(HttpWrite) → effect resource::http::write, determinism resource::http).
  unit(
    "auto_hint_validation::validator_flags_effect_conflict_from_registry_hint",
    single("writer", {
      effects: "pure",
      determinism: "best_effort",
      idempotency: { key: "request.id", scope: "node" },
      effectHints: ["resource::http::write"],
      determinismHints: ["resource::http"],
    }),
    ["EFFECT201"],
  ),
  unit(
    "auto_hint_validation::validator_accepts_effectful_node_with_registry_hint",
    single("writer_ok", {
      effects: "effectful",
      determinism: "best_effort",
      idempotency: { key: "request.id", scope: "node" },
      effectHints: ["resource::http::write"],
      determinismHints: ["resource::http"],
    }),
    [],
  ),
  unit(
    "auto_hint_validation::validator_flags_determinism_conflict_from_registry_hint",
    single("clock", { effects: "read_only", determinism: "strict", determinismHints: ["resource::clock"] }),
    ["DET302"],
  ),
  unit(
    "auto_hint_validation::fallback_hints_still_trigger_conflicts",
    single("db_writer", {
      effects: "pure",
      determinism: "best_effort",
      idempotency: { key: "request.id", scope: "node" },
      effectHints: ["resource::db::write"],
      determinismHints: ["resource::db"],
    }),
    ["EFFECT201"],
  ),
  unit("auto_hint_validation::nodes_without_resources_remain_hint_free", single("noop", {}), []),
];
