import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { doCapability } from "@flows/cap-do";
import { kvCapability } from "@flows/cap-kv";
import { queueCapability } from "@flows/cap-queue";
import { r2Capability } from "@flows/cap-r2";
import { hintRegistryFor } from "@flows/caps";
import { parseJson, validate } from "@flows/flow-ir";
import { describe, expect, it } from "vitest";

// The two real documents from the project that defined Flow IR 0.1.
const referenceDir = resolve(import.meta.dirname, "../../../shared/reference/flow-ir");
const read = (name: string) => readFileSync(resolve(referenceDir, name), "utf8");
const registry = hintRegistryFor([kvCapability, r2Capability, queueCapability, doCapability]);

describe.skipIf(!existsSync(referenceDir))("reference documents", () => {
  it("both parse as JSON and as Flow IR", () => {
    for (const name of ["s2_site.flow_ir.json", "etl_logs.flow_ir.json"]) {
      const parsed = parseJson(read(name));
      expect(parsed.ok).toBe(true);
      const result = validate(read(name), { registry });
      expect(result.flow?.id, name).toBeTypeOf("string");
      expect(result.diagnostics.filter((d) => d.code === "FLOW002")).toEqual([]);
    }
  });

  it("s2_site validates clean", () => {
    expect(validate(read("s2_site.flow_ir.json"), { registry }).diagnostics).toEqual([]);
  });

  it("etl_logs reports exactly EFFECT201 and DET302 on node parse", () => {
    const { ok, diagnostics } = validate(read("etl_logs.flow_ir.json"), { registry });
    expect(ok).toBe(false);
    expect(diagnostics.map((d) => [d.code, d.node, d.hint])).toEqual([
      ["EFFECT201", "parse", "resource::blob::read"],
      ["DET302", "parse", "resource::blob::read"],
    ]);
  });
});
