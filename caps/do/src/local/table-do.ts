import { type CapClock, createKeyedLock, decodeJson, decodeText, systemCapClock, type TableStore } from "@flows/caps";
import type { DoProvider, LedgerEntry, Reservation } from "../api";

const STATE = "do-state";
const SEQUENCES = "do-sequences";
const LEDGER = "do-ledger";

interface LedgerRecord {
  readonly owner: string;
  readonly expiresAt: number;
  /** Canonical JSON of the result, once completed. */
  readonly result?: string;
}

/**
 * Durable Object semantics for embedded runs, on a TableStore: every write to a key happens
 * under an in-process lock on that key, which gives each key one writer at a time the way a
 * Durable Object does. One process owns a store; two processes on one folder are not serialised.
 */
export function createTableDoProvider(store: TableStore, clock: CapClock = systemCapClock): DoProvider {
  // One lock per table, so a state key, a sequence and a dedupe key of the same name never wait on each other.
  const states = createKeyedLock();
  const sequences = createKeyedLock();
  const ledger = createKeyedLock();
  const asText = (bytes: Uint8Array | undefined) => (bytes === undefined ? undefined : decodeText(bytes));
  const readText = (table: string, key: string) => store.read(table, key, asText);
  const liveEntry = async (key: string): Promise<LedgerRecord | undefined> => {
    const bytes = await store.get(LEDGER, key);
    if (bytes === undefined) return undefined;
    const record = decodeJson<LedgerRecord>(bytes);
    if (record.expiresAt > clock.now()) return record;
    await store.delete(LEDGER, key);
    return undefined;
  };
  const toEntry = (record: LedgerRecord): LedgerEntry =>
    record.result === undefined
      ? { status: "pending", owner: record.owner, expiresAt: record.expiresAt }
      : { status: "completed", result: JSON.parse(record.result), expiresAt: record.expiresAt };
  return {
    clock,
    get: (key) => readText(STATE, key),
    put: (key, json) => states.run(key, () => store.put(STATE, key, json)),
    delete: (key) =>
      states.run(key, async () => {
        const existed = (await store.get(STATE, key)) !== undefined;
        if (existed) await store.delete(STATE, key);
        return existed;
      }),
    compareAndSet: (key, expected, next) =>
      states.run(key, async () => {
        const current = await readText(STATE, key);
        if (current !== expected) return { ok: false, current };
        await store.put(STATE, key, next);
        return { ok: true };
      }),
    update: (key, change) =>
      states.run(key, () =>
        store.read(STATE, key, (bytes) => {
          const next = change(asText(bytes));
          return store.put(STATE, key, next).then(() => next);
        }),
      ),
    next: (sequence) =>
      sequences.run(sequence, async () => {
        const bytes = await store.get(SEQUENCES, sequence);
        const value = (bytes === undefined ? 0 : decodeJson<number>(bytes)) + 1;
        await store.put(SEQUENCES, sequence, String(value));
        return value;
      }),
    reserve: (key, owner, ttlMs) =>
      ledger.run(key, async (): Promise<Reservation> => {
        const entry = await liveEntry(key);
        if (entry?.result !== undefined) return { status: "completed", result: JSON.parse(entry.result) };
        if (entry && entry.owner !== owner) return { status: "pending", owner: entry.owner };
        await store.put(LEDGER, key, JSON.stringify({ owner, expiresAt: clock.now() + ttlMs }));
        return { status: "granted" };
      }),
    complete: (key, owner, resultJson, ttlMs) =>
      ledger.run(key, () =>
        store.put(LEDGER, key, JSON.stringify({ owner, expiresAt: clock.now() + ttlMs, result: resultJson })),
      ),
    release: (key, owner) =>
      ledger.run(key, async () => {
        const entry = await liveEntry(key);
        if (entry && entry.result === undefined && entry.owner === owner) await store.delete(LEDGER, key);
      }),
    lookup: (key) =>
      ledger.run(key, async () => {
        const entry = await liveEntry(key);
        return entry === undefined ? undefined : toEntry(entry);
      }),
  };
}
