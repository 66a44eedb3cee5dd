import type { Clock } from "./host";

export type Reservation =
  | { readonly status: "granted" }
  | { readonly status: "completed"; readonly result: unknown }
  /** Someone else holds the key and has not finished; try again later. */
  | { readonly status: "pending"; readonly owner: string };

/**
 * The idempotency ledger behind `exactly_once` edges (`resource::dedupe`). A key is reserved
 * by one owner (a run id); the same owner may reserve it again, so a run resumed after a crash
 * is not locked out by its own reservation. Completed keys answer with the stored result until
 * their TTL ends.
 */
export interface DedupeStore {
  reserve(key: string, owner: string, ttlMs: number): Promise<Reservation>;
  complete(key: string, owner: string, result: unknown, ttlMs: number): Promise<void>;
  /** Gives a reservation up after a failure so a later attempt may take it. */
  release(key: string, owner: string): Promise<void>;
}

type Entry = { owner: string; expiresAt: number } & ({ done: false } | { done: true; result: unknown });

export function createMemoryDedupe(clock: Clock): DedupeStore {
  const entries = new Map<string, Entry>();
  const live = (key: string) => {
    const entry = entries.get(key);
    if (entry && entry.expiresAt <= clock.now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };
  return {
    async reserve(key, owner, ttlMs) {
      const entry = live(key);
      if (entry?.done) return { status: "completed", result: entry.result };
      if (entry && entry.owner !== owner) return { status: "pending", owner: entry.owner };
      entries.set(key, { owner, expiresAt: clock.now() + ttlMs, done: false });
      return { status: "granted" };
    },
    async complete(key, owner, result, ttlMs) {
      entries.set(key, { owner, expiresAt: clock.now() + ttlMs, done: true, result });
    },
    async release(key, owner) {
      const entry = live(key);
      if (entry && !entry.done && entry.owner === owner) entries.delete(key);
    },
  };
}
