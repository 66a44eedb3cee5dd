import type { ContainerLedger } from "./ledger";
import type { ContainerHost, Lifecycle } from "./lifecycle";
import { log } from "./log";

/** How often an always_on instance that is down is looked at again. */
const RECONCILE_MS = 5_000;

/**
 * Keeps always_on instances up and carries out restarts the policy scheduled, from the
 * Durable Object's alarm (re-armed while there is something left to do).
 */
export function createReconciler(
  ledger: ContainerLedger,
  lifecycle: Lifecycle,
  host: ContainerHost,
  storage: DurableObjectStorage,
) {
  const arm = async (): Promise<void> => {
    if ((await storage.getAlarm()) === null) await storage.setAlarm(Date.now() + RECONCILE_MS);
  };

  const reconcile = async (): Promise<void> => {
    if (host.running()) return;
    lifecycle.observe(await host.getState());
    // An operator's stop holds until an operator's start.
    if (ledger.view(Date.now()).held) return;
    const alwaysOn = host.alwaysOn();
    if (!alwaysOn && !ledger.restartPending()) return;
    ledger.setRestartPending(false);
    if (ledger.view(Date.now()).trippedAt !== undefined) return;
    try {
      await host.start();
    } catch (error) {
      log({ level: "warn", message: "container restart failed", instance: host.name(), error: String(error) });
      await lifecycle.observeSettled();
      if (ledger.view(Date.now()).trippedAt === undefined) ledger.setRestartPending(true);
    }
    if (alwaysOn || ledger.restartPending()) await arm();
  };

  return { arm, reconcile };
}

export type Reconciler = ReturnType<typeof createReconciler>;
