import { CapError, type EffectId } from "@flows/caps";
import type { DoProvider } from "./api";
import { DO_LIMITS } from "./limits";

/**
 * Read-modify-write through compare-and-set: read, change, write if nobody wrote meanwhile,
 * otherwise change the newer value and try again. Every failed round means another writer
 * succeeded, so racing writers all finish; the attempt bound only stops a runaway. With an
 * effect id every round carries it: only the round that writes records it, and a repeat of a
 * recorded update gets back what it wrote then.
 */
export async function updateByCompareAndSet(
  provider: DoProvider,
  key: string,
  change: (current: string | undefined) => string,
  effect?: EffectId,
): Promise<string> {
  let current = await provider.get(key);
  for (let attempt = 1; attempt <= DO_LIMITS.updateAttempts; attempt += 1) {
    const next = change(current);
    const outcome = await provider.compareAndSet(key, current, next, effect);
    if (outcome.ok) return outcome.written ?? next;
    current = outcome.current;
  }
  throw new CapError(
    "CAP409",
    `update of "${key}" lost ${DO_LIMITS.updateAttempts} races in a row: too many writers on one key`,
    { key, attempts: DO_LIMITS.updateAttempts },
    true,
  );
}
