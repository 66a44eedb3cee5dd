// A node whose input schema does not accept its predecessor's output cannot be wired after it.
import { defineFlow } from "@flows/define";
import * as v from "valibot";

const Payment = v.object({ order_id: v.string(), amount: v.number() });

export const flow = defineFlow({ id: "fixture.wiring" }, (f) => {
  const order = f.trigger("order", { run: () => ({ order_id: "o-1" }) });
  f.node("pay", {
    // @expect-error TS2375
    after: order,
    input: Payment,
    run: (payment) => payment.amount,
  });
});
