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
   * resume payload. The run is persisted meanwhile and may resume in another process.
   */
  halt<T = unknown>(checkpoint: string, details?: unknown): Promise<T>;
  readonly log: Logger;
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
