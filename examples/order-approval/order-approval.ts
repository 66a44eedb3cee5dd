import { kvCapability } from "@flows/cap-kv";
import { defineFlow, edge, use } from "@flows/define";
import type { NodeContext } from "@flows/kernel";
import { Approval, type Order, OrderRequest, type Paid, Payment, PricedOrder, ReceiptLine, Shipment } from "./schemas";

export type { Order, OrderLine, PricedOrder } from "./schemas";

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

/** The payload as an order, or ORDER400 saying what is wrong with it. */
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

const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (ms <= 0) return resolve();
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });

/** What an effect's implementation may use: the node's scoped capabilities. */
export interface EffectContext {
  readonly caps: object;
}

/**
 * The outside world the effectful nodes touch (a payment API, couriers). `once` performs an
 * effect at most once per idempotency key and returns what the first call recorded, the way a
 * payment API honours idempotency keys. Hosts supply it: a file ledger locally, KV in a Worker.
 */
export interface OrderEffects {
  once(
    ctx: EffectContext,
    effect: string,
    key: string,
    perform: () => Record<string, unknown>,
  ): Promise<Record<string, unknown>> | Record<string, unknown>;
  /** Milliseconds each external call takes (the crash test uses it to land kills mid-node). */
  readonly latencyMs?: number;
}

/**
 * Price an order, ask a manager to approve large ones, charge once, ship by tier and stream a
 * receipt: the whole flow, from which `flows build` writes order-approval.flow.json.
 */
export function orderApproval(effects: OrderEffects) {
  const latency = effects.latencyMs ?? 0;
  return defineFlow(
    {
      id: "orders.approval",
      name: "order_approval",
      summary: "Price an order, ask a manager to approve large ones, charge once, ship by tier and stream a receipt.",
      checkpoints: {
        manager_approval: {
          summary: "A manager approves or rejects an order above the approval limit",
          resume: Approval,
        },
      },
      policies: { lint: { require_control_hints: false } },
      tags: ["example", "orders"],
    },
    (f) => {
      const order = f.trigger("order", {
        name: "OrderReceived",
        summary: "HTTP request carrying the order",
        output: OrderRequest,
        effects: "read_only",
        run: readOrder,
      });

      const price = f.node("price", {
        name: "PriceOrder",
        summary: "Total the lines and decide whether a manager must approve",
        after: order,
        input: OrderRequest,
        output: PricedOrder,
        run: (o) => {
          const total = o.lines.reduce((sum, line) => sum + line.quantity * line.unit_price, 0);
          return { ...o, total: Math.round(total * 100) / 100, requires_approval: total > APPROVAL_LIMIT };
        },
      });

      const needsApproval = f.if("needs_approval", price, "/requires_approval");

      const approval = f.node("approval", {
        name: "ManagerApproval",
        summary: "Halt until a manager approves or rejects the order",
        kind: "activity",
        after: needsApproval.then,
        output: PricedOrder,
        effects: "read_only",
        determinism: "nondeterministic",
        run: async (o, ctx) => {
          const decision = await ctx.halt(f.checkpoints.manager_approval, {
            order_id: o.order_id,
            total: o.total,
            customer: o.customer,
          });
          if (decision.approved !== true) {
            throw new OrderError("ORDER_REJECTED", `order ${o.order_id} was rejected by ${decision.by ?? "a manager"}`);
          }
          return { ...o, approved_by: decision.by ?? "manager" };
        },
      });

      const charge = f.node("charge", {
        name: "ChargeCard",
        summary: "Charge the customer's card through the payment API",
        after: [needsApproval.else, approval],
        output: Payment,
        hints: ["resource::http::write"],
        idempotency: { key: "order_id", scope: "node", ttlMs: 86_400_000 },
        onError: {
          id: "charge_retry",
          strategy: "retry",
          maxRetries: 3,
          backoffMs: 50,
          maxBackoffMs: 1000,
          jitter: true,
        },
        timeout: { id: "charge_timeout", ms: 5000 },
        run: async (input, ctx) => {
          const o = input.approval ?? input.price;
          if (o === undefined) throw new OrderError("ORDER500", "charge received no order");
          await pause(latency, ctx.signal);
          if (o.simulate_gateway_error === true && ctx.attempt === 1) {
            throw new OrderError("PAY503", "payment API unavailable (503)", true);
          }
          const entry = await effects.once(ctx, "charge", ctx.idempotencyKey ?? o.order_id, () => ({
            order_id: o.order_id,
            amount: o.total,
            charge_id: `ch_${o.order_id}`,
          }));
          return { ...o, charge_id: String(entry.charge_id) };
        },
      });

      const tier = f.switch("shipping_tier", charge, "/shipping");

      const ship = (carrier: string, prefix: string) =>
        ({
          output: Shipment,
          uses: [use(kvCapability, "read", "write")],
          idempotency: { key: "order_id", scope: "node", ttlMs: 86_400_000 },
          run: async (o: Paid, ctx: EffectContext & Pick<NodeContext, "signal" | "idempotencyKey">) => {
            await pause(latency, ctx.signal);
            const entry = await effects.once(ctx, "ship", ctx.idempotencyKey ?? o.order_id, () => ({
              order_id: o.order_id,
              carrier,
              tracking: `${prefix}-${o.order_id}`,
            }));
            return { ...o, carrier: String(entry.carrier), tracking: String(entry.tracking) };
          },
        }) as const;

      const express = f.node("ship_express", {
        name: "ShipExpress",
        summary: "Book an express courier",
        after: edge(tier.case("express"), { timeoutMs: 10_000 }),
        ...ship("courier", "EX"),
      });

      const standard = f.node("ship_standard", {
        name: "ShipStandard",
        summary: "Queue the parcel for standard post",
        after: tier.case("standard").orOtherwise(),
        ...ship("post", "ST"),
      });

      f.node("receipt", {
        name: "StreamReceipt",
        summary: "Stream the receipt line by line",
        after: [express, edge(standard, { buffer: { maxItems: 16 } })],
        output: ReceiptLine,
        effects: "read_only",
        determinism: "stable",
        run: async function* (input) {
          const shipped = input.ship_express ?? input.ship_standard;
          if (shipped === undefined) return;
          yield { line: "order", order_id: shipped.order_id, customer: shipped.customer } as const;
          for (const item of shipped.lines) {
            yield { line: "item", sku: item.sku, quantity: item.quantity, unit_price: item.unit_price } as const;
          }
          yield { line: "charged", amount: shipped.total, charge_id: shipped.charge_id } as const;
          yield { line: "shipped", carrier: shipped.carrier, tracking: shipped.tracking } as const;
        },
      });
    },
  );
}
