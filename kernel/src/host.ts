import type { NodeIR } from "@flows/flow-ir";
import type { JournalStore } from "./journal";
import type { StackMapper } from "./node-stack";

export interface Clock {
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface LogRecord {
  readonly level: "debug" | "info" | "warn" | "error";
  readonly message: string;
  readonly [field: string]: unknown;
}

export type Logger = (record: LogRecord) => void;

/**
 * What a host supplies. The kernel owns scheduling; the host owns persistence, time,
 * identity, logs and the capabilities nodes may use.
 */
export interface Host {
  readonly journal: JournalStore;
  readonly clock: Clock;
  readonly newId: () => string;
  readonly logger: Logger;
  /**
   * The capabilities one node may use, already scoped to what it declared (the host knows
   * which capability each hint belongs to; the kernel does not).
   */
  readonly capabilities?: (node: NodeIR, effects?: EffectScope) => Readonly<Record<string, unknown>>;
  /**
   * Maps a failed node's stack to its sources (a bundle's positions to `.ts` file:line:col),
   * before the failure is journaled, logged or answered. Called only when a node fails.
   */
  readonly mapStack?: StackMapper;
}

/**
 * Handed to `capabilities` for an exactly-once execution (an `exactly_once` edge and an
 * idempotency key). Capabilities on a transactional store record each write under an id drawn
 * from `key`, in the same transaction as the write, so a node re-executed after a crash (or by
 * another run with the same key) finds its earlier writes done instead of making them again.
 */
export interface EffectScope {
  readonly key: string;
  /** How long the records of those writes are kept: the node's idempotency TTL. */
  readonly ttlMs: number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
};

export const silentLogger: Logger = () => {};
