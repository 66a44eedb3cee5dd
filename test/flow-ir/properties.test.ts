import { validate } from "@flows/flow-ir";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { validDocument } from "./support/generate";
import { MUTATION_KINDS, mutateAs } from "./support/mutate";
import { seededRandom } from "./support/random";
import { expectWellFormed } from "./support/well-formed";

// Whatever the input, validate() returns diagnostics and never throws; every diagnostic has a
// known code, a severity, a message and a path that resolves in the input. Seeds are fixed so
// a failure replays; fast-check prints the counterexample and the seed.

const RUNS = 2_000;

const check = (input: unknown) => {
  const result = validate(input);
  expectWellFormed(input, result);
  return result;
};

/** A generated valid flow, then `changes` mutations of chosen kinds: a structured near-miss. */
const mutatedFlow = fc
  .tuple(fc.integer(), fc.array(fc.constantFrom(...MUTATION_KINDS), { minLength: 1, maxLength: 3 }))
  .map(([seed, kinds]) => {
    const random = seededRandom(seed);
    let document = validDocument(random);
    for (const kind of kinds) {
      const next = mutateAs(random, document, kind)?.document;
      if (next === null || typeof next !== "object" || Array.isArray(next)) return next ?? document;
      document = next;
    }
    return document;
  });

