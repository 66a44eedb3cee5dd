import { describe, expect, it } from "vitest";
import { diagnosticsOf, findingsOf } from "../../../../test/flow-ir/support/findings";
import { flow, type NodeInput, node, trigger } from "../../../../test/flow-ir/support/flows";
import { BUILTIN_HINTS } from "../../hints/builtin";
import type { HintConstraint } from "../../hints/constraint";
import { createHintRegistry } from "../../hints/registry";

const single = (overrides: Partial<NodeInput>) => flow({ nodes: [trigger("start"), node("n", overrides)] });

const kv = (hint: string, rule: Omit<HintConstraint, "hint" | "guidance" | "source">): HintConstraint => ({
  hint,
  guidance: `guidance for ${hint}`,
  source: "test",
  ...rule,
});

describe("hint constraints (EFFECT201, DET302)", () => {
  it("reports effects below and determinism above a built-in hint, at the hint, naming node and hint", () => {
    const document = single({ effects: "pure", determinism: "strict", effectHints: ["resource::http::write"] });
    const at = { path: "/nodes/1/effectHints/0", node: "n", hint: "resource::http::write" };
    expect(findingsOf(document)).toEqual([
      { code: "EFFECT201", ...at },
      { code: "DET302", ...at },
    ]);
    const [effects, determinism] = diagnosticsOf(document, ["EFFECT201", "DET302"]);
    expect(effects?.message).toBe(
      'node "n" declares effects "pure" but hint "resource::http::write" requires at least "effectful": an HTTP write changes remote state: declare effects effectful and determinism best_effort or weaker',
    );
    expect(determinism?.message).toContain(
      'node "n" claims determinism "strict" but hint "resource::http::write" allows at most "best_effort": ',
    );
  });

  it("checks hints in determinismHints too, at their own path", () => {
    const document = single({ determinism: "stable", determinismHints: ["resource::rng", "resource::clock"] });
    expect(findingsOf(document)).toEqual([
      { code: "DET302", path: "/nodes/1/determinismHints/0", node: "n", hint: "resource::rng" },
      { code: "DET302", path: "/nodes/1/determinismHints/1", node: "n", hint: "resource::clock" },
    ]);
  });

  it("reports a hint once however often it is listed, at its first mention in effectHints", () => {
    const document = single({
      determinism: "strict",
      effectHints: ["resource::db::read", "resource::clock", "resource::clock"],
      determinismHints: ["resource::clock"],
      effects: "read_only",
    });
    expect(findingsOf(document)).toEqual([
      { code: "DET302", path: "/nodes/1/effectHints/0", node: "n", hint: "resource::db::read" },
      { code: "DET302", path: "/nodes/1/effectHints/1", node: "n", hint: "resource::clock" },
    ]);
  });

  it("accepts declarations exactly at the limits, and anything weaker", () => {
    const atLimit = single({ effects: "read_only", determinism: "stable", effectHints: ["resource::db::read"] });
    expect(findingsOf(atLimit)).toEqual([]);
    const weaker = single({
      effects: "effectful",
      determinism: "nondeterministic",
      idempotency: { key: "k" },
      effectHints: ["resource::db::read", "resource::http::write"],
    });
    expect(findingsOf(weaker)).toEqual([]);
  });

  it("ignores hints nobody registered", () => {
    expect(findingsOf(single({ effectHints: ["resource::kv::write", "custom", ""] }))).toEqual([]);
  });

  it("enforces the registry it is given instead of the built-in hints", () => {
    const document = single({ effectHints: ["resource::http::write"] });
    expect(findingsOf(document, { registry: createHintRegistry([]) })).toEqual([]);
  });

  it("applies a constraint on resource::kv to resource::kv::write (hierarchical ids)", () => {
    const registry = createHintRegistry([kv("resource::kv", { minEffects: "read_only", maxDeterminism: "stable" })]);
    const document = single({ effectHints: ["resource::kv::write"] });
    const at = { path: "/nodes/1/effectHints/0", node: "n", hint: "resource::kv::write" };
    expect(findingsOf(document, { registry })).toEqual([
      { code: "EFFECT201", ...at },
      { code: "DET302", ...at },
    ]);
    expect(diagnosticsOf(document, ["DET302"], { registry })[0]?.message).toMatch(/: guidance for resource::kv$/);
  });

  it("does not apply a constraint to a sibling id, a longer word, or a parent id", () => {
    const registry = createHintRegistry([kv("resource::kv::write", { minEffects: "effectful" })]);
    const document = single({
      effectHints: ["resource::kv::read", "resource::kvx::write", "resource::kv", "resource"],
    });
    expect(findingsOf(document, { registry })).toEqual([]);
  });

  it("reads a trailing ::* in a registered id or in a hint as the id itself", () => {
    const registry = createHintRegistry([kv("resource::dedupe::*", { minEffects: "effectful" })]);
    for (const hint of ["resource::dedupe", "resource::dedupe::*", "resource::dedupe::orders"]) {
      expect(findingsOf(single({ effectHints: [hint] }), { registry }), hint).toEqual([
        { code: "EFFECT201", path: "/nodes/1/effectHints/0", node: "n", hint },
      ]);
    }
  });

  it("holds a node to the strictest of all the constraints that apply", () => {
    const registry = createHintRegistry([
      kv("resource::kv", { minEffects: "read_only", maxDeterminism: "stable" }),
      kv("resource::kv::write", { minEffects: "effectful", maxDeterminism: "best_effort" }),
      kv("resource::kv::write", { maxDeterminism: "strict" }),
    ]);
    const document = single({ effects: "read_only", determinism: "stable", effectHints: ["resource::kv::write"] });
    const [effects, determinism] = diagnosticsOf(document, ["EFFECT201", "DET302"], { registry });
    expect(effects?.message).toContain('requires at least "effectful": guidance for resource::kv::write');
    expect(determinism?.message).toContain('allows at most "best_effort": guidance for resource::kv::write');
  });

  it("checks every node and every hint on it", () => {
    const document = flow({
      nodes: [
        trigger("a", { effectHints: ["resource::http::read"] }),
        node("b", { determinism: "best_effort", effectHints: ["resource::http::read"], effects: "read_only" }),
        node("c", { determinism: "best_effort", effectHints: ["resource::db::write", "resource::http::read"] }),
      ],
    });
    expect(findingsOf(document).map((f) => [f.code, f.node, f.hint])).toEqual([
      ["EFFECT201", "a", "resource::http::read"],
      ["DET302", "a", "resource::http::read"],
      ["EFFECT201", "c", "resource::db::write"],
      ["EFFECT201", "c", "resource::http::read"],
    ]);
  });

  it("ships built-in rules for http, db, clock and rng only", () => {
    expect(BUILTIN_HINTS.map((rule) => rule.hint).sort()).toEqual([
      "resource::clock",
      "resource::db::read",
      "resource::db::write",
      "resource::http",
      "resource::http::read",
      "resource::http::write",
      "resource::rng",
    ]);
    expect(BUILTIN_HINTS.every((rule) => rule.source === "builtin" && rule.capability === undefined)).toBe(true);
  });
});
