import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { mutate, validDocument } from "../../../test/flow-ir/support/generate";
import { seededRandom } from "../../../test/flow-ir/support/random";
import { createFastParser } from "./fast-parse";
import { FlowSchema } from "./schema";

describe("fast structural path", () => {
  const fast = createFastParser(FlowSchema);

  it("covers the whole Flow IR schema", () => {
    expect(fast).toBeTypeOf("function");
  });

  it("agrees with valibot on validity and output for thousands of documents", () => {
    const random = seededRandom(7);
    for (let index = 0; index < 5_000; index += 1) {
      const base = validDocument(random);
      const document = index % 2 === 0 ? base : mutate(random, base);
      const slow = v.safeParse(FlowSchema, document, { abortEarly: false });
      const quick = fast?.(document);
      expect(quick?.ok, JSON.stringify(document)).toBe(slow.success);
      if (slow.success && quick?.ok) expect(quick.value).toEqual(slow.output);
    }
  });

  it("never mutates its input and never shares defaults between outputs", () => {
    const document = { id: "f", name: "f", version: "1", profile: "dev" };
    const first = fast?.(document);
    const second = fast?.(document);
    expect(document).toEqual({ id: "f", name: "f", version: "1", profile: "dev" });
    if (!first?.ok || !second?.ok) throw new Error("expected valid");
    expect((first.value as { nodes: unknown[] }).nodes).toEqual([]);
    expect((first.value as { nodes: unknown[] }).nodes).not.toBe((second.value as { nodes: unknown[] }).nodes);
  });

  it("refuses arrays where an object is expected, like the reference schema", () => {
    expect(fast?.({ id: "f", name: "f", version: "1", profile: "dev", policies: [] })).toEqual({ ok: false });
  });
});

describe("fast path for surface configs", () => {
  it("handles record schemas inside pipes (switch cases) exactly as valibot does", async () => {
    const { SwitchConfigSchema } = await import("../surfaces/switch");
    const fast = createFastParser(SwitchConfigSchema);
    expect(fast).toBeTypeOf("function");
    const cases: unknown[] = [
      { source: "a", selector_pointer: "/t", cases: { x: "b" } },
      { source: "a", selector_pointer: "/t", cases: ["b"] },
      { source: "a", selector_pointer: "/t", cases: { x: 1 } },
      { source: "a", selector_pointer: "/t", cases: { x: "" } },
      { source: "a", selector_pointer: "t", cases: {} },
      { v: 2, source: "a", selector_pointer: "", cases: {} },
      { source: "a", selector_pointer: "", cases: {}, default: "c", extra: true },
    ];
    for (const config of cases) {
      const slow = v.safeParse(SwitchConfigSchema, config);
      const quick = fast?.(config);
      expect(quick?.ok, JSON.stringify(config)).toBe(slow.success);
      if (slow.success && quick?.ok) expect(quick.value).toEqual(slow.output);
    }
  });
});
