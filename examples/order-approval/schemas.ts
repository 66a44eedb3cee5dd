import * as v from "valibot";

// The order-approval flow's port types. Each schema's title names its port in Flow IR, so the
// validator (DAG201) compares what two connected nodes agree on.

const OrderLine = v.object({ sku: v.string(), quantity: v.number(), unit_price: v.number() });

const order = {
  order_id: v.pipe(v.string(), v.minLength(1)),
  customer: v.string(),
  shipping: v.picklist(["express", "standard"]),
  lines: v.pipe(v.array(OrderLine), v.minLength(1)),
  /** Makes the payment API answer 503 on the first attempt, to show retries. */
  simulate_gateway_error: v.optional(v.boolean()),
};
const priced = { ...order, total: v.number(), requires_approval: v.boolean(), approved_by: v.optional(v.string()) };
const paid = { ...priced, charge_id: v.string() };

export const OrderRequest = v.pipe(v.object(order), v.title("OrderRequest"));
export const PricedOrder = v.pipe(v.object(priced), v.title("PricedOrder"));
export const Payment = v.pipe(v.object(paid), v.title("Payment"));
export const Shipment = v.pipe(v.object({ ...paid, carrier: v.string(), tracking: v.string() }), v.title("Shipment"));
export const ReceiptLine = v.pipe(
  v.looseObject({ line: v.picklist(["order", "item", "charged", "shipped"]) }),
  v.title("ReceiptLine"),
);
export const Approval = v.object({ approved: v.optional(v.boolean()), by: v.optional(v.string()) });

export type OrderLine = v.InferOutput<typeof OrderLine>;
export type Order = v.InferOutput<typeof OrderRequest>;
export type PricedOrder = v.InferOutput<typeof PricedOrder>;
export type Paid = v.InferOutput<typeof Payment>;
