import type { Order } from "./nodes";

/** Sample orders: one small enough to go straight through, one that needs a manager. */
export const smallOrder: Order = {
  order_id: "A-1001",
  customer: "ada@example.com",
  shipping: "standard",
  simulate_gateway_error: true,
  lines: [
    { sku: "notebook", quantity: 3, unit_price: 4.5 },
    { sku: "pen", quantity: 10, unit_price: 1.2 },
  ],
};

export const largeOrder: Order = {
  order_id: "B-2002",
  customer: "grace@example.com",
  shipping: "express",
  lines: [{ sku: "laptop", quantity: 1, unit_price: 1899 }],
};
