import { doCapability } from "@flows/cap-do";
import { kvCapability } from "@flows/cap-kv";
import { BUILTIN_HINTS, createHintRegistry, validate } from "@flows/flow-ir";
import * as v from "valibot";
import { describe, expect, expectTypeOf, it } from "vitest";
import { defineFlow } from "./define-flow";
import { edge } from "./refs";
import { use } from "./use";

const Order = v.pipe(
  v.object({
    order_id: v.string(),
    shipping: v.picklist(["express", "standard"]),
    total: v.number(),
  }),
  v.title("Order"),
);

const registry = createHintRegistry(BUILTIN_HINTS).with([...kvCapability.hints, ...doCapability.hints]);

function sample() {
  return defineFlow(
    {
      id: "shop.orders",
      version: "2.0.0",
      checkpoints: { approval: { summary: "a person approves", resume: v.object({ approved: v.boolean() }) } },
    },
    (f) => {
      const order = f.trigger("order", { input: Order });
      const check = f.node("check", {
        after: order,
        run: (o) => ({ ...o, large: o.total > 100 }),
      });
      const large = f.if("is_large", check, "/large");
      const approve = f.node("approve", {
        after: large.then,
        run: async (o, ctx) => {
          const decision = await ctx.halt(f.checkpoints.approval, { order_id: o.order_id });
          expectTypeOf(decision).toEqualTypeOf<{ approved: boolean }>();
          return { ...o, approved: decision.approved };
        },
      });
      f.node("save", {
        after: [large.else, edge(approve, { timeoutMs: 1000 })],
        uses: [use(kvCapability, "read", "write")],
        idempotency: { key: "order_id", ttlMs: 86_400_000 },
        onError: { strategy: "retry", maxRetries: 2 },
        run: async (input, ctx) => {
          expectTypeOf(input).toEqualTypeOf<{
            check?: { large: boolean; order_id: string; shipping: "express" | "standard"; total: number };
            approve?: {
              approved: boolean;
              large: boolean;
              order_id: string;
              shipping: "express" | "standard";
              total: number;
            };
          }>();
          const o = input.approve ?? input.check;
          await ctx.caps.kv.put(`order:${o?.order_id}`, JSON.stringify(o));
          return { saved: true };
        },
      });
    },
  );
}

describe("defineFlow", () => {
  it("derives ids, hints and claims from the capability table and validates", () => {
    const flow = sample();
    const doc = flow.toFlowIR() as unknown as {
      nodes: Record<string, unknown>[];
      edges: Record<string, unknown>[];
      control_surfaces: Record<string, unknown>[];
      $schema: string;
    };
    expect(doc.$schema).toBe("https://flows.dev/schemas/flow-ir-0.1.json");
    const save = doc.nodes.find((n) => n.alias === "save");
    expect(save).toMatchObject({
      id: "shop.orders::save",
      identifier: "shop::save",
      name: "Save",
      kind: "activity",
      effects: "effectful",
      determinism: "best_effort",
      effectHints: ["resource::kv::read", "resource::kv::write"],
      determinismHints: ["resource::kv::read", "resource::kv::write"],
      idempotency: { key: "order_id", ttlMs: 86_400_000 },
    });
    expect(doc.nodes.find((n) => n.alias === "order")).toMatchObject({
      kind: "trigger",
      out_schema: { kind: "named", name: "Order" },
      effects: "pure",
      determinism: "strict",
    });
    expect(doc.control_surfaces.find((s) => s.id === "is_large")).toEqual({
      id: "is_large",
      kind: "if",
      targets: ["check", "approve", "save"],
      config: { v: 1, source: "check", selector_pointer: "/large", then: "approve", else: "save" },
    });
    const result = validate(doc, { registry });
    expect(result.diagnostics).toEqual([]);
    expect(flow.toFlowJson()).toBe(sample().toFlowJson());
  });
});
