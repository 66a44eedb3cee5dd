import { edge, flow, type NodeInput, node, surface } from "../support/flows";
import type { ConformanceCase } from "./case";

// examples/s*/src/lib.rs: the flows Lattice's example crates build with workflow_bundle!
// (#[trigger] nodes read_only / strict, #[node] as declared), and the verdict their code states
// (s5 and s6 call `validate(...).expect("... should validate")`; the others are run as valid
// flows by their hosts). The two JSON documents under schemas/examples are added from the
// reference directory by the test itself.

const example = (crate: string, document: unknown): ConformanceCase => ({
  source: "examples",
  file: `examples/${crate}/src/lib.rs`,
  test: `${crate}_flow`,
  registry: "all",
  document,
  errors: [],
});

const httpTrigger = () => node("trigger", { kind: "trigger", effects: "read_only", determinism: "strict" });
const chain = (name: string, nodes: NodeInput[], edges: [string, string, object?][], surfaces: unknown[] = []) =>
  flow({
    id: name,
    name,
    profile: "web",
    nodes,
    edges: edges.map(([from, to, more]) => edge(from, to, more)),
    control_surfaces: surfaces as never,
  });

export const EXAMPLE_CASES: readonly ConformanceCase[] = [
  example(
    "s1_echo",
    chain(
      "s1_echo_flow",
      [httpTrigger(), node("normalize"), node("responder")],
      [
        ["trigger", "normalize"],
        ["normalize", "responder"],
      ],
    ),
  ),
  example(
    "s3_branching",
    chain(
      "s3_branching_flow",
      [
        httpTrigger(),
        ...[
          "route",
          "then_branch",
          "else_branch",
          "mode_router",
          "branch_a",
          "branch_b",
          "branch_default",
          "capture",
        ].map((alias) => node(alias)),
      ],
      [
        ["trigger", "route"],
        ["route", "then_branch"],
        ["route", "else_branch"],
        ["then_branch", "mode_router"],
        ["mode_router", "branch_a"],
        ["mode_router", "branch_b"],
        ["mode_router", "branch_default"],
        ["branch_a", "capture"],
        ["branch_b", "capture"],
        ["branch_default", "capture"],
        ["else_branch", "capture"],
      ],
      [
        surface("if:route:0", "if", ["route", "then_branch", "else_branch"], {
          v: 1,
          source: "route",
          selector_pointer: "/flag",
          then: "then_branch",
          else: "else_branch",
        }),
        surface("switch:mode_router:0", "switch", ["mode_router", "branch_a", "branch_b", "branch_default"], {
          v: 1,
          source: "mode_router",
          selector_pointer: "/mode",
          cases: { a: "branch_a", b: "branch_b" },
          default: "branch_default",
        }),
      ],
    ),
  ),
  example(
    "s4_preflight",
    chain(
      "s4_preflight_flow",
      [
        httpTrigger(),
        node("kv_read", {
          effects: "read_only",
          determinism: "best_effort",
          effectHints: ["resource::kv::read"],
          determinismHints: ["resource::kv"],
        }),
        node("capture"),
      ],
      [
        ["trigger", "kv_read"],
        ["kv_read", "capture"],
      ],
    ),
  ),
  example(
    "s5_unsupported_surface",
    chain(
      "s5_unsupported_surface_flow",
      [httpTrigger(), node("passthrough"), node("capture")],
      [
        ["trigger", "passthrough"],
        ["passthrough", "capture"],
      ],
      [surface("rate_limit:0", "rate_limit", [], { v: 1, target: "trigger", qps: 1, burst: 1 })],
    ),
  ),
  example(
    "s6_spill",
    chain(
      "s6_spill_flow",
      [
        httpTrigger(),
        node("prepare"),
        node("store", {
          effects: "effectful",
          determinism: "best_effort",
          effectHints: ["resource::blob::write"],
          determinismHints: ["resource::blob"],
          idempotency: { key: "batch_id", scope: "node", ttlMs: 300_000 },
        }),
        node("ack"),
        node("capture"),
      ],
      [
        ["trigger", "prepare"],
        ["prepare", "store", { buffer: { max_items: 1, spill_tier: "local", spill_threshold_bytes: 512 } }],
        ["store", "ack"],
        ["ack", "capture"],
      ],
    ),
  ),
];
