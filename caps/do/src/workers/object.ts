import { DurableObject } from "cloudflare:workers";
import type { EffectArg, FlowStateStubLike } from "./binding";

type LedgerRow = { owner: string; expires_at: number; result: string | null };

/**
 * The Durable Object behind `cloudflare.do` (SQLite-backed: declare it under
 * `new_sqlite_classes`). Each instance holds the rows of the one state key, sequence or dedupe
 * key it is named after. Sequence and ledger methods are synchronous, so nothing else runs on
 * the object between their read and their write; `transactionSync` makes them atomic on disk.
 * State writes queue behind one another (`exclusive`), because `stateUpdate` awaits the
 * caller's change function between its read and its write. A write given an effect id inserts
 * its record (table `effects`) in the same transaction, so it is made once per id.
 */
export class FlowStateObject<Env = unknown> extends DurableObject<Env> implements FlowStateStubLike {
  private readonly sql: SqlStorage;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS sequences (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS ledger (key TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at INTEGER NOT NULL, result TEXT);
      CREATE TABLE IF NOT EXISTS effects (id TEXT PRIMARY KEY, outcome TEXT NOT NULL, expires_at INTEGER NOT NULL)`);
  }

  /** Runs state writes one at a time, in arrival order. */
  private exclusive<T>(work: () => T | Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    this.tail = result.catch(() => undefined);
    return result;
  }

  private write(key: string, json: string): void {
    this.sql.exec("INSERT OR REPLACE INTO state (key, value) VALUES (?, ?)", key, json);
  }

  private read(key: string): string | null {
    const [row] = this.sql.exec<{ value: string }>("SELECT value FROM state WHERE key = ?", key).toArray();
    return row?.value ?? null;
  }

  /** What a write recorded under `effect` answered, or undefined when none is (still) recorded. */
  private recorded(effect: EffectArg | undefined): string | undefined {
    if (effect == null) return undefined;
    const [row] = this.sql
      .exec<{ outcome: string; expires_at: number }>("SELECT outcome, expires_at FROM effects WHERE id = ?", effect.id)
      .toArray();
    if (row === undefined) return undefined;
    if (row.expires_at > Date.now()) return row.outcome;
    this.sql.exec("DELETE FROM effects WHERE id = ?", effect.id);
    return undefined;
  }

  private record(effect: EffectArg | undefined, outcome: string): void {
    if (effect == null) return;
    this.sql.exec(
      "INSERT OR REPLACE INTO effects (id, outcome, expires_at) VALUES (?, ?, ?)",
      effect.id,
      outcome,
      Date.now() + effect.ttlMs,
    );
  }

  async stateGet(key: string): Promise<string | null> {
    return this.read(key);
  }

  statePut(key: string, json: string, effect?: EffectArg): Promise<void> {
    return this.exclusive(() =>
      this.ctx.storage.transactionSync(() => {
        if (this.recorded(effect) !== undefined) return;
        this.write(key, json);
        this.record(effect, "null");
      }),
    );
  }

  stateDelete(key: string, effect?: EffectArg): Promise<boolean> {
    return this.exclusive(() =>
      this.ctx.storage.transactionSync(() => {
        const earlier = this.recorded(effect);
        if (earlier !== undefined) return earlier === "true";
        const existed = this.sql.exec("DELETE FROM state WHERE key = ?", key).rowsWritten > 0;
        this.record(effect, String(existed));
        return existed;
      }),
    );
  }

  /** `true` when written; otherwise the current value (null when absent) for the caller's next try. */
  stateCompareAndSet(
    key: string,
    expected: string | null,
    next: string,
    effect?: EffectArg,
  ): Promise<string | true | { written: string } | null> {
    return this.exclusive(() =>
      this.ctx.storage.transactionSync(() => {
        const earlier = this.recorded(effect);
        if (earlier !== undefined) return { written: earlier };
        const current = this.read(key);
        if (current !== expected) return current;
        this.write(key, next);
        this.record(effect, next);
        return true;
      }),
    );
  }

  stateUpdate(
    key: string,
    change: (current: string | null) => string | null | Promise<string | null>,
    effect?: EffectArg,
  ): Promise<string | null> {
    return this.exclusive(async () => {
      const earlier = this.recorded(effect);
      if (earlier !== undefined) return earlier;
      const next = await change(this.read(key));
      if (typeof next !== "string") return null;
      this.ctx.storage.transactionSync(() => {
        this.write(key, next);
        this.record(effect, next);
      });
      return next;
    });
  }

  async sequenceNext(name: string, effect?: EffectArg): Promise<number> {
    return this.ctx.storage.transactionSync(() => {
      const earlier = this.recorded(effect);
      if (earlier !== undefined) return Number(earlier);
      const [row] = this.sql
        .exec<{ value: number }>(
          "INSERT INTO sequences (name, value) VALUES (?, 1) ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value",
          name,
        )
        .toArray();
      const value = row?.value ?? 0;
      this.record(effect, String(value));
      return value;
    });
  }

  private liveEntry(key: string): LedgerRow | undefined {
    const [row] = this.sql.exec<LedgerRow>("SELECT owner, expires_at, result FROM ledger WHERE key = ?", key).toArray();
    if (row === undefined) return undefined;
    if (row.expires_at > Date.now()) return row;
    this.sql.exec("DELETE FROM ledger WHERE key = ?", key);
    return undefined;
  }

  async ledgerReserve(key: string, owner: string, ttlMs: number): Promise<string> {
    return this.ctx.storage.transactionSync(() => {
      const entry = this.liveEntry(key);
      if (entry?.result != null) return `{"status":"completed","result":${entry.result}}`;
      if (entry && entry.owner !== owner) return JSON.stringify({ status: "pending", owner: entry.owner });
      this.sql.exec(
        "INSERT OR REPLACE INTO ledger (key, owner, expires_at, result) VALUES (?, ?, ?, NULL)",
        key,
        owner,
        Date.now() + ttlMs,
      );
      return '{"status":"granted"}';
    });
  }

  async ledgerComplete(key: string, owner: string, resultJson: string, ttlMs: number): Promise<void> {
    this.sql.exec(
      "INSERT OR REPLACE INTO ledger (key, owner, expires_at, result) VALUES (?, ?, ?, ?)",
      key,
      owner,
      Date.now() + ttlMs,
      resultJson,
    );
  }

  async ledgerRelease(key: string, owner: string): Promise<void> {
    this.ctx.storage.transactionSync(() => {
      const entry = this.liveEntry(key);
      if (entry && entry.result === null && entry.owner === owner)
        this.sql.exec("DELETE FROM ledger WHERE key = ?", key);
    });
  }

  async ledgerLookup(key: string): Promise<string | null> {
    const entry = this.transactionalEntry(key);
    if (entry === undefined) return null;
    return entry.result === null
      ? JSON.stringify({ status: "pending", owner: entry.owner, expiresAt: entry.expires_at })
      : `{"status":"completed","result":${entry.result},"expiresAt":${entry.expires_at}}`;
  }

  private transactionalEntry(key: string): LedgerRow | undefined {
    return this.ctx.storage.transactionSync(() => this.liveEntry(key));
  }
}
