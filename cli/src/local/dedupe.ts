import type { Clock, DedupeStore, Reservation } from "@flows/kernel";
import type { Operator } from "opendal";
import { isNotFound, parseRecord, segment } from "./store";

type Record = { owner: string; expiresAt: number } & ({ done: false } | { done: true; result: unknown });

export interface FsDedupeOptions {
  /**
   * Whether the run that reserved a key is still executing. When it answers false, the run died
   * mid-node and its reservation is taken over instead of blocking the key until it expires.
   */
  readonly ownerActive?: (owner: string) => boolean;
  /**
   * Runs `work` (a read, a check and a write of the key's record) with no other process inside
   * it for the same key. Without it, two processes that both read "no record" would both be
   * granted the key.
   */
  readonly exclusive?: <T>(key: string, work: () => Promise<T>) => Promise<T>;
}

/** The idempotency ledger for local runs: one small JSON file per key under `dedupe/`. */
export function createFsDedupe(operator: Operator, clock: Clock, options: FsDedupeOptions = {}): DedupeStore {
  const pathOf = (key: string) => `dedupe/${segment(key)}.json`;
  const load = async (key: string): Promise<Record | undefined> => {
    let bytes: Buffer;
    try {
      bytes = await operator.read(pathOf(key));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    // A damaged record throws STATE422: reading it as "no record" would repeat a completed effect.
    const record = parseRecord(pathOf(key), bytes) as Record;
    return record.expiresAt > clock.now() ? record : undefined;
  };
  const store = (key: string, record: Record) => operator.write(pathOf(key), JSON.stringify(record));
  const exclusive = options.exclusive ?? (<T>(_key: string, work: () => Promise<T>) => work());
  return {
    reserve: (key, owner, ttlMs) =>
      exclusive(key, async (): Promise<Reservation> => {
        const record = await load(key);
        if (record?.done) return { status: "completed", result: record.result };
        if (record && record.owner !== owner && options.ownerActive?.(record.owner) !== false) {
          return { status: "pending", owner: record.owner };
        }
        await store(key, { owner, expiresAt: clock.now() + ttlMs, done: false });
        return { status: "granted" };
      }),
    complete: (key, owner, result, ttlMs) =>
      exclusive(key, async () => {
        await store(key, { owner, expiresAt: clock.now() + ttlMs, done: true, result });
      }),
    release: (key, owner) =>
      exclusive(key, async () => {
        const record = await load(key);
        if (record && !record.done && record.owner === owner) await operator.delete(pathOf(key));
      }),
  };
}
