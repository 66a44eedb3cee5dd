import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { validate } from "@flows/flow-ir";
import Ajv2020 from "ajv/dist/2020";
import { describe, expect, it } from "vitest";
import { mutate, validDocument } from "./support/generate";
import { seededRandom } from "./support/random";

// Our valibot schema against the reference JSON Schema (ajv as the oracle): on thousands of
// generated and mutated documents both must agree on what is structurally valid.

const referenceDir = resolve(import.meta.dirname, "../../../shared/reference/flow-ir");
const schemaPath = resolve(referenceDir, "flow_ir.schema.json");
const DOCUMENTS = 12_000;

const structurallyValid = (document: unknown) =>
  !validate(document).diagnostics.some((d) => d.code === "FLOW001" || d.code === "FLOW002");

describe.skipIf(!existsSync(schemaPath))("agreement with the reference JSON Schema (ajv oracle)", () => {
  it(`agrees on ${DOCUMENTS} generated and mutated documents`, () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: false });
    const oracle = ajv.compile(JSON.parse(readFileSync(schemaPath, "utf8")) as object);
    const random = seededRandom(20261122);
    const tally = { valid: 0, invalid: 0, mutated: 0 };
    for (let index = 0; index < DOCUMENTS; index += 1) {
      const base = validDocument(random);
      const document = index % 3 === 0 ? base : mutate(random, base);
      if (index % 3 !== 0) tally.mutated += 1;
      const expected = oracle(document) === true;
      const actual = structurallyValid(document);
      if (actual !== expected) {
        expect.fail(
          `document #${index}: reference schema says ${expected ? "valid" : "invalid"}, ours says ${actual ? "valid" : "invalid"}\n` +
            `${JSON.stringify(document, null, 2)}\nreference errors: ${JSON.stringify(oracle.errors)}\n` +
            `our diagnostics: ${JSON.stringify(validate(document).diagnostics.filter((d) => d.code === "FLOW002"))}`,
        );
      }
      if (expected) tally.valid += 1;
      else tally.invalid += 1;
    }
    console.info(
      `oracle: ${DOCUMENTS} documents (${tally.mutated} mutated): ${tally.valid} valid, ${tally.invalid} invalid, all agreed`,
    );
    expect(tally.valid + tally.invalid).toBeGreaterThanOrEqual(10_000);
    expect(tally.valid).toBeGreaterThan(2_000);
    expect(tally.invalid).toBeGreaterThan(2_000);
  });
});
