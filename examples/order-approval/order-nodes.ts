import type { NodeContext, NodeRegistry } from "@flows/kernel";

export interface OrderLine {
  readonly sku: string;
  readonly quantity: number;
  readonly unit_price: number;
}

export interface Order {
  readonly order_id: string;
  readonly customer: string;
  readonly shipping: "express" | "standard";
  readonly lines: readonly OrderLine[];
  /** Makes the payment API answer 503 on the first attempt, to show retries. */
  readonly simulate_gateway_error?: boolean;
}

export interface PricedOrder extends Order {
  readonly total: number;
  readonly requires_approval: boolean;
}

/** Orders above this total wait for a manager. */
export const APPROVAL_LIMIT = 1000;

class OrderError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable = false,
  ) {
    super(message);
  }
}

function readOrder(payload: unknown): Order {
  const order = payload as Partial<Order> | null;
  if (order === null || typeof order !== "object")
    throw new OrderError("ORDER400", "the payload must be an order object");
  if (typeof order.order_id !== "string" || order.order_id === "")
    throw new OrderError("ORDER400", "order_id is required");
  if (order.shipping !== "express" && order.shipping !== "standard") {
    throw new OrderError("ORDER400", 'shipping must be "express" or "standard"');
  }
  if (!Array.isArray(order.lines) || order.lines.length === 0) throw new OrderError("ORDER400", "an order needs lines");
  return order as Order;
}

/** The priced order, whichever branch delivered it (charge has two predecessors). */
function orderFrom(input: unknown): PricedOrder {
  const keyed = input as { price?: PricedOrder; approval?: PricedOrder };
  const order = keyed.approval ?? keyed.price;
  if (order === undefined) throw new OrderError("ORDER500", "charge received no order");
  return order;
}

const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (ms <= 0) {
      resolve();
      return;
    }
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });

/**
 * The outside world the effectful nodes touch (a payment API, couriers). `once` performs an
 * effect at most once per idempotency key and returns what the first call recorded, the way a
 * payment API honours idempotency keys. Hosts supply it: a file ledger locally, KV in a Worker.
 */
export interface OrderEffects {
  once(
    ctx: NodeContext,
    effect: string,
    key: string,
    perform: () => Record<string, unknown>,
  ): Promise<Record<string, unknown>> | Record<string, unknown>;
  /** Milliseconds each external call takes (the crash test uses it to land kills mid-node). */
  readonly latencyMs?: number;
}

/** The order-approval flow's node implementations, on whatever effects the host provides. */
export function orderNodes(effects: OrderEffects): NodeRegistry {
  const latency = effects.latencyMs ?? 0;
  return {
    "orders::order": (payload) => readOrder(payload),

    "orders::price": (input) => {
      const order = input as Order;
      const total = order.lines.reduce((sum, line) => sum + line.quantity * line.unit_price, 0);
      return { ...order, total: Math.round(total * 100) / 100, requires_approval: total > APPROVAL_LIMIT };
    },

    "orders::approval": async (input, ctx: NodeContext) => {
      const order = input as PricedOrder;
      const decision = await ctx.halt<{ approved?: boolean; by?: string }>("manager_approval", {
        order_id: order.order_id,
        total: order.total,
        customer: order.customer,
      });
      if (decision?.approved !== true) {
        throw new OrderError(
          "ORDER_REJECTED",
          `order ${order.order_id} was rejected by ${decision?.by ?? "a manager"}`,
        );
      }
      return { ...order, approved_by: decision.by ?? "manager" };
    },

    "orders::charge": async (input, ctx: NodeContext) => {
      const order = orderFrom(input);
      await pause(latency, ctx.signal);
      if (order.simulate_gateway_error === true && ctx.attempt === 1) {
        throw new OrderError("PAY503", "payment API unavailable (503)", true);
      }
      const entry = await effects.once(ctx, "charge", ctx.idempotencyKey ?? order.order_id, () => ({
        order_id: order.order_id,
        amount: order.total,
        charge_id: `ch_${order.order_id}`,
      }));
      return { ...order, charge_id: entry.charge_id };
    },

    "orders::ship_express": async (input, ctx: NodeContext) => {
      const order = input as PricedOrder & { charge_id: string };
      await pause(latency, ctx.signal);
      const entry = await effects.once(ctx, "ship", ctx.idempotencyKey ?? order.order_id, () => ({
        order_id: order.order_id,
        carrier: "courier",
        tracking: `EX-${order.order_id}`,
      }));
      return { ...order, carrier: entry.carrier, tracking: entry.tracking };
    },

    "orders::ship_standard": async (input, ctx: NodeContext) => {
      const order = input as PricedOrder & { charge_id: string };
      await pause(latency, ctx.signal);
      const entry = await effects.once(ctx, "ship", ctx.idempotencyKey ?? order.order_id, () => ({
        order_id: order.order_id,
        carrier: "post",
        tracking: `ST-${order.order_id}`,
      }));
      return { ...order, carrier: entry.carrier, tracking: entry.tracking };
    },

    "orders::receipt": async function* (input) {
      const shipped = Object.values(
        input as Record<string, PricedOrder & { charge_id: string; carrier: string; tracking: string }>,
      )[0];
      if (shipped === undefined) return;
      yield { line: "order", order_id: shipped.order_id, customer: shipped.customer };
      for (const item of shipped.lines)
        yield { line: "item", sku: item.sku, quantity: item.quantity, unit_price: item.unit_price };
      yield { line: "charged", amount: shipped.total, charge_id: shipped.charge_id };
      yield { line: "shipped", carrier: shipped.carrier, tracking: shipped.tracking };
    },
  };
}
