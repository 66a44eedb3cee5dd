import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { kvCapability } from "@flows/cap-kv";
import { createCapabilityRegistry } from "@flows/caps";
import { validate } from "@flows/flow-ir";
import { describe, expect, it } from "vitest";
import { orderApproval } from "../../examples/order-approval/order-approval";

// The order-approval example is written in TypeScript; its document must say what the
// hand-written JSON it replaced said (kept as a fixture), and the committed .flow.json must be
// exactly what `flows build` emits from the TypeScript.

const root = resolve(import.meta.dirname, "../..");
const flow = orderApproval({ once: (_ctx, _effect, _key, perform) => perform() });
type Json = Record<string, unknown>;
const jsonEra = JSON.parse(
  readFileSync(resolve(import.meta.dirname, "fixtures/order-approval.json-era.flow.json"), "utf8"),
) as Json;

const byKey = <T extends Json>(items: unknown, key: (item: T) => string) =>
  new Map((items as T[]).map((item) => [key(item), item]));

describe("the TypeScript order-approval example", () => {
  const emitted = flow.toFlowIR() as Json;

  it("emits the same nodes as the JSON it replaced, with the determinism hints the rules require", () => {
    const before = byKey<Json>(jsonEra.nodes, (n) => String(n.alias));
    const after = byKey<Json>(emitted.nodes, (n) => String(n.alias));
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [alias, node] of after) {
      const { determinismHints, ...rest } = node;
      const { determinismHints: was, ...restWas } = before.get(alias) as Json;
      expect(rest, alias).toEqual(restWas);
      expect(was, alias).toEqual([]);
      // Derived from the capability table: every hint whose rule bounds determinism.
      expect(determinismHints, alias).toEqual(
        (node.effectHints as string[]).filter((hint) => hint !== "resource::queue::consume"),
      );
    }
  });

  it("emits the same edges, checkpoints and flow fields", () => {
    const key = (e: Json) => `${e.from}->${e.to}`;
    expect(byKey(emitted.edges, key)).toEqual(byKey(jsonEra.edges, key));
    for (const field of [
      "id",
      "name",
      "version",
      "profile",
      "summary",
      "checkpoints",
      "policies",
      "metadata",
      "artifacts",
    ]) {
      expect(emitted[field], field).toEqual(jsonEra[field]);
    }
  });

  it("emits the same surfaces, each config carrying every earlier key plus Lattice's", () => {
    const before = byKey<Json>(jsonEra.control_surfaces, (s) => String(s.id));
    const after = byKey<Json>(emitted.control_surfaces, (s) => String(s.id));
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [id, surface] of after) {
      const was = before.get(id) as Json;
      expect({ ...surface, config: undefined }, id).toEqual({ ...was, config: undefined });
      expect(surface.config, id).toMatchObject(was.config as Json);
      expect((surface.config as Json).v, id).toBe(1);
    }
    expect((after.get("charge_retry") as Json).config).toMatchObject({ scope: { nodes: ["charge"] } });
  });

  it("validates clean with the kv capability's rules", () => {
    const registry = createCapabilityRegistry([kvCapability]).hints;
    expect(validate(emitted, { registry }).diagnostics).toEqual([]);
  });

  it("is what examples/order-approval/order-approval.flow.json holds, byte for byte", () => {
    const committed = readFileSync(resolve(root, "examples/order-approval/order-approval.flow.json"), "utf8");
    expect(flow.toFlowJson({ schema: "../../flow-ir/schema/flow-ir.schema.json" })).toBe(committed);
  });
});
