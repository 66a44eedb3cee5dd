import { join } from "node:path";
import type { NodeRegistry } from "@flows/kernel";
import { openLedger } from "./ledger";
import { orderNodes } from "./order-nodes";

export { APPROVAL_LIMIT, type Order, type OrderLine, type PricedOrder } from "./order-nodes";

export interface ExampleEnvironment {
  /** Where the example keeps its ledger of effects (`<state>/ledger.ndjson`). */
  readonly stateDir: string;
  /** Milliseconds each external call takes; gives the crash test room to land mid-node. */
  readonly latencyMs?: number;
}

/** The order-approval nodes for `flows run`: effects go to an append-only file ledger. */
export default function createNodes(environment: ExampleEnvironment): NodeRegistry {
  const ledger = openLedger(join(environment.stateDir, "ledger.ndjson"));
  return orderNodes({
    once: (_ctx, effect, key, perform) => ledger.once(effect, key, perform),
    latencyMs: environment.latencyMs ?? Number(process.env.FLOWS_EXAMPLE_LATENCY_MS ?? 0),
  });
}
