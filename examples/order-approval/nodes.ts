import { join } from "node:path";
import type { NodeRegistry } from "@flows/kernel";
import { openLedger } from "./ledger";
import { type OrderEffects, orderApproval } from "./order-approval";

export { APPROVAL_LIMIT, type Order, type OrderLine, type PricedOrder } from "./order-approval";

export interface ExampleEnvironment {
  /** Where the example keeps its ledger of effects (`<state>/ledger.ndjson`). */
  readonly stateDir: string;
  /** Milliseconds each external call takes; gives the crash test room to land mid-node. */
  readonly latencyMs?: number;
}

/** Effects go to an append-only file ledger under the state directory, as a local stand-in for the outside world. */
export function ledgerEffects(environment: ExampleEnvironment): OrderEffects {
  const ledger = openLedger(join(environment.stateDir, "ledger.ndjson"));
  return {
    once: (_ctx, effect, key, perform) => ledger.once(effect, key, perform),
    latencyMs: environment.latencyMs ?? Number(process.env.FLOWS_EXAMPLE_LATENCY_MS ?? 0),
  };
}

/** The order-approval nodes as a registry, for `flows run order-approval.flow.json --nodes nodes.ts`. */
export default function createNodes(environment: ExampleEnvironment): NodeRegistry {
  return orderApproval(ledgerEffects(environment)).nodeRegistry();
}
