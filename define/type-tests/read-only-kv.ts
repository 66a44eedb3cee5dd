// A node that declared kv read only has no `put` on ctx.caps.kv.
import { kvCapability } from "@flows/cap-kv";
import { defineFlow, use } from "@flows/define";

export const flow = defineFlow({ id: "fixture.read_only_kv" }, (f) => {
  const start = f.trigger("start", { run: () => ({ key: "k" }) });
  f.node("lookup", {
    after: start,
    uses: [use(kvCapability, "read")],
    run: async (input, ctx) => {
      const known = await ctx.caps.kv.get(input.key);
      // @expect-error TS2339
      await ctx.caps.kv.put(input.key, "v");
      return known;
    },
  });
});
