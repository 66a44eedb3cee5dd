// ctx.halt() takes a checkpoint declared on the flow; another flow's checkpoint does not compile.
import { defineFlow } from "@flows/define";

const other = defineFlow({ id: "fixture.other", checkpoints: { review: {} } }, () => {});

export const flow = defineFlow({ id: "fixture.undeclared", checkpoints: { approval: {} } }, (f) => {
  const start = f.trigger("start", { run: () => ({ id: "a" }) });
  f.node("wait", {
    after: start,
    run: async (input, ctx) => {
      await ctx.halt(f.checkpoints.approval);
      // @expect-error TS2379
      await ctx.halt(other.checkpoints.review);
      return input;
    },
  });
});
