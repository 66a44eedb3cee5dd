import { kvCapability } from "@flows/cap-kv";
import * as v from "valibot";
import { describe, expectTypeOf, it } from "vitest";
import { defineFlow } from "./define-flow";
import type { KeyField } from "./paths";
import { use } from "./use";

// Compile-time behaviour, checked by the typecheck of this file; type-tests/ holds the
// mistakes that must fail to compile, checked by type-errors.test.ts.
describe("types of defined nodes", () => {
  it("gives ctx.caps exactly the declared operations", () => {
    defineFlow({ id: "t.caps" }, (f) => {
      const start = f.trigger("start", { run: () => ({ key: "k" }) });
      f.node("read", {
        after: start,
        uses: [use(kvCapability, "read")],
        run: (_input, ctx) => {
          expectTypeOf(ctx.caps.kv).toHaveProperty("get");
          expectTypeOf(ctx.caps.kv).not.toHaveProperty("put");
          expectTypeOf(ctx.caps).not.toHaveProperty("r2");
        },
      });
      f.node("write", {
        after: start,
        uses: [use(kvCapability, "read", "write")],
        run: (_input, ctx) => {
          expectTypeOf(ctx.caps.kv).toHaveProperty("put");
          expectTypeOf(ctx.caps.kv).toHaveProperty("delete");
        },
      });
    });
  });

  it("checks switch cases and halts against the flow", () => {
    defineFlow({ id: "t.routes", checkpoints: { ok: { resume: v.object({ yes: v.boolean() }) } } }, (f) => {
      const start = f.trigger("start", { run: (): { tier: "a" | "b"; n: number } => ({ tier: "a", n: 1 }) });
      const tier = f.switch("tier", start, "/tier");
      expectTypeOf(tier.case).parameter(0).toEqualTypeOf<"a" | "b">();
      const byNumber = f.switch("num", f.node("copy", { after: start, run: (x) => x }), "/n");
      expectTypeOf(byNumber.case).parameter(0).toEqualTypeOf<`${number}`>();
      f.node("wait", {
        after: tier.case("a"),
        run: async (_input, ctx) => {
          expectTypeOf(await ctx.halt(f.checkpoints.ok)).toEqualTypeOf<{ yes: boolean }>();
        },
      });
    });
  });

  it("types idempotency keys as scalar fields, of any predecessor when keyed", () => {
    expectTypeOf<KeyField<{ id: string; n: number; nested: { x: 1 } }, false>>().toEqualTypeOf<"id" | "n">();
    expectTypeOf<KeyField<{ a: { id: string }; b?: { n: number } }, true>>().toEqualTypeOf<"id" | "n">();
  });

  it("delivers null downstream of a node that continues on error, and arrays from streams", () => {
    defineFlow({ id: "t.outputs" }, (f) => {
      const start = f.trigger("start", { run: () => 1 });
      const maybe = f.node("maybe", { after: start, onError: "continue", run: (n) => n + 1 });
      const stream = f.node("stream", {
        after: start,
        run: async function* () {
          yield "x";
        },
      });
      f.node("end", {
        after: [maybe, stream],
        run: (input) => {
          expectTypeOf(input).toEqualTypeOf<{ maybe: number | null; stream: string[] }>();
        },
      });
    });
  });
});
