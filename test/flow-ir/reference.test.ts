import { doCapability } from "@flows/cap-do";
import { kvCapability } from "@flows/cap-kv";
import { queueCapability } from "@flows/cap-queue";
import { r2Capability } from "@flows/cap-r2";
import { hintRegistryFor } from "@flows/caps";
import { parseJson, validate } from "@flows/flow-ir";
import { describe, expect, it } from "vitest";
import { finding } from "./support/findings";
import { haveReference, REFERENCE_DOCUMENTS, readReference } from "./support/reference";

// The two real documents of the project that defined Flow IR 0.1, read from beside the
// repository: with every capability of this project installed, s2_site is clean and etl_logs
// has exactly the one error Lattice reports for it (EFFECT201 on parse).

const everyCapability = hintRegistryFor([kvCapability, r2Capability, queueCapability, doCapability]);

describe.skipIf(!haveReference)("reference documents (../shared/reference/flow-ir)", () => {
  for (const name of REFERENCE_DOCUMENTS) {
    it(`${name} parses as JSON and as Flow IR, unchanged`, () => {
      const text = readReference(name);
      const parsed = parseJson(text);
      if (!parsed.ok) throw new Error(parsed.diagnostic.message);
      const result = validate(text, { registry: everyCapability });
      expect(result.diagnostics.filter((d) => d.code === "FLOW001" || d.code === "FLOW002")).toEqual([]);
      // Both documents spell out every defaulted member, so parsing adds nothing.
      expect(result.flow).toEqual(parsed.value);
    });
  }

  it("s2_site validates clean", () => {
    const result = validate(readReference("s2_site.flow_ir.json"), { registry: everyCapability });
    expect(result.diagnostics).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it("etl_logs has exactly one error, Lattice's EFFECT201 on node parse; DET303 warnings only", () => {
    const result = validate(readReference("etl_logs.flow_ir.json"), { registry: everyCapability });
    expect(result.ok).toBe(false);
    const errors = result.diagnostics.filter((d) => d.severity === "error");
    expect(errors.map(finding)).toEqual([
      { code: "EFFECT201", path: "/nodes/1/effectHints/0", node: "parse", hint: "resource::blob::read" },
    ]);
    expect(errors[0]?.message).toContain('declares effects "pure"');
    expect(errors[0]?.message).toContain('at least "read_only"');
    // Lattice reads determinism from determinismHints only, and this document has none: what
    // the effect hints imply about determinism is this project's extra finding, as warnings.
    const warnings = result.diagnostics.filter((d) => d.severity === "warning");
    expect(warnings.map(finding)).toEqual([
      { code: "DET303", path: "/nodes/0/effectHints/0", node: "trigger", hint: "resource::queue::consume" },
      { code: "DET303", path: "/nodes/1/effectHints/0", node: "parse", hint: "resource::blob::read" },
    ]);
  });

  it("etl_logs is clean when only the built-in hints are registered (the blob rule comes from caps/r2)", () => {
    expect(validate(readReference("etl_logs.flow_ir.json")).diagnostics).toEqual([]);
  });
});
