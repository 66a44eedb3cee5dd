import { describe, expect, it } from "vitest";
import { diagnosticsOf, findingsOf } from "../../../../test/flow-ir/support/findings";
import { flow, type NodeInput, node, trigger } from "../../../../test/flow-ir/support/flows";
import { BUILTIN_HINTS } from "../../hints/builtin";
import type { HintConstraint } from "../../hints/constraint";
import { createHintRegistry } from "../../hints/registry";
import { validate } from "../validate";

const single = (overrides: Partial<NodeInput>) => flow({ nodes: [trigger("start"), node("n", overrides)] });

const kv = (hint: string, rule: Omit<HintConstraint, "hint" | "guidance" | "source">): HintConstraint => ({
  hint,
  guidance: `guidance for ${hint}`,
  source: "test",
  ...rule,
});

describe("hint constraints (EFFECT201, DET302 as Lattice; DET303, EFFECT202 as warnings)", () => {
  it("reports effects below a rule from effectHints (EFFECT201) and determinism above one from determinismHints (DET302)", () => {
    const document = single({
      effects: "pure",
      determinism: "strict",
      effectHints: ["resource::http::write"],
      determinismHints: ["resource::http"],
    });
    expect(findingsOf(document)).toEqual([
      { code: "EFFECT201", path: "/nodes/1/effectHints/0", node: "n", hint: "resource::http::write" },
      { code: "DET302", path: "/nodes/1/determinismHints/0", node: "n", hint: "resource::http" },
    ]);
    const [effects, determinism] = diagnosticsOf(document, ["EFFECT201", "DET302"]);
    expect(effects?.message).toBe(
      'node "n" declares effects "pure" but hint "resource::http::write" requires at least "effectful": an HTTP write changes remote state: declare effects effectful and determinism best_effort or weaker',
    );
    expect(determinism?.message).toContain(
      'node "n" claims determinism "strict" but hint "resource::http" allows at most "best_effort": ',
    );
  });

  it("reads a determinism limit of an effect hint as a warning of its own (DET303), never as DET302", () => {
    const document = single({
      effects: "effectful",
      determinism: "strict",
      idempotency: { key: "k" },
      effectHints: ["resource::http::write"],
    });
    const result = validate(document);
    expect(result.ok).toBe(true);
    expect(result.diagnostics.map((d) => [d.code, d.severity, d.path])).toEqual([
      ["DET303", "warning", "/nodes/1/effectHints/0"],
    ]);
    expect(result.diagnostics[0]?.message).toContain("Lattice reads determinism only from determinismHints");
  });

  it("reads an effects floor of a determinism hint as a warning of its own (EFFECT202), never as EFFECT201", () => {
    const document = single({
      effects: "pure",
      determinism: "best_effort",
      determinismHints: ["resource::http::write"],
    });
    const result = validate(document);
    expect(result.ok).toBe(true);
    expect(result.diagnostics.map((d) => [d.code, d.severity, d.path])).toEqual([
      ["EFFECT202", "warning", "/nodes/1/determinismHints/0"],
    ]);
  });

  it("does not warn about a resource the other list covers (the rule is checked there, as in Lattice)", () => {
    const document = single({
      effects: "read_only",
      determinism: "strict",
      effectHints: ["resource::http::read"],
      determinismHints: ["resource::http"],
    });
    expect(findingsOf(document)).toEqual([
      { code: "DET302", path: "/nodes/1/determinismHints/0", node: "n", hint: "resource::http" },
    ]);
  });

  it("does not warn about a hint the other list carries: the error there says it already", () => {
    const document = single({
      effects: "effectful",
      determinism: "strict",
      idempotency: { key: "k" },
      effectHints: ["resource::http::write"],
      determinismHints: ["resource::http::write"],
    });
    expect(findingsOf(document)).toEqual([
      { code: "DET302", path: "/nodes/1/determinismHints/0", node: "n", hint: "resource::http::write" },
    ]);
  });

  it("checks every hint of determinismHints, at its own path", () => {
    const document = single({ determinism: "stable", determinismHints: ["resource::rng", "resource::clock"] });
    expect(findingsOf(document)).toEqual([
      { code: "DET302", path: "/nodes/1/determinismHints/0", node: "n", hint: "resource::rng" },
      { code: "DET302", path: "/nodes/1/determinismHints/1", node: "n", hint: "resource::clock" },
    ]);
  });

  it("reports a hint once however often a list repeats it, at its first mention", () => {
    const document = single({
      determinism: "strict",
      effectHints: ["resource::http::read", "resource::http::read"],
      determinismHints: ["resource::clock", "resource::clock"],
      effects: "pure",
    });
    expect(findingsOf(document)).toEqual([
      { code: "EFFECT201", path: "/nodes/1/effectHints/0", node: "n", hint: "resource::http::read" },
      { code: "DET303", path: "/nodes/1/effectHints/0", node: "n", hint: "resource::http::read" },
      { code: "DET302", path: "/nodes/1/determinismHints/0", node: "n", hint: "resource::clock" },
    ]);
  });

  it("accepts declarations exactly at the limits, and anything weaker", () => {
    const atLimit = single({
      effects: "read_only",
      determinism: "best_effort",
      effectHints: ["resource::db::read"],
      determinismHints: ["resource::db"],
    });
    expect(findingsOf(atLimit)).toEqual([]);
    const weaker = single({
      effects: "effectful",
      determinism: "nondeterministic",
      idempotency: { key: "k" },
      effectHints: ["resource::db::read", "resource::http::write"],
      determinismHints: ["resource::db", "resource::http"],
    });
    expect(findingsOf(weaker)).toEqual([]);
  });

  it("covers a bare namespace hint: resource::db as a determinism hint allows best_effort at most", () => {
    for (const determinism of ["strict", "stable"] as const) {
      expect(findingsOf(single({ determinism, determinismHints: ["resource::db"] })), determinism).toEqual([
        { code: "DET302", path: "/nodes/1/determinismHints/0", node: "n", hint: "resource::db" },
      ]);
    }
    expect(findingsOf(single({ determinism: "best_effort", determinismHints: ["resource::db"] }))).toEqual([]);
  });

  it("ignores hints nobody registered", () => {
    expect(findingsOf(single({ effectHints: ["resource::kv::write", "custom", ""], determinismHints: ["x"] }))).toEqual(
      [],
    );
  });

  it("enforces the registry it is given instead of the built-in hints", () => {
    const document = single({ effectHints: ["resource::http::write"] });
    expect(findingsOf(document, { registry: createHintRegistry([]) })).toEqual([]);
  });

  it("applies a constraint on resource::kv to resource::kv::write (hierarchical ids)", () => {
    const registry = createHintRegistry([kv("resource::kv", { minEffects: "read_only", maxDeterminism: "stable" })]);
    const document = single({ effectHints: ["resource::kv::write"], determinismHints: ["resource::kv::write"] });
    expect(findingsOf(document, { registry })).toEqual([
      { code: "EFFECT201", path: "/nodes/1/effectHints/0", node: "n", hint: "resource::kv::write" },
      { code: "DET302", path: "/nodes/1/determinismHints/0", node: "n", hint: "resource::kv::write" },
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
    const document = single({
      effects: "read_only",
      determinism: "stable",
      effectHints: ["resource::kv::write"],
      determinismHints: ["resource::kv::write"],
    });
    const [effects, determinism] = diagnosticsOf(document, ["EFFECT201", "DET302"], { registry });
    expect(effects?.message).toContain('requires at least "effectful": guidance for resource::kv::write');
    expect(determinism?.message).toContain('allows at most "best_effort": guidance for resource::kv::write');
  });

  it("checks every node and every hint on it", () => {
    const document = flow({
      nodes: [
        trigger("a", { effectHints: ["resource::http::read"], determinismHints: ["resource::http"] }),
        node("b", { determinism: "best_effort", effectHints: ["resource::http::read"], effects: "read_only" }),
        node("c", { determinism: "best_effort", effectHints: ["resource::db::write", "resource::http::read"] }),
      ],
    });
    expect(findingsOf(document).map((f) => [f.code, f.node, f.hint])).toEqual([
      ["EFFECT201", "a", "resource::http::read"],
      ["DET302", "a", "resource::http"],
      ["EFFECT201", "c", "resource::db::write"],
      ["EFFECT201", "c", "resource::http::read"],
    ]);
  });

  it("ships built-in rules for http, db, clock and rng only", () => {
    expect(BUILTIN_HINTS.map((rule) => rule.hint).sort()).toEqual([
      "resource::clock",
      "resource::db",
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
