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
// has exactly the two findings Lattice reports for it.

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

  it("etl_logs reports exactly EFFECT201 and DET302, both on node parse", () => {
    const result = validate(readReference("etl_logs.flow_ir.json"), { registry: everyCapability });
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map(finding)).toEqual([
      { code: "EFFECT201", path: "/nodes/1/effectHints/0", node: "parse", hint: "resource::blob::read" },
      { code: "DET302", path: "/nodes/1/effectHints/0", node: "parse", hint: "resource::blob::read" },
    ]);
    const [effects, determinism] = result.diagnostics;
    expect(effects?.message).toContain('declares effects "pure"');
    expect(effects?.message).toContain('at least "read_only"');
    expect(determinism?.message).toContain('claims determinism "strict"');
    expect(determinism?.message).toContain('at most "stable"');
  });

  it("etl_logs is clean when only the built-in hints are registered (the blob rule comes from caps/r2)", () => {
    expect(validate(readReference("etl_logs.flow_ir.json")).diagnostics).toEqual([]);
  });
});
