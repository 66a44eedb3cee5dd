// With an output schema, run must return what the schema accepts.
import { defineFlow } from "@flows/define";
import * as v from "valibot";

const Total = v.pipe(v.object({ total: v.number() }), v.title("Total"));

export const flow = defineFlow({ id: "fixture.output" }, (f) => {
  const start = f.trigger("start", { run: () => ({ amount: 3 }) });
  f.node("good", { after: start, output: Total, run: (input) => ({ total: input.amount }) });
  // @expect-error TS2322
  f.node("bad", { after: start, output: Total, run: (input) => ({ total: String(input.amount) }) });
});
