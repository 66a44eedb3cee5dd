/**
 * The RPC surface of `FlowStateObject` as the provider sees it, declared structurally so the
 * provider compiles and runs without Workers ambient types (workerd, or Node driving
 * Miniflare). Values cross as canonical JSON text; ledger answers as JSON text too, which keeps
 * the RPC types flat. `binding-check.ts` proves the real namespace satisfies it.
 */
/** An effect id as it crosses RPC (null: the write is not recorded). */
export type EffectArg = { readonly id: string; readonly ttlMs: number } | null;

export interface FlowStateStubLike {
  stateGet(key: string): Promise<string | null>;
  statePut(key: string, json: string, effect?: EffectArg): Promise<void>;
  stateDelete(key: string, effect?: EffectArg): Promise<boolean>;
  /** `true` when written (a recorded repeat: `{ written }`); otherwise the current value. */
  stateCompareAndSet(
    key: string,
    expected: string | null,
    next: string,
    effect?: EffectArg,
  ): Promise<string | true | { written: string } | null>;
  /**
   * Calls `change` back (over RPC) with the current value while holding the key and writes its
   * answer; when `change` answers null nothing is written and null comes back.
   */
  stateUpdate(
    key: string,
    change: (current: string | null) => string | null,
    effect?: EffectArg,
  ): Promise<string | null>;
  sequenceNext(name: string, effect?: EffectArg): Promise<number>;
  ledgerReserve(key: string, owner: string, ttlMs: number): Promise<string>;
  ledgerComplete(key: string, owner: string, resultJson: string, ttlMs: number): Promise<void>;
  ledgerRelease(key: string, owner: string): Promise<void>;
  ledgerLookup(key: string): Promise<string | null>;
}

export interface FlowStateNamespaceLike {
  getByName(name: string): FlowStateStubLike;
}
