import { readFileSync } from "node:fs";
import { type Diagnostic, validate } from "@flows/flow-ir";
import Ajv from "ajv";
import Ajv2020 from "ajv/dist/2020";
import { describe, expect, it } from "vitest";
import { validDocument } from "./support/generate";
import type { Json } from "./support/json";
import { EXPECTED_VERDICT, MUTATION_KINDS, type MutationKind, mutateAs } from "./support/mutate";
import { seededRandom } from "./support/random";
import { haveReference, referenceSchemaPath } from "./support/reference";

// Our valibot schema against the reference JSON Schema, with ajv as the oracle: on thousands of
// generated documents and mutations of them, both must agree on what is structurally valid.

// FLOWS_ORACLE_SEED / FLOWS_ORACLE_DOCUMENTS run a longer or different hunt by hand.
const SEED = Number(process.env.FLOWS_ORACLE_SEED ?? 20_261_122);
const DOCUMENTS = Math.max(10_000, Number(process.env.FLOWS_ORACLE_DOCUMENTS ?? 12_000));
const isStructural = (d: Diagnostic) => d.code === "FLOW001" || d.code === "FLOW002";

interface Tally {
  checked: number;
  valid: number;
  invalid: number;
}
const tally = (): Tally => ({ checked: 0, valid: 0, invalid: 0 });

describe.skipIf(!haveReference)("agreement with the reference JSON Schema (ajv oracle)", () => {
  it(`agrees on ${DOCUMENTS} generated and mutated documents (seed ${SEED})`, () => {
    const schema = JSON.parse(readFileSync(referenceSchemaPath, "utf8")) as { $schema?: string };
    // ajv's default class knows drafts 6 and 7 only and refuses a 2020-12 $schema (the reference's).
    const Oracle = schema.$schema?.includes("/draft/2020-12/") ? Ajv2020 : Ajv;
    const ajv = new Oracle({ strict: false, validateFormats: false, allErrors: false });
    const oracle = ajv.compile(schema);

    const random = seededRandom(SEED);
    const total = tally();
    const byKind = new Map<MutationKind | "none", Tally>();
    const byShape = new Map<string, number>();
    const failures: string[] = [];
    for (let index = 0; index < DOCUMENTS; index += 1) {
      const base = validDocument(random);
      // One in nine stays as generated; the others cycle through the mutation kinds.
      const wanted = index % 9 === 0 ? undefined : MUTATION_KINDS[index % MUTATION_KINDS.length];
      const mutation =
        wanted === undefined ? undefined : (mutateAs(random, base, wanted) ?? mutateAs(random, base, "anywhere"));
      const document: Json = mutation?.document ?? base;
      const kind = mutation?.kind ?? "none";

      const expected = oracle(document) === true;
      // Every tenth document goes in as text, so the parsing path is checked against the oracle too.
      const result = validate(index % 10 === 0 ? JSON.stringify(document) : document);
      const actual = !result.diagnostics.some(isStructural);
      const describeCase = () =>
        `document #${index} (${kind}${mutation ? ` of ${mutation.shape} at "${mutation.pointer}"` : ""}):\n` +
        `${JSON.stringify(document, null, 2)}\n` +
        `reference schema (ajv): ${expected ? "valid" : "invalid"} ${JSON.stringify(oracle.errors ?? [])}\n` +
        `flow-ir schema: ${actual ? "valid" : "invalid"} ${JSON.stringify(result.diagnostics.filter(isStructural))}`;
      if (actual !== expected) failures.push(`disagreement on ${describeCase()}`);
      // The mutation kinds are aimed by an independent reading of the reference schema: if the
      // oracle disagrees with that reading, the generator is wrong and the run proves less.
      const foreseen = kind === "none" ? "valid" : EXPECTED_VERDICT[kind];
      if (foreseen !== "either" && foreseen !== (expected ? "valid" : "invalid")) {
        failures.push(`the generator expected ${foreseen} for ${describeCase()}`);
      }
      if (failures.length >= 3) break;

      const kindTally = byKind.get(kind) ?? tally();
      byKind.set(kind, kindTally);
      for (const counts of [total, kindTally]) {
        counts.checked += 1;
        if (expected) counts.valid += 1;
        else counts.invalid += 1;
      }
      if (mutation && kind !== "anywhere") byShape.set(mutation.shape, (byShape.get(mutation.shape) ?? 0) + 1);
    }
    if (failures.length > 0) expect.fail(failures.join("\n\n"));

    console.info(
      `oracle (seed ${SEED}): ${total.checked} documents, ${total.valid} valid, ${total.invalid} invalid, all agreed\n` +
        [...byKind].map(([kind, t]) => `  ${kind}: ${t.checked} (${t.valid} valid, ${t.invalid} invalid)`).join("\n") +
        `\n  mutated shapes: ${[...byShape].map(([shape, n]) => `${shape} ${n}`).join(", ")}`,
    );
    expect(total.checked).toBeGreaterThanOrEqual(10_000);
    expect(total.valid).toBeGreaterThan(total.checked * 0.25);
    expect(total.invalid).toBeGreaterThan(total.checked * 0.4);
    for (const kind of ["none", ...MUTATION_KINDS] as const) {
      // bad-integer falls back to "anywhere" on documents with no integer member to spoil.
      expect(byKind.get(kind)?.checked ?? 0, kind).toBeGreaterThan(DOCUMENTS / 15);
    }
    // Mutations reach every object of the schema, down to buffers, idempotency and lint settings.
    for (const shape of [
      "document",
      "flow",
      "node",
      "schema ref",
      "idempotency",
      "edge",
      "buffer",
      "control surface",
    ]) {
      expect(byShape.get(shape) ?? 0, shape).toBeGreaterThan(200);
    }
    for (const shape of ["checkpoint", "policies", "lint", "metadata", "artifact"]) {
      expect(byShape.get(shape) ?? 0, shape).toBeGreaterThan(50);
    }
  });
});
