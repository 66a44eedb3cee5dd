// An idempotency key names a scalar field of the node's input.
import { defineFlow } from "@flows/define";

export const flow = defineFlow({ id: "fixture.idempotency" }, (f) => {
  const order = f.trigger("order", { run: () => ({ order_id: "o-1", total: 3 }) });
  f.node("charge", { after: order, idempotency: { key: "order_id" }, run: (o) => o.total });
  f.node("refund", {
    after: order,
    // @expect-error TS2820
    idempotency: { key: "orderId" },
    run: (o) => o.total,
  });
});
