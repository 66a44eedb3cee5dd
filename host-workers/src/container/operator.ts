import type { State } from "@cloudflare/containers";
import type { OperatorAnswer } from "./container-types";
import type { ContainerLedger } from "./ledger";
import type { ContainerHost, Lifecycle } from "./lifecycle";
import { log } from "./log";
import type { Reconciler } from "./reconcile";

/**
 * How long a stopped process may drain its work after SIGTERM before it is killed: longer than
 * the runtime's own drain (10 s for work in flight, then 5 s to record what it completed).
 */
const STOP_GRACE_MS = 20_000;
/** How long a killed process may take to be reported stopped. */
const KILL_SETTLE_MS = 5_000;

/** What the operator's actions need from the Container instance beyond the policy's view. */
export interface OperatedHost extends ContainerHost {
  /** SIGTERM to the process (the runtime stops accepting work, drains, exits 0). */
  terminate(): Promise<void>;
  /** SIGKILL. */
  kill(): Promise<void>;
  forgetAlarm(): Promise<void>;
}

/**
 * Start, stop, remove and reconcile, as `POST /containers/:name/<action>` asks: an operator's
 * stop holds the instance down (no request, restart or alarm starts it) until an operator's start.
 */
export function createOperator(deps: {
  readonly ledger: ContainerLedger;
  readonly lifecycle: Lifecycle;
  readonly reconciler: Reconciler;
  readonly host: OperatedHost;
}) {
  const { ledger, lifecycle, reconciler, host } = deps;
  const status = async (): Promise<OperatorAnswer> => ({ status: lifecycle.status(await host.getState()) });

  const start = async (): Promise<OperatorAnswer> => {
    ledger.setHeld(false);
    const refused = await lifecycle.ensureRunning();
    if (refused) return { failure: refused };
    if (host.alwaysOn()) await reconciler.arm();
    log({ level: "info", message: "container started by an operator", instance: host.name() });
    return status();
  };

  /** Stops the process if it runs: SIGTERM, then SIGKILL once the grace period is over. */
  const halt = async (): Promise<void> => {
    ledger.setHeld(true);
    ledger.setRestartPending(false);
    if (!host.running()) return;
    // Asked for: whatever its exit code, this stop is not a crash and is not restarted.
    ledger.stopRequested();
    await host.terminate();
    let settled: State | undefined = await lifecycle.settledStop(STOP_GRACE_MS);
    if (settled === undefined) {
      log({ level: "warn", message: "container did not stop in time: killed", instance: host.name() });
      await host.kill();
      settled = await lifecycle.settledStop(KILL_SETTLE_MS);
    }
    if (settled !== undefined) lifecycle.observe(settled);
  };

  const stop = async (): Promise<OperatorAnswer> => {
    await halt();
    log({ level: "info", message: "container stopped by an operator", instance: host.name() });
    return status();
  };

  const remove = async (instance: string): Promise<OperatorAnswer> => {
    await halt();
    ledger.clear(String((await host.getState()).lastChange));
    await host.forgetAlarm();
    // Forgotten, yet still addressed by this name: the status answers for it.
    ledger.setName(instance);
    log({ level: "info", message: "container removed by an operator", instance });
    return status();
  };

  const reconcile = async (): Promise<OperatorAnswer> => {
    await reconciler.reconcile();
    return status();
  };

  return { start, stop, remove, reconcile, status };
}

export type Operator = ReturnType<typeof createOperator>;
