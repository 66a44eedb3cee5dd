import type { DedupeStore } from "./dedupe";
import type { Clock } from "./host";

/**
 * How long an unfinished reservation of an idempotency key stays held without news from its
 * holder. The holder renews it while the node runs; a holder that died (a killed process, an
 * evicted object) stops renewing, and after this long another run may take the key over.
 */
export const RESERVATION_LEASE_MS = 60_000;

export function reservationLease(ttlMs: number): number {
  return Math.min(ttlMs, RESERVATION_LEASE_MS);
}

/**
 * Renews `owner`'s reservation of `key` every third of its lease until stopped. Renewal is
 * reserving again as the same owner, which the ledger grants and extends. A failed renewal is
 * not fatal: the effects the node makes through a transactional store are recorded by key, so
 * even a takeover after a missed renewal does not make them twice.
 */
export function keepReserved(
  dedupe: DedupeStore,
  clock: Clock,
  key: string,
  owner: string,
  leaseMs: number,
): () => void {
  const stop = new AbortController();
  const renew = async () => {
    while (!stop.signal.aborted) {
      await clock.sleep(leaseMs / 3, stop.signal);
      await dedupe.reserve(key, owner, leaseMs).catch(() => {});
    }
  };
  // Stopping rejects the sleep; that ends the loop and is not an error.
  renew().catch(() => {});
  return () => stop.abort();
}
