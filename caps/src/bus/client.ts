import { type BusError, type BusResponse, busError, DEFAULT_MAX_FRAME_BYTES, encodeFrame } from "./frames";

export interface BusClientOptions {
  /** Writes one line to the peer. */
  send(line: string): void;
  /** Calls in flight at once; more wait for a slot. */
  readonly maxInFlight?: number;
  /** How long a call may wait for a slot before failing with BUS429 (busy). */
  readonly queueTimeoutMs?: number;
  /** Default per-call timeout. */
  readonly timeoutMs?: number;
  /** Methods safe to repeat: retried (up to `retries` times) when the answer is retryable. */
  readonly idempotent?: ReadonlySet<string>;
  readonly retries?: number;
  readonly maxFrameBytes?: number;
  readonly newId?: () => string;
}

export interface CallOptions {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export class BusCallError extends Error implements BusError {
  readonly code: string;
  readonly retryable: boolean;
  readonly details?: Readonly<Record<string, unknown>>;
  constructor(error: BusError) {
    super(error.message);
    this.name = "BusCallError";
    this.code = error.code;
    this.retryable = error.retryable;
    if (error.details !== undefined) this.details = error.details;
  }
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: BusError): void;
}

/** The peer's error as a BusError; one without a string code is itself a fault of the peer. */
function peerError(error: unknown): BusError {
  const coded = error as { code?: unknown; message?: unknown; retryable?: unknown; details?: unknown } | null;
  if (coded === null || typeof coded !== "object" || typeof coded.code !== "string") {
    return busError(
      "BUS502",
      `the peer answered with a malformed error: ${(JSON.stringify(error) ?? "undefined").slice(0, 200)}`,
    );
  }
  const failure = busError(
    coded.code,
    typeof coded.message === "string" ? coded.message : coded.code,
    coded.retryable === true,
  );
  const details = coded.details;
  return details !== null && typeof details === "object" && !Array.isArray(details)
    ? { ...failure, details: details as Record<string, unknown> }
    : failure;
}

/**
 * Many calls in flight on one channel, answered in any order and matched by id. Every call
 * ends: with its result, the peer's error, or a code of ours (BUS408 timeout, BUS429 busy,
 * BUS499 cancelled, BUS413 frame too large).
 */
export function createBusClient(options: BusClientOptions) {
  const maxInFlight = options.maxInFlight ?? 64;
  const pending = new Map<string, Pending>();
  const waiting: (() => void)[] = [];
  /** Slots taken: a call holds one from acquiring it until it settles. */
  let active = 0;
  let counter = 0;
  const newId = options.newId ?? (() => `c${++counter}`);

  const acquire = (signal: AbortSignal | undefined): Promise<void> => {
    if (active < maxInFlight && waiting.length === 0) {
      active += 1;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const ready = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      const leave = (error: BusError) => {
        const index = waiting.indexOf(ready);
        if (index !== -1) waiting.splice(index, 1);
        reject(error);
      };
      const onAbort = () => leave(busError("BUS499", "the call was cancelled while waiting for a slot"));
      const timer = setTimeout(
        () => leave(busError("BUS429", `the bus is busy: ${maxInFlight} calls in flight`, true)),
        options.queueTimeoutMs ?? 5_000,
      );
      signal?.addEventListener("abort", onAbort, { once: true });
      waiting.push(ready);
    });
  };
  // A freed slot passes straight to the next waiter, if any.
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else active -= 1;
  };

  const once = async (method: string, params: unknown, call: CallOptions): Promise<unknown> => {
    if (call.signal?.aborted) throw busError("BUS499", "the call was cancelled");
    await acquire(call.signal);
    if (call.signal?.aborted) {
      release();
      throw busError("BUS499", "the call was cancelled");
    }
    const id = newId();
    const encoded = encodeFrame({ id, method, params }, options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES);
    if (!encoded.ok) {
      release();
      throw encoded.error;
    }
    return new Promise<unknown>((resolve, reject) => {
      const settle = () => {
        pending.delete(id);
        clearTimeout(timer);
        call.signal?.removeEventListener("abort", onAbort);
        release();
      };
      const onAbort = () => {
        settle();
        options.send(`${JSON.stringify({ id, cancel: true })}\n`);
        reject(busError("BUS499", `call ${method} was cancelled`));
      };
      const timeoutMs = call.timeoutMs ?? options.timeoutMs ?? 30_000;
      const timer = setTimeout(() => {
        settle();
        options.send(`${JSON.stringify({ id, cancel: true })}\n`);
        reject(busError("BUS408", `call ${method} got no answer within ${timeoutMs} ms`, true));
      }, timeoutMs);
      call.signal?.addEventListener("abort", onAbort, { once: true });
      const entry: Pending = {
        resolve: (value) => {
          settle();
          resolve(value);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      };
      pending.set(id, entry);
      try {
        options.send(encoded.line);
      } catch (error) {
        // A channel that can no longer write (closed, destroyed) fails the call now, not at its timeout.
        entry.reject(busError("BUS503", `the bus channel cannot send: ${String(error)}`, true));
      }
    });
  };

  return {
    async call(method: string, params?: unknown, call: CallOptions = {}): Promise<unknown> {
      const retries = options.idempotent?.has(method) ? (options.retries ?? 2) : 0;
      for (let attempt = 0; ; attempt += 1) {
        try {
          return await once(method, params, call);
        } catch (error) {
          const failure = error as BusError;
          if (attempt >= retries || !failure.retryable || call.signal?.aborted) throw new BusCallError(failure);
        }
      }
    },
    /** Feeds one line from the peer. Answers to unknown ids (late, cancelled) are ignored. */
    receive(line: string): void {
      let frame: BusResponse;
      try {
        frame = JSON.parse(line) as BusResponse;
      } catch {
        return;
      }
      if (frame === null || typeof frame !== "object" || typeof frame.id !== "string") return;
      const entry = pending.get(frame.id);
      if (entry === undefined) return;
      if ("error" in frame) entry.reject(peerError(frame.error));
      else if ("result" in frame) entry.resolve(frame.result);
      else entry.reject(busError("BUS502", "the peer answered with neither a result nor an error"));
    },
    /** Fails every call in flight, e.g. when the channel closes. */
    close(error: BusError = busError("BUS503", "the bus channel closed", true)): void {
      for (const entry of [...pending.values()]) entry.reject(error);
    },
    get inFlight(): number {
      return pending.size;
    },
  };
}

export type BusClient = ReturnType<typeof createBusClient>;
