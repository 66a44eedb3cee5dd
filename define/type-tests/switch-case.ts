// A switch case must be a value the selected field can hold.
import { defineFlow } from "@flows/define";

export const flow = defineFlow({ id: "fixture.switch_case" }, (f) => {
  const order = f.trigger("order", {
    run: (): { shipping: "express" | "standard" } => ({ shipping: "express" }),
  });
  const tier = f.switch("tier", order, "/shipping");
  f.node("express", { after: tier.case("express"), run: (o) => o });
  // @expect-error TS2345
  f.node("overnight", { after: tier.case("overnight"), run: (o) => o });
});
