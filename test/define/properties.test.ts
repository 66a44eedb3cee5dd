import { readFileSync } from "node:fs";
import { doCapability } from "@flows/cap-do";
import { kvCapability } from "@flows/cap-kv";
import { queueCapability } from "@flows/cap-queue";
import { r2Capability } from "@flows/cap-r2";
import { createCapabilityRegistry } from "@flows/caps";
import { type AnyUse, defineFlow, edge, type NodeRef, use } from "@flows/define";
import { validate } from "@flows/flow-ir";
import Ajv2020 from "ajv/dist/2020";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { haveReference, referenceSchemaPath } from "../flow-ir/support/reference";

// Random definitions, emitted: every document must pass our validator (with every bundled
// capability's rules) and the reference JSON Schema, with no error. The definition API is
// what keeps them valid: claims, hints, ids, ports and surface configs are all derived.

const registry = createCapabilityRegistry([kvCapability, r2Capability, queueCapability, doCapability]).hints;

const USES: readonly (() => AnyUse)[] = [
  () => use(kvCapability, "read"),
  () => use(kvCapability, "read", "write"),
  () => use(r2Capability, "read"),
  () => use(r2Capability, "write"),
  () => use(queueCapability, "publish"),
  () => use(doCapability, "read", "write"),
  () => use(doCapability, "dedupe"),
];
const HINTS = ["resource::http::read", "resource::http::write", "resource::clock", "resource::rng"];

const nodeSpec = fc.record({
  uses: fc.uniqueArray(fc.integer({ min: 0, max: USES.length - 1 }), { maxLength: 2 }),
  hints: fc.subarray(HINTS, { maxLength: 2 }),
  weaker: fc.boolean(),
  predecessors: fc.uniqueArray(fc.nat(), { minLength: 1, maxLength: 3 }),
  timeout: fc.option(fc.integer({ min: 1, max: 60_000 }), { nil: undefined }),
  onError: fc.option(fc.constantFrom("fail", "continue", "retry"), { nil: undefined }),
  rate: fc.option(fc.record({ qps: fc.integer({ min: 1, max: 1000 }), burst: fc.integer({ min: 1, max: 100 }) }), {
    nil: undefined,
  }),
  edgeTimeout: fc.option(fc.integer({ min: 1, max: 100_000 }), { nil: undefined }),
  buffer: fc.option(fc.integer({ min: 1, max: 1024 }), { nil: undefined }),
  delivery: fc.constantFrom("at_least_once", "at_most_once", "exactly_once"),
  ordering: fc.constantFrom("ordered", "unordered"),
});

const definition = fc.record({
  nodes: fc.array(nodeSpec, { minLength: 0, maxLength: 8 }),
  router: fc.option(fc.record({ kind: fc.constantFrom("if", "switch"), at: fc.nat() }), { nil: undefined }),
  forEach: fc.option(fc.nat(), { nil: undefined }),
  subflow: fc.boolean(),
  checkpoint: fc.boolean(),
});

type Definition = typeof definition extends fc.Arbitrary<infer D> ? D : never;

const child = defineFlow({ id: "prop.child" }, (f) => {
  f.node("work", { after: f.trigger("in"), uses: [use(kvCapability, "read")], run: (x) => x });
});

function build(spec: Definition, index: number) {
  return defineFlow(
    {
      id: `prop.flow_${index}`,
      ...(spec.checkpoint ? { checkpoints: { wait: { summary: "someone decides" } } } : {}),
    },
    (f) => {
      const nodes: NodeRef[] = [f.trigger("start", { run: (payload) => payload })];
      spec.nodes.forEach((node, i) => {
        const uses = node.uses
          .map((u) => (USES[u] as () => AnyUse)())
          .filter((u, at, all) => all.findIndex((other) => other.name === u.name) === at);
        const dedupe = uses.some((u) => u.hints.includes("resource::dedupe"));
        const preds = node.predecessors.map((p) => nodes[p % nodes.length] as NodeRef);
        const after = [...new Set(preds)].map((p) =>
          edge(p, {
            delivery: node.delivery === "exactly_once" && !dedupe ? "at_least_once" : node.delivery,
            ordering: node.ordering,
            ...(node.edgeTimeout === undefined ? {} : { timeoutMs: node.edgeTimeout }),
            ...(node.buffer === undefined ? {} : { buffer: { maxItems: node.buffer } }),
          }),
        );
        const options = {
          after,
          uses,
          hints: node.hints,
          // Every node gets a key: effectful ones need one (DAG004), exactly-once ones a long TTL.
          idempotency: { key: "id", ttlMs: 300_000 },
          ...(node.weaker ? { determinism: "nondeterministic" } : {}),
          ...(node.timeout === undefined ? {} : { timeout: node.timeout }),
          ...(node.onError === undefined
            ? {}
            : { onError: node.onError === "retry" ? { strategy: "retry", maxRetries: 2 } : node.onError }),
          ...(node.rate === undefined ? {} : { rateLimit: node.rate }),
          run: (input: unknown) => input,
        };
        nodes.push(f.node(`n${i}`, options as never) as NodeRef);
      });
      if (spec.router !== undefined) {
        const source = nodes[spec.router.at % nodes.length] as NodeRef;
        if (spec.router.kind === "if") {
          const routes = f.if("route", source, "/flag");
          f.node("yes", { after: routes.then, run: (x) => x });
          f.node("no", { after: routes.else, run: (x) => x });
        } else {
          const routes = f.switch("route", source, "/kind");
          f.node("a", { after: routes.case("a", "aa"), run: (x) => x });
          f.node("b", { after: routes.case("b").orOtherwise(), run: (x) => x });
        }
      }
      if (spec.forEach !== undefined) {
        f.forEach("each", { source: nodes[spec.forEach % nodes.length] as NodeRef, items: "/items", run: (x) => x });
      }
      if (spec.subflow) f.subflow("child", child, { after: nodes[0] as NodeRef });
      if (spec.checkpoint) {
        f.node("decide", {
          after: nodes[0] as NodeRef,
          run: (_x, ctx) => ctx.halt(f.checkpoints.wait as never),
        });
      }
    },
  );
}

describe.skipIf(!haveReference)("random definitions", () => {
  it("emit 1,000 documents that our validator and the reference schema both accept", () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
    const oracle = ajv.compile(JSON.parse(readFileSync(referenceSchemaPath, "utf8")));
    let index = 0;
    let nodes = 0;
    let surfaces = 0;
    fc.assert(
      fc.property(definition, (spec) => {
        index += 1;
        const flow = build(spec, index);
        const document = JSON.parse(flow.toFlowJson()) as { nodes: unknown[]; control_surfaces: unknown[] };
        nodes += document.nodes.length;
        surfaces += document.control_surfaces.length;
        const errors = validate(document, { registry }).diagnostics.filter((d) => d.severity === "error");
        expect(errors).toEqual([]);
        expect(oracle(document), JSON.stringify(oracle.errors)).toBe(true);
        expect(flow.toFlowJson()).toBe(build(spec, index).toFlowJson());
      }),
      { numRuns: 1000, seed: 20_261_203 },
    );
    expect(index).toBeGreaterThanOrEqual(1000);
    expect(nodes).toBeGreaterThan(3000);
    expect(surfaces).toBeGreaterThan(1000);
    console.log(`random definitions: ${index} flows, ${nodes} nodes, ${surfaces} control surfaces`);
  });
});
