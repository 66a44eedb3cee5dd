import { SuspendSignal } from "./halt";
import type { RunContext } from "./run-context";

/** Sleeps until `at`, or suspends the run when that is further away than the host waits in memory. */
export async function waitUntil(run: RunContext, at: number): Promise<void> {
  const remaining = at - run.host.clock.now();
  if (remaining <= 0) return;
  if (run.suspendAfterMs !== undefined && remaining > run.suspendAfterMs) throw new SuspendSignal(at);
  await run.host.clock.sleep(remaining, run.abort.signal);
}
