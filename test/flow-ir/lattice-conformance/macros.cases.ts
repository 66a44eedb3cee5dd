import type { DiagnosticCode } from "@flows/flow-ir";
import { edge, flow, type NodeInput, node, surface } from "../support/flows";
import type { ConformanceCase } from "./case";
import type { LatticeRegistryName } from "./registries";

// crates/dag-macros/tests: the IR the workflow! / #[node] macros emit (NodeSpec constants as
// the test files declare them; #[node] defaults pure / best_effort, #[trigger] read_only /
// strict; resources → hints by capabilities::hints::infer), judged by kernel_plan::validate.
// The ui/ tests are compile errors: where the rejected shape can be written as Flow IR, the
// document is that IR and the verdict is the kernel-plan check for it.

const macro = (
  file: string,
  test: string,
  document: unknown,
  errors: readonly DiagnosticCode[],
  registry: LatticeRegistryName = "default",
): ConformanceCase => ({
  source: "dag-macros tests",
  file: `crates/dag-macros/tests/${file}`,
  test,
  registry,
  document,
  errors,
});

/** TRIGGER_SPEC of the workflow_*.rs tests: a trigger declared pure / strict. */
const triggerSpec = (alias: string) => node(alias, { kind: "trigger" });

const workflow = (
  name: string,
  profile: "dev" | "web",
  nodes: NodeInput[],
  edges: [string, string, object?][],
  surfaces: unknown[] = [],
) =>
  flow({
    id: name,
    name,
    profile,
    nodes,
    edges: edges.map(([from, to, more]) => edge(from, to, more)),
    control_surfaces: surfaces as never,
  });

const ifFlow = workflow(
  "if_flow",
  "dev",
  [triggerSpec("trigger"), node("route"), node("then_branch"), node("else_branch"), node("capture")],
  [
    ["trigger", "route"],
    ["route", "then_branch"],
    ["route", "else_branch"],
    ["then_branch", "capture"],
    ["else_branch", "capture"],
  ],
  [
    surface("if:route:0", "if", ["route", "then_branch", "else_branch"], {
      v: 1,
      source: "route",
      selector_pointer: "/ok",
      then: "then_branch",
      else: "else_branch",
    }),
  ],
);

const switchFlow = workflow(
  "switch_flow",
  "dev",
  [triggerSpec("trigger"), node("route"), node("a"), node("b"), node("capture")],
  [
    ["trigger", "route"],
    ["route", "a"],
    ["route", "b"],
    ["a", "capture"],
    ["b", "capture"],
  ],
  [
    surface("switch:route:0", "switch", ["route", "a", "b", "a"], {
      v: 1,
      source: "route",
      selector_pointer: "/type",
      cases: { a: "a", b: "b" },
      default: "a",
    }),
  ],
);

const edgeControl = (name: string, more: object) =>
  workflow(name, "dev", [triggerSpec("trigger"), node("sink")], [["trigger", "sink", more]]);

/** A one-node flow of a #[node] spec, with the hints infer() gives its resource. */
const nodeFlow = (alias: string, overrides: Partial<NodeInput>) =>
  flow({ id: alias, name: alias, profile: "web", nodes: [node(alias, overrides)] });

const ui = (name: string) => `ui/${name}.rs`;

