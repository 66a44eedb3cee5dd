import type { DeadlineOptions, Expired, WaitOptions } from "./durable-time";
import type { Logger } from "./host";

/** Facts about the invocation, visible to every node. */
export interface RunMetadata {
  readonly run_id: string;
  readonly flow_id: string;
  readonly event_id?: string;
  readonly idem_key?: string;
  readonly [fact: string]: unknown;
}

export interface NodeContext<Caps extends Record<string, unknown> = Record<string, unknown>> {
  /** The node's alias in the flow. */
  readonly node: string;
  readonly run: RunMetadata;
  /** 1 on the first attempt, 2 on the first retry, … */
  readonly attempt: number;
  /** Aborted on timeout, cancellation or a failed run: stop work and return. */
  readonly signal: AbortSignal;
  /** The capabilities this node declared, and only those. */
  readonly caps: Caps;
  /** The node's idempotency key resolved against its input, when it declares one. */
  readonly idempotencyKey: string | undefined;
  /** Journaled clock: the same value on replay. */
  now(): number;
  /** Journaled random number in [0, 1): the same value on replay. */
  random(): number;
  /**
   * Pauses the run at a declared checkpoint until someone resumes it; resolves with the
   * resume payload. The run is persisted meanwhile and may resume in another process. With
   * `{ timeoutMs }` it resolves with `{ expired: true, deadline }` if nobody resumed it in
   * time (or fails HALT408 with `onTimeout: "fail"`).
   */
  readonly halt: HaltFunction;
  /**
   * Waits `ms` (journaled: a replay does not wait again). A long sleep suspends the run and
   * frees everything; the host wakes it (a Durable Object alarm, `flows wake`).
   */
  sleep(ms: number): Promise<void>;
  /** Waits until `at` (a Date or epoch ms), like `sleep`. */
  sleepUntil(at: Date | number): Promise<void>;
  /**
   * Waits for an event sent to the run (`POST /runs/:id/events/:name`, a queue message,
   * `kernel.deliver`); resolves with its payload. An event sent before the wait began is kept
   * for it; an event id delivered twice counts once.
   */
  readonly waitFor: WaitForFunction;
  readonly log: Logger;
}

export interface HaltFunction {
  <T = unknown>(checkpoint: string, details?: unknown): Promise<T>;
  <T = unknown>(checkpoint: string, details: unknown, options: DeadlineOptions & { onTimeout: "fail" }): Promise<T>;
  <T = unknown>(checkpoint: string, details: unknown, options: DeadlineOptions): Promise<T | Expired>;
}

export interface WaitForFunction {
  <T = unknown>(event: string, options?: Omit<WaitOptions, "timeoutMs" | "onTimeout">): Promise<T>;
  <T = unknown>(event: string, options: WaitOptions & { timeoutMs: number; onTimeout: "fail" }): Promise<T>;
  <T = unknown>(event: string, options: WaitOptions & { timeoutMs: number }): Promise<T | Expired>;
}

export type NodeResult = unknown;

/** A node implementation: a value, a promise, or an async iterable for streams. */
export type NodeImplementation = (input: unknown, context: NodeContext) => NodeResult | Promise<NodeResult>;

/** Maps each Flow IR `identifier` to its implementation. A plain object: no wiring by side effect. */
export type NodeRegistry = Readonly<Record<string, NodeImplementation>>;

export function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    value !== null &&
    typeof value === "object" &&
    typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === "function"
  );
}
