import { describe, expect, it } from "vitest";
import type { HintConstraint } from "./constraint";
import { createHintRegistry, normalizeHintId } from "./registry";

const rule = (hint: string, source = "test"): HintConstraint => ({ hint, guidance: hint, source });

describe("hint registry", () => {
  it("normalizes a trailing ::* away and nothing else", () => {
    expect(normalizeHintId("resource::dedupe::*")).toBe("resource::dedupe");
    expect(normalizeHintId("resource::dedupe")).toBe("resource::dedupe");
    expect(normalizeHintId("resource::*::x")).toBe("resource::*::x");
    expect(normalizeHintId("*")).toBe("*");
  });

  it("gives a hint its own constraints first, then each ancestor's, nearest first", () => {
    const registry = createHintRegistry([rule("resource"), rule("resource::kv"), rule("resource::kv::write")]);
    expect(registry.constraintsFor("resource::kv::write").map((c) => c.hint)).toEqual([
      "resource::kv::write",
      "resource::kv",
      "resource",
    ]);
    expect(registry.constraintsFor("resource::kv::write::bulk").map((c) => c.hint)).toEqual([
      "resource::kv::write",
      "resource::kv",
      "resource",
    ]);
    expect(registry.constraintsFor("resource::kv").map((c) => c.hint)).toEqual(["resource::kv", "resource"]);
  });

  it("matches whole segments only, never a prefix of one, and never a descendant", () => {
    const registry = createHintRegistry([rule("resource::kv::write")]);
    for (const hint of ["resource::kv", "resource::kvx::write", "resource::kv::writer", "resource", "kv::write"]) {
      expect(registry.knows(hint), hint).toBe(false);
    }
    expect(registry.knows("resource::kv::write")).toBe(true);
  });

  it("treats a registered ::* as its parent id, and a hint's ::* the same way", () => {
    const registry = createHintRegistry([rule("resource::dedupe::*")]);
    expect(registry.constraintsFor("resource::dedupe")).toHaveLength(1);
    expect(registry.constraintsFor("resource::dedupe::*")).toHaveLength(1);
    expect(registry.constraintsFor("resource::dedupe::orders")).toHaveLength(1);
    expect(registry.knows("resource")).toBe(false);
  });

  it("keeps every constraint registered under one id, in registration order", () => {
    const registry = createHintRegistry([rule("resource::kv", "kv"), rule("resource::kv::*", "other")]);
    expect(registry.constraintsFor("resource::kv::read").map((c) => c.source)).toEqual(["kv", "other"]);
  });

  it("answers the same on repeated lookups", () => {
    const registry = createHintRegistry([rule("a::b")]);
    const first = registry.constraintsFor("a::b::c");
    expect(registry.constraintsFor("a::b::c")).toEqual(first);
    expect(registry.constraintsFor("a")).toEqual([]);
  });

  it("survives odd ids without looping or throwing", () => {
    const registry = createHintRegistry([rule("::"), rule(""), rule("a::")]);
    for (const hint of ["", "::", "::::", "a::", "::a", "a::::b", "*", "::*"]) {
      expect(() => registry.constraintsFor(hint), hint).not.toThrow();
    }
    expect(registry.knows("")).toBe(true);
    expect(registry.constraintsFor("a::").map((c) => c.hint)).toEqual(["a::"]);
  });

  it("is immutable: with() returns a new registry and leaves the old one as it was", () => {
    const base = createHintRegistry([rule("a")]);
    const extended = base.with([rule("b")]);
    expect(base.knows("b")).toBe(false);
    expect(extended.knows("a")).toBe(true);
    expect(extended.knows("b")).toBe(true);
    expect(extended.constraints.map((c) => c.hint)).toEqual(["a", "b"]);
    expect(Object.isFrozen(base)).toBe(true);
    expect(Object.isFrozen(base.constraints)).toBe(true);
  });

  it("does not see later changes to the array it was built from", () => {
    const rules = [rule("a")];
    const registry = createHintRegistry(rules);
    rules.push(rule("b"));
    expect(registry.constraints).toHaveLength(1);
    expect(registry.knows("b")).toBe(false);
  });
});