export const MACRO_CASES: readonly ConformanceCase[] = [
  macro("workflow_if.rs", "workflow_if_emits_control_surface_ir (if_flow)", ifFlow, []),
  macro("workflow_switch.rs", "workflow_switch_emits_control_surface_ir (switch_flow)", switchFlow, []),
  macro(
    "workflow_timeout.rs",
    "workflow_timeout_emits_edge_timeout_ms (timeout_flow)",
    edgeControl("timeout_flow", { timeout_ms: 250 }),
    [],
  ),
  macro(
    "workflow_edge_controls.rs",
    "workflow_delivery_exactly_once_triggers_validator_prereqs (delivery_flow)",
    edgeControl("delivery_flow", { delivery: "exactly_once" }),
    ["EXACT001", "EXACT002", "EXACT003"],
  ),
  macro(
    "workflow_edge_controls.rs",
    "workflow_buffer_emits_edge_buffer_max_items (buffer_flow)",
    edgeControl("buffer_flow", { buffer: { max_items: 10 } }),
    [],
  ),
  macro(
    "workflow_edge_controls.rs",
    "workflow_spill_emits_edge_spill_policy (spill_flow)",
    edgeControl("spill_flow", { buffer: { max_items: 10, spill_tier: "local", spill_threshold_bytes: 65_536 } }),
    ["SPILL002"],
  ),
  macro(
    "workflow_edge_controls.rs",
    "workflow_spill_without_buffer_triggers_spill001 (spill_unbounded_flow)",
    edgeControl("spill_unbounded_flow", { buffer: { spill_tier: "local" } }),
    ["SPILL001", "SPILL002"],
  ),
  macro(
    "node_hints.rs",
    "read_node_emits_http_read_hint (fetch_webhook)",
    nodeFlow("fetch_webhook", {
      effects: "read_only",
      determinism: "best_effort",
      effectHints: ["resource::http::read"],
      determinismHints: ["resource::http"],
    }),
    [],
  ),
  macro(
    "node_hints.rs",
    "write_node_emits_http_write_hint (post_webhook, no idempotency key)",
    nodeFlow("post_webhook", {
      effects: "effectful",
      determinism: "best_effort",
      effectHints: ["resource::http::write"],
      determinismHints: ["resource::http"],
    }),
    ["DAG004"],
  ),
  macro(
    ui("node_blob_determinism_conflict"),
    "blob_fetch resource on a strict node",
    nodeFlow("blob_reader", {
      effects: "read_only",
      determinism: "strict",
      effectHints: ["resource::blob::read"],
      determinismHints: ["resource::blob"],
    }),
    ["DET302"],
    "all",
  ),
  macro(
    ui("node_db_effect_conflict"),
    "db_writer resource on a pure node",
    nodeFlow("db_writer", {
      effects: "pure",
      determinism: "best_effort",
      effectHints: ["resource::db::write"],
      determinismHints: ["resource::db"],
    }),
    ["EFFECT201"],
    "all",
  ),
  macro(
    ui("node_determinism_hint_conflict"),
    "clock resource on a strict node",
    nodeFlow("clocky", { effects: "pure", determinism: "strict", determinismHints: ["resource::clock"] }),
    ["DET302"],
  ),
  macro(
    ui("node_effect_hint_conflict"),
    "http(HttpWrite) resource on a pure node",
    nodeFlow("writer", {
      effects: "pure",
      determinism: "best_effort",
      effectHints: ["resource::http::write"],
      determinismHints: ["resource::http"],
    }),
    ["EFFECT201"],
  ),
  macro(
    ui("node_queue_effect_conflict"),
    "queue_publish resource on a pure node",
    nodeFlow("queue_publish_node", {
      effects: "pure",
      determinism: "best_effort",
      effectHints: ["resource::queue::publish"],
      determinismHints: ["resource::queue"],
    }),
    ["EFFECT201"],
    "all",
  ),
  macro(
    ui("workflow_switch_empty_cases"),
    "switch! with no case",
    workflow(
      "switch_empty_cases",
      "dev",
      [node("route"), node("a")],
      [["route", "a"]],
      [surface("switch:route:0", "switch", ["route"], { v: 1, source: "route", selector_pointer: "/type", cases: {} })],
    ),
    ["CTRL110"],
  ),
  macro(
    ui("workflow_switch_missing_edge"),
    "switch! case without its edge",
    workflow(
      "switch_missing_edge",
      "dev",
      [node("route"), node("a"), node("b")],
      [["route", "a"]],
      [
        surface("switch:route:0", "switch", ["route", "a", "b"], {
          v: 1,
          source: "route",
          selector_pointer: "/type",
          cases: { a: "a", b: "b" },
        }),
      ],
    ),
    ["CTRL111"],
  ),
  macro(
    ui("workflow_switch_duplicate_source"),
    "two switch! on one source",
    workflow(
      "switch_duplicate_source",
      "dev",
      [node("route"), node("a"), node("b")],
      [
        ["route", "a"],
        ["route", "b"],
      ],
      [0, 1].map((index) =>
        surface(`switch:route:${index}`, "switch", ["route", "a", "b"], {
          v: 1,
          source: "route",
          selector_pointer: "/type",
          cases: { a: "a", b: "b" },
        }),
      ),
    ),
    ["CTRL112"],
  ),
  macro(
    ui("workflow_if_missing_edge"),
    "if_! else without its edge",
    workflow(
      "if_missing_edge",
      "dev",
      [node("route"), node("then_branch"), node("else_branch")],
      [["route", "then_branch"]],
      [
        surface("if:route:0", "if", ["route", "then_branch", "else_branch"], {
          v: 1,
          source: "route",
          selector_pointer: "/ok",
          then: "then_branch",
          else: "else_branch",
        }),
      ],
    ),
    ["CTRL121"],
  ),
  macro(
    ui("workflow_if_duplicate_source"),
    "two if_! on one source",
    workflow(
      "if_duplicate_source",
      "dev",
      [node("route"), node("a"), node("b")],
      [
        ["route", "a"],
        ["route", "b"],
      ],
      ["/ok", "/also"].map((pointer, index) =>
        surface(`if:route:${index}`, "if", ["route", "a", "b"], {
          v: 1,
          source: "route",
          selector_pointer: pointer,
          then: "a",
          else: "b",
        }),
      ),
    ),
    ["CTRL122"],
  ),
  macro(
    ui("workflow_if_selector_pointer_invalid"),
    "if_! selector_pointer not a JSON Pointer",
    workflow(
      "if_selector_pointer_invalid",
      "dev",
      [node("route"), node("a"), node("b")],
      [
        ["route", "a"],
        ["route", "b"],
      ],
      [
        surface("if:route:0", "if", ["route", "a", "b"], {
          v: 1,
          source: "route",
          selector_pointer: "type",
          then: "a",
          else: "b",
        }),
      ],
    ),
    ["CTRL120"],
  ),
  macro(
    ui("workflow_duplicate_alias"),
    "two nodes named first_alias, connected to themselves",
    workflow("dup_flow", "web", [node("first_alias"), node("first_alias")], [["first_alias", "first_alias"]]),
    ["DAG200", "DAG205"],
  ),
  macro(
    ui("workflow_unknown_alias"),
    "connect! to an alias no node has",
    workflow("missing_alias_flow", "web", [node("prod"), node("cons")], [["prod", "missing"]]),
    ["DAG202"],
  ),
];
