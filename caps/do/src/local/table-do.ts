import {
  type CapClock,
  createKeyedLock,
  decodeJson,
  decodeText,
  type EffectId,
  systemCapClock,
  type TableStore,
} from "@flows/caps";
import type { DoProvider, LedgerEntry, Reservation } from "../api";

const STATE = "do-state";
const SEQUENCES = "do-sequences";
const LEDGER = "do-ledger";
const EFFECTS = "do-effects";

/** A value to write (or, when null, delete) under a key of one table. */
interface Write {
  readonly table: string;
  readonly key: string;
  readonly value: string | null;
}

/**
 * What a write made under an effect id answered. While `write` is present the write itself may
 * not have reached its table yet (the process died between the two files), so whoever reads
 * the record first makes it again before answering.
 */
interface EffectRecord {
  readonly expiresAt: number;
  /** The operation's answer as JSON. */
  readonly outcome: string;
  readonly write?: Write;
}

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
 * Writes given an effect id keep a record of what they answered (table `do-effects`), so an
 * exactly-once node executed again makes each of them once.
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
  const apply = (write: Write) =>
    write.value === null ? store.delete(write.table, write.key) : store.put(write.table, write.key, write.value);
  /** The answer recorded under `effect`, redoing its write if a crash cut it short. */
  const recorded = async (effect: EffectId | undefined): Promise<string | undefined> => {
    if (effect === undefined) return undefined;
    const bytes = await store.get(EFFECTS, effect.id);
    if (bytes === undefined) return undefined;
    const record = decodeJson<EffectRecord>(bytes);
    if (record.expiresAt <= clock.now()) {
      await store.delete(EFFECTS, effect.id);
      return undefined;
    }
    if (record.write !== undefined) {
      await apply(record.write);
      await store.put(EFFECTS, effect.id, JSON.stringify({ expiresAt: record.expiresAt, outcome: record.outcome }));
    }
    return record.outcome;
  };
  /**
   * Writes with its record. A table store has no transaction across two files, so the record
   * (holding the write) goes first, then the write, then the record without it: a process
   * killed anywhere in between leaves either nothing or a record that `recorded` completes.
   */
  const commit = async (effect: EffectId | undefined, outcome: string, write: Write | undefined) => {
    if (effect === undefined) {
      if (write !== undefined) await apply(write);
      return;
    }
    const expiresAt = clock.now() + effect.ttlMs;
    if (write === undefined) {
      await store.put(EFFECTS, effect.id, JSON.stringify({ expiresAt, outcome }));
      return;
    }
    await store.put(EFFECTS, effect.id, JSON.stringify({ expiresAt, outcome, write }));
    await apply(write);
    await store.put(EFFECTS, effect.id, JSON.stringify({ expiresAt, outcome }));
  };
  const toEntry = (record: LedgerRecord): LedgerEntry =>
    record.result === undefined
      ? { status: "pending", owner: record.owner, expiresAt: record.expiresAt }
      : { status: "completed", result: JSON.parse(record.result), expiresAt: record.expiresAt };
  return {
    clock,
    get: (key) => readText(STATE, key),
    put: (key, json, effect) =>
      states.run(key, async () => {
        if ((await recorded(effect)) !== undefined) return;
        await commit(effect, "null", { table: STATE, key, value: json });
      }),
    delete: (key, effect) =>
      states.run(key, async () => {
        const earlier = await recorded(effect);
        if (earlier !== undefined) return JSON.parse(earlier) as boolean;
        const existed = (await store.get(STATE, key)) !== undefined;
        await commit(effect, JSON.stringify(existed), existed ? { table: STATE, key, value: null } : undefined);
        return existed;
      }),
    // Only a compare-and-set that wrote is recorded: one that lost writes nothing, and an
    // update retrying by compare-and-set reuses its effect id for every round.
    compareAndSet: (key, expected, next, effect) =>
      states.run(key, async () => {
        const earlier = await recorded(effect);
        if (earlier !== undefined) return { ok: true, written: JSON.parse(earlier) as string };
        const current = await readText(STATE, key);
        if (current !== expected) return { ok: false, current };
        await commit(effect, JSON.stringify(next), { table: STATE, key, value: next });
        return { ok: true };
      }),
    update: (key, change, effect) =>
      states.run(key, async () => {
        if (effect === undefined) {
          return store.read(STATE, key, (bytes) => {
            const next = change(asText(bytes));
            return store.put(STATE, key, next).then(() => next);
          });
        }
        const earlier = await recorded(effect);
        if (earlier !== undefined) return JSON.parse(earlier) as string;
        const next = change(await readText(STATE, key));
        await commit(effect, JSON.stringify(next), { table: STATE, key, value: next });
        return next;
      }),
    next: (sequence, effect) =>
      sequences.run(sequence, async () => {
        const earlier = await recorded(effect);
        if (earlier !== undefined) return JSON.parse(earlier) as number;
        const bytes = await store.get(SEQUENCES, sequence);
        const value = (bytes === undefined ? 0 : decodeJson<number>(bytes)) + 1;
        await commit(effect, String(value), { table: SEQUENCES, key: sequence, value: String(value) });
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
