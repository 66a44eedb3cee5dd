import { validate } from "@flows/flow-ir";
import { describe, expect, it } from "vitest";
import { haveReference, readReference } from "../support/reference";
import type { ConformanceCase } from "./case";
import { EXAMPLE_CASES } from "./examples.cases";
import { FUZZ_CASES } from "./fuzz.cases";
import { KERNEL_PLAN_CASES } from "./kernel-plan.cases";
import { MACRO_CASES } from "./macros.cases";
import { LATTICE_REGISTRIES } from "./registries";

// Lattice's verdict (crates/kernel-plan `validate`) against ours on documents taken from its
// own tests and examples, under the same registered hint rules. A verdict is the set of error
// codes (empty: valid); warnings are this project's own findings and never part of it.

/** schemas/examples/*.json, read from the reference directory beside the repository. */
function referenceCases(): ConformanceCase[] {
  if (!haveReference) return [];
  return [
    {
      source: "examples",
      file: "schemas/examples/s2_site.json",
      test: "s2_site (examples/s2_site: workflow_serialises_to_json)",
      registry: "all",
      document: JSON.parse(readReference("s2_site.flow_ir.json")),
      errors: [],
    },
    {
      // Node parse declares pure with effect hint resource::blob::read (ReadOnly once blob
      // is registered): check_effect_conflicts → EFFECT201; no determinism hints, so no DET302.
      source: "examples",
      file: "schemas/examples/etl_logs.flow_ir.json",
      test: "etl_logs",
      registry: "all",
      document: JSON.parse(readReference("etl_logs.flow_ir.json")),
      errors: ["EFFECT201"],
    },
  ];
}

const CASES: readonly ConformanceCase[] = [
  ...KERNEL_PLAN_CASES,
  ...FUZZ_CASES,
  ...MACRO_CASES,
  ...EXAMPLE_CASES,
  ...referenceCases(),
];

const verdictOf = (testCase: ConformanceCase) => {
  const result = validate(testCase.document, { registry: LATTICE_REGISTRIES[testCase.registry] });
  const errors = [...new Set(result.diagnostics.filter((d) => d.severity === "error").map((d) => d.code))].sort();
  return { ok: result.ok, errors };
};

describe("conformance with Lattice's validator (PSU3D0/LatticeFlow)", () => {
  for (const source of ["kernel-plan unit tests", "dag-macros tests", "examples"] as const) {
    const cases = CASES.filter((testCase) => testCase.source === source);
    describe(`${source} (${cases.length} cases)`, () => {
      it.each(cases.map((testCase) => [`${testCase.file} ${testCase.test}`, testCase] as const))(
        "%s",
        (_, testCase) => {
          const expected = [...new Set(testCase.errors)].sort();
          expect(verdictOf(testCase)).toEqual({ ok: expected.length === 0, errors: expected });
        },
      );
    });
  }

  it("counts its cases by source", () => {
    const counts = Object.fromEntries(
      ["kernel-plan unit tests", "dag-macros tests", "examples"].map((source) => [
        source,
        CASES.filter((testCase) => testCase.source === source).length,
      ]),
    );
    console.info(`lattice conformance: ${CASES.length} cases ${JSON.stringify(counts)}`);
    expect(CASES.filter((testCase) => testCase.source === "dag-macros tests").length).toBeGreaterThan(20);
    // Every Lattice unit test that builds and validates a flow is here by name.
    const tests = new Set(KERNEL_PLAN_CASES.map((testCase) => testCase.test));
    expect(tests.size).toBe(KERNEL_PLAN_CASES.length);
  });
});
