import type { CapClock, EffectId, JsonValue } from "@flows/caps";

/**
 * An answer from the idempotency ledger. The names match the kernel's `DedupeStore`, which this
 * API satisfies as is: "completed" is a duplicate (with the stored result), "pending" is a key
 * another owner holds and has not finished.
 */
export type Reservation =
  | { readonly status: "granted" }
  | { readonly status: "completed"; readonly result: unknown }
  | { readonly status: "pending"; readonly owner: string };

export type LedgerEntry =
  | { readonly status: "completed"; readonly result: unknown; readonly expiresAt: number }
  | { readonly status: "pending"; readonly owner: string; readonly expiresAt: number };

/** What a node calls: per-key single-writer state, sequencers and the idempotency ledger. */
export interface DoApi {
  /** The key's value, or undefined when it has none. */
  get<T extends JsonValue = JsonValue>(key: string): Promise<T | undefined>;
  put(key: string, value: JsonValue): Promise<void>;
  /** True when the key had a value. */
  delete(key: string): Promise<boolean>;
  /**
   * Reads, applies `change` and writes as one step: no other writer of the key comes between.
   * `change` may run more than once when writers race, so it must not have side effects.
   */
  update<T extends JsonValue = JsonValue>(key: string, change: (current: T | undefined) => T): Promise<T>;
  /** Writes `next` only when the stored value equals `expected` (undefined: the key is absent). */
  compareAndSet(key: string, expected: JsonValue | undefined, next: JsonValue): Promise<boolean>;
  /** The sequence's next number: 1, 2, 3, … with no gaps or repeats under concurrency. */
  next(sequence: string): Promise<number>;
  /** Takes `key` for `owner` for `ttlMs`; the same owner may take it again (a resumed run). */
  reserve(key: string, owner: string, ttlMs: number): Promise<Reservation>;
  /** Records the result; later reservations get it back until `ttlMs` passes. */
  complete(key: string, owner: string, result: unknown, ttlMs: number): Promise<void>;
  /** Gives up `owner`'s unfinished reservation so a later attempt may take the key. */
  release(key: string, owner: string): Promise<void>;
  lookup(key: string): Promise<LedgerEntry | undefined>;
}

export type CasResult =
  /** `written` comes back when the write was recorded earlier under the same effect id. */
  { readonly ok: true; readonly written?: string } | { readonly ok: false; readonly current: string | undefined };

/**
 * What a provider implements. Values cross as canonical JSON text (sorted object keys), so
 * compare-and-set compares text and every provider agrees on what "equal" means. Arguments
 * arrive already checked.
 *
 * A write given an `effect` commits its record with it, atomically: asked again with the same
 * id before the record expires, the provider answers what it answered then and writes nothing.
 */
export interface DoProvider {
  readonly clock?: CapClock;
  get(key: string): Promise<string | undefined>;
  put(key: string, json: string, effect?: EffectId): Promise<void>;
  delete(key: string, effect?: EffectId): Promise<boolean>;
  compareAndSet(key: string, expected: string | undefined, next: string, effect?: EffectId): Promise<CasResult>;
  /**
   * A native read-modify-write under the provider's own per-key lock. Providers without one
   * leave it out and the capability retries compare-and-set instead.
   */
  update?(key: string, change: (current: string | undefined) => string, effect?: EffectId): Promise<string>;
  next(sequence: string, effect?: EffectId): Promise<number>;
  reserve(key: string, owner: string, ttlMs: number): Promise<Reservation>;
  complete(key: string, owner: string, resultJson: string, ttlMs: number): Promise<void>;
  release(key: string, owner: string): Promise<void>;
  lookup(key: string): Promise<LedgerEntry | undefined>;
}
