import { flowIrJsonSchema } from "@flows/flow-ir";
import Ajv2020 from "ajv/dist/2020";
import { describe, expect, it } from "vitest";
import { EXAMPLE_CASES } from "./lattice-conformance/examples.cases";
import { KERNEL_PLAN_CASES } from "./lattice-conformance/kernel-plan.cases";
import { MACRO_CASES } from "./lattice-conformance/macros.cases";
import { edge, flow, node, surface } from "./support/flows";

// The JSON Schema we publish carries each control surface's config shape. Only constraints
// Lattice checks are in it, so every document of the conformance suite whose Lattice verdict
// has no surface-config error passes it, and a config Lattice rejects for its shape fails it.

const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
const check = ajv.compile(flowIrJsonSchema());
const CONFIG_CODES = new Set(["CTRL110", "CTRL120", "CTRL130"]);

const withSurface = (kind: string, config: unknown) =>
  flow({
    nodes: [node("a", { kind: "trigger" }), node("b")],
    edges: [edge("a", "b")],
    control_surfaces: [surface("s", kind as never, ["a", "b"], config)],
  });

describe("published JSON Schema: control surface configs", () => {
  const cases = [...KERNEL_PLAN_CASES, ...MACRO_CASES, ...EXAMPLE_CASES].filter(
    (testCase) => !testCase.errors.some((code) => CONFIG_CODES.has(code)),
  );

  it(`accepts every conformance document without a config error in Lattice's verdict (${cases.length})`, () => {
    const rejected = cases.filter((testCase) => !check(testCase.document)).map((testCase) => testCase.test);
    expect(rejected).toEqual([]);
  });

  it("rejects configs in shapes Lattice rejects, this project's earlier keys among them", () => {
    const rejected: [string, unknown][] = [
      ["rate_limit", { limit: 5, window_ms: 1000 }],
      ["rate_limit", { v: 1, target: "b", qps: 0, burst: 1 }],
      ["for_each", { v: 1, source: "a", items_pointer: "", body: "b" }],
      ["error_handler", { v: 1, strategy: "retry" }],
      ["error_handler", { v: 1, scope: { nodes: [1] }, strategy: "retry" }],
      ["switch", { v: 1, source: "a", selector_pointer: "/k", cases: {} }],
      ["if", { v: 1, source: "a", selector_pointer: "/ok", then: "b" }],
      ["if", { source: "a", selector_pointer: "/ok", then: "b", else: "b" }],
      ["window", { v: 1, event_time_pointer: "/ts", size_ms: 0, allowed_lateness_ms: 0, watermark: "w" }],
      ["partition", { v: 1, edge: { from: "a", to: "b" }, key: "" }],
      ["for_each", { v: 1, source: "a", items_pointer: "items", body_entry: "b" }],
    ];
    for (const [kind, config] of rejected)
      expect(check(withSurface(kind, config)), `${kind} ${JSON.stringify(config)}`).toBe(false);
  });

  it("accepts each kind in Lattice's shape, and leaves loop and timeout alone as Lattice does", () => {
    const accepted: [string, unknown][] = [
      ["rate_limit", { v: 1, target: "b", qps: 5, burst: 10 }],
      ["for_each", { v: 1, source: "a", items_pointer: "", body_entry: "b", concurrency: 2 }],
      ["error_handler", { v: 1, scope: { nodes: ["b"] }, strategy: "retry", max_retries: 0, jitter: false }],
      ["switch", { v: 1, source: "a", selector_pointer: "/k", cases: { x: "b" }, default: "b" }],
      ["if", { v: 1, source: "a", selector_pointer: "", then: "b", else: "b" }],
      ["window", { v: 1, event_time_pointer: "/ts", size_ms: 1, allowed_lateness_ms: 0, watermark: "w" }],
      ["partition", { v: 1, edge: { from: "a", to: "b" }, key: "k" }],
      ["timeout", { anything: true }],
      ["loop", [1, 2]],
    ];
    for (const [kind, config] of accepted)
      expect(check(withSurface(kind, config)), `${kind} ${JSON.stringify(config)}`).toBe(true);
  });
});