describe("validate() on arbitrary input", () => {
  it("never throws on arbitrary JSON values", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        check(value);
      }),
      { numRuns: RUNS, seed: 1 },
    );
  });

  it("never throws on arbitrary JavaScript values (maps, sets, boxed values, null prototypes, sparse arrays)", () => {
    const anything = fc.anything({
      maxDepth: 4,
      withBoxedValues: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withObjectString: true,
      withBigInt: true,
      withDate: true,
      withSparseArray: true,
      withTypedArray: true,
    });
    // The same values placed where a flow expects its members, so they get past the top level.
    const inFlow = fc.record({ member: fc.constantFrom("nodes", "edges", "policies", "metadata"), value: anything });
    fc.assert(
      fc.property(fc.oneof(anything, inFlow), (input) => {
        if (input !== null && typeof input === "object" && "member" in input && "value" in input) {
          check({ id: "f", name: "f", version: "1", profile: "dev", [String(input.member)]: input.value });
        } else {
          check(input);
        }
      }),
      { numRuns: RUNS, seed: 5 },
    );
  });

  it('never throws on arbitrary text, and locates syntax errors (FLOW001, path "")', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: "binary" }), fc.json(), fc.string({ unit: "grapheme" })),
        (text) => {
          check(text);
        },
      ),
      { numRuns: RUNS, seed: 2 },
    );
  });

  it("reports a syntax error inside a real flow's text at a position within the text", () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.nat(),
        fc.constantFrom("", "{", "}", "[", ",", '"', ":", "\\", "\u0000"),
        (seed, at, insert) => {
          const text = JSON.stringify(validDocument(seededRandom(seed)), null, 2);
          const cut = at % (text.length + 1);
          const broken = `${text.slice(0, cut)}${insert}${text.slice(cut + (insert === "" ? 1 : 0))}`;
          const result = check(broken);
          const position = result.diagnostics[0]?.position;
          if (position !== undefined) {
            const lines = broken.split("\n");
            expect(position.line).toBeLessThanOrEqual(lines.length);
            expect(position.column).toBeLessThanOrEqual((lines[position.line - 1]?.length ?? 0) + 1);
          }
        },
      ),
      { numRuns: RUNS, seed: 6 },
    );
  });

  it("never throws on mutated valid flows, given as values and as text, and says the same of both", () => {
    fc.assert(
      fc.property(mutatedFlow, (document) => {
        const before = JSON.stringify(document);
        const fromValue = check(document);
        // validate() reads its input and never writes to it.
        expect(JSON.stringify(document)).toBe(before);
        const fromText = check(before);
        // A string value is itself read as text, so only non-strings have a separate text form.
        if (typeof document === "string") return;
        expect(fromText.diagnostics).toEqual(fromValue.diagnostics);
        expect(fromText.flow).toEqual(fromValue.flow);
      }),
      { numRuns: RUNS, seed: 3 },
    );
  });

  it("keeps every member of a valid document in result.flow, adding only defaults", () => {
    /** Where `output` differs from `input` other than by members `input` lacks, or undefined. */
    const lost = (input: unknown, output: unknown, at: string): string | undefined => {
      if (input === null || typeof input !== "object") return Object.is(input, output) ? undefined : at;
      if (output === null || typeof output !== "object" || Array.isArray(input) !== Array.isArray(output)) return at;
      if (Array.isArray(input) && input.length !== (output as unknown[]).length) return at;
      for (const [key, value] of Object.entries(input)) {
        if (!Object.hasOwn(output, key)) return `${at}/${key}`;
        const found = lost(value, (output as Record<string, unknown>)[key], `${at}/${key}`);
        if (found !== undefined) return found;
      }
      return undefined;
    };
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const document = validDocument(seededRandom(seed));
        const result = validate(document);
        expect(result.flow).toBeDefined();
        expect(lost(document, result.flow, "")).toBeUndefined();
      }),
      { numRuns: RUNS, seed: 7 },
    );
  });

  it("never throws on graph-shaped flows with arbitrary edges, surfaces and hints", () => {
    const alias = fc.constantFrom("a", "b", "c", "d", "ghost", "", "a->b");
    const flow = fc.record({
      edges: fc.array(
        fc.record({
          from: alias,
          to: alias,
          delivery: fc.constantFrom("at_least_once", "exactly_once"),
          timeout_ms: fc.option(fc.nat()),
          buffer: fc.record({ max_items: fc.option(fc.nat(3)), spill_tier: fc.option(fc.constantFrom("r2", "disk")) }),
        }),
        { maxLength: 8 },
      ),
      surfaces: fc.array(
        fc.record({
          kind: fc.constantFrom(
            "if",
            "switch",
            "for_each",
            "timeout",
            "error_handler",
            "rate_limit",
            "loop",
            "window",
            "partition",
          ),
          targets: fc.array(alias, { maxLength: 3 }),
          config: fc.oneof(
            fc.jsonValue({ maxDepth: 3 }),
            fc.record({
              v: fc.constant(1),
              source: alias,
              then: alias,
              else: alias,
              body: alias,
              body_entry: alias,
              items_pointer: fc.constantFrom("", "/xs", "xs"),
              target: alias,
              qps: fc.nat(3),
              burst: fc.nat(3),
              scope: fc.record({ nodes: fc.array(alias, { maxLength: 2 }) }),
              strategy: fc.constantFrom("retry", "fail", "bogus"),
              selector_pointer: fc.constantFrom("", "/x", "x"),
              cases: fc.dictionary(fc.string(), alias),
            }),
          ),
        }),
        { maxLength: 4 },
      ),
      kinds: fc.array(fc.constantFrom("trigger", "inline", "activity"), { minLength: 4, maxLength: 4 }),
      effects: fc.constantFrom("pure", "read_only", "effectful"),
      determinism: fc.constantFrom("strict", "stable", "best_effort", "nondeterministic"),
      key: fc.option(fc.constantFrom("", "id")),
      hints: fc.array(
        fc.constantFrom(
          "resource::kv::write",
          "resource::http",
          "resource::dedupe::x",
          "resource::clock",
          "",
          "::",
          "*",
        ),
        { maxLength: 3 },
      ),
      allowMultipleTriggers: fc.option(fc.boolean()),
    });
    fc.assert(
      fc.property(flow, (shape) => {
        const document = {
          id: "p",
          name: "p",
          version: "1",
          profile: "dev",
          nodes: ["a", "b", "c", "d"].map((name, index) => ({
            id: name,
            alias: index === 3 ? "a" : name,
            identifier: name,
            name,
            kind: shape.kinds[index],
            in_schema: { kind: "named", name: "T" },
            out_schema: { kind: "named", name: index % 2 === 0 ? "T" : "U" },
            effects: shape.effects,
            determinism: shape.determinism,
            idempotency: { key: shape.key, ttlMs: 1000 },
            effectHints: shape.hints,
            determinismHints: shape.hints.slice(1),
          })),
          edges: shape.edges.map((edge) => ({ ...edge, ordering: "ordered" })),
          control_surfaces: shape.surfaces.map((surface, index) => ({ id: `s${index}`, ...surface })),
          policies: { lint: { allow_multiple_triggers: shape.allowMultipleTriggers } },
        };
        check(document);
      }),
      { numRuns: RUNS, seed: 4 },
    );
  });
});
