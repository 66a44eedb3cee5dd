import { DIAGNOSTIC_CODES, type Diagnostic, parseJson, resolvePointer, validate } from "@flows/flow-ir";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mutate, validDocument } from "./support/generate";
import { seededRandom } from "./support/random";

// Whatever the input, validate() returns diagnostics and never throws; every diagnostic has a
// known code, a severity, a message and a path that resolves in the input.

function checkDiagnostics(input: unknown, diagnostics: readonly Diagnostic[]) {
  const document = typeof input === "string" ? parseJson(input) : { ok: true as const, value: input };
  for (const diagnostic of diagnostics) {
    expect(Object.keys(DIAGNOSTIC_CODES)).toContain(diagnostic.code);
    expect(["error", "warning"]).toContain(diagnostic.severity);
    expect(diagnostic.message.length).toBeGreaterThan(0);
    if (diagnostic.code === "FLOW001") {
      expect(diagnostic.path).toBe("");
      continue;
    }
    expect(document.ok).toBe(true);
    if (document.ok) expect(resolvePointer(document.value, diagnostic.path).found, diagnostic.path).toBe(true);
  }
}

const RUNS = 2_000;

describe("validate() on arbitrary input", () => {
  it("never throws on arbitrary JSON values", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        const result = validate(value);
        expect(result.ok).toBe(result.diagnostics.every((d) => d.severity !== "error"));
        checkDiagnostics(value, result.diagnostics);
      }),
      { numRuns: RUNS, seed: 1 },
    );
  });

  it("never throws on arbitrary text", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.string({ unit: "grapheme" })), (text) => {
        checkDiagnostics(text, validate(text).diagnostics);
      }),
      { numRuns: RUNS, seed: 2 },
    );
  });

  it("never throws on flows with random members replaced by arbitrary values", () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.array(fc.tuple(fc.nat(), fc.jsonValue({ maxDepth: 3 })), { maxLength: 4 }),
        (seed, changes) => {
          const random = seededRandom(seed);
          const document = validDocument(random) as Record<string, unknown>;
          const keys = Object.keys(document);
          for (const [position, value] of changes) document[keys[position % keys.length] as string] = value;
          const mutated = mutate(random, document as Parameters<typeof mutate>[1]);
          checkDiagnostics(mutated, validate(mutated).diagnostics);
          const text = JSON.stringify(mutated);
          checkDiagnostics(text, validate(text).diagnostics);
        },
      ),
      { numRuns: RUNS, seed: 3 },
    );
  });

  it("never throws on graph-shaped flows with arbitrary edges and surfaces", () => {
    const alias = fc.constantFrom("a", "b", "c", "d", "ghost", "");
    const flow = fc.record({
      edges: fc.array(
        fc.record({
          from: alias,
          to: alias,
          delivery: fc.constantFrom("at_least_once", "exactly_once"),
          timeout_ms: fc.option(fc.integer()),
        }),
        { maxLength: 8 },
      ),
      surfaces: fc.array(
        fc.record({
          kind: fc.constantFrom("if", "switch", "for_each", "timeout", "error_handler", "rate_limit", "loop"),
          targets: fc.array(alias, { maxLength: 3 }),
          config: fc.oneof(
            fc.jsonValue({ maxDepth: 3 }),
            fc.record({
              source: alias,
              then: alias,
              else: alias,
              body: alias,
              selector_pointer: fc.constantFrom("", "/x", "x"),
              cases: fc.dictionary(fc.string(), alias),
            }),
          ),
        }),
        { maxLength: 4 },
      ),
      effects: fc.constantFrom("pure", "read_only", "effectful"),
      hints: fc.array(fc.constantFrom("resource::kv::write", "resource::do", "resource::dedupe::x", "", "::"), {
        maxLength: 3,
      }),
    });
    fc.assert(
      fc.property(flow, ({ edges, surfaces, effects, hints }) => {
        const document = {
          id: "p",
          name: "p",
          version: "1",
          profile: "dev",
          nodes: ["a", "b", "c", "d"].map((name, index) => ({
            id: name,
            alias: name,
            identifier: name,
            name,
            kind: index === 0 ? "trigger" : "inline",
            in_schema: { kind: "named", name: "T" },
            out_schema: { kind: "named", name: index % 2 === 0 ? "T" : "U" },
            effects,
            determinism: "strict",
            effectHints: hints,
          })),
          edges: edges.map((edge) => ({ ...edge, ordering: "ordered", buffer: { spill_tier: "r2" } })),
          control_surfaces: surfaces.map((surface, index) => ({ id: `s${index}`, ...surface })),
        };
        checkDiagnostics(document, validate(document).diagnostics);
      }),
      { numRuns: RUNS, seed: 4 },
    );
  });
});
