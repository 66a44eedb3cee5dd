import { type RetryBackoff, retryDelayMs, sleep } from "./backoff";
import { type BusError, type BusResponse, busError, DEFAULT_MAX_FRAME_BYTES, utf8Length, withDetails } from "./frames";
import { type MessageLimits, messageLimitOf, overLimit } from "./limits";
import { downloadStaged, type PartCall, stagedRefOf, uploadStaged } from "./staged-transfer";

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
  /** The wait between retries: exponential with jitter, bounded (see `retryDelayMs`). */
  readonly backoff?: RetryBackoff;
  /** The jitter's source, in [0, 1) (Math.random by default; tests pass their own). */
  readonly random?: () => number;
  /** How a retry waits (a timer by default; tests pass one that records and returns at once). */
  readonly sleep?: (ms: number, signal: AbortSignal | undefined) => Promise<void>;
  readonly maxFrameBytes?: number;
  /**
   * Messages larger than a frame that a method may carry (the platform's own limits): such params
   * travel in parts (`bus.stage`), and such results are read in parts (`bus.unstage`).
   */
  readonly messageLimits?: MessageLimits;
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

/** A call on the wire, until its answer, its deadline or its abort settles it. */
interface Pending {
  readonly method: string;
  readonly deadline: number;
  readonly timeoutMs: number;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: BusCallError) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: (() => void) | undefined;
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
  return withDetails(
    busError(coded.code, typeof coded.message === "string" ? coded.message : coded.code, coded.retryable === true),
    coded.details,
  );
}

/** What a call failed with; anything without a code (a bug, not the peer) is BUS500. */
function asBusError(error: unknown): BusError {
  const coded = error as Partial<BusError> | null;
  if (coded !== null && typeof coded === "object" && typeof coded.code === "string") return coded as BusError;
  return busError("BUS500", `the call failed: ${String(error)}`);
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

  const acquire = (signal: AbortSignal | undefined): Promise<void> =>
    new Promise((resolve, reject) => {
      const ready = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      const leave = (error: BusError) => {
        const index = waiting.indexOf(ready);
        if (index !== -1) waiting.splice(index, 1);
        reject(new BusCallError(error));
      };
      const onAbort = () => leave(busError("BUS499", "the call was cancelled while waiting for a slot"));
      const timer = setTimeout(
        () => leave(busError("BUS429", `the bus is busy: ${maxInFlight} calls in flight`, true)),
        options.queueTimeoutMs ?? 5_000,
      );
      signal?.addEventListener("abort", onAbort, { once: true });
      waiting.push(ready);
    });
  // A freed slot passes straight to the next waiter, if any.
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else active -= 1;
  };

  // One timer for every deadline, armed for the earliest: a timer per call would be set and
  // cleared again on nearly every call, for the rare one that times out.
  let timer: ReturnType<typeof setTimeout> | undefined;
  let armedFor = Number.POSITIVE_INFINITY;
  const arm = (deadline: number) => {
    if (deadline >= armedFor) return;
    if (timer !== undefined) clearTimeout(timer);
    armedFor = deadline;
    timer = setTimeout(sweep, Math.max(0, deadline - Date.now()));
  };
  /** Nothing in flight: nothing may keep the process alive for a deadline. */
  const disarm = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    armedFor = Number.POSITIVE_INFINITY;
  };
  const sweep = () => {
    timer = undefined;
    armedFor = Number.POSITIVE_INFINITY;
    const now = Date.now();
    let next = Number.POSITIVE_INFINITY;
    for (const [id, entry] of pending) {
      if (entry.deadline <= now) {
        settle(id, entry);
        sendCancel(id);
        entry.reject(
          new BusCallError(busError("BUS408", `call ${entry.method} got no answer within ${entry.timeoutMs} ms`, true)),
        );
      } else if (entry.deadline < next) next = entry.deadline;
    }
    if (next !== Number.POSITIVE_INFINITY) arm(next);
  };

  const settle = (id: string, entry: Pending) => {
    pending.delete(id);
    if (entry.onAbort !== undefined) entry.signal?.removeEventListener("abort", entry.onAbort);
    if (pending.size === 0) disarm();
    release();
  };

  const maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  /** Cancels travel best-effort: a channel that cannot write has no call left to cancel. */
  const sendCancel = (id: string) => {
    try {
      options.send(`{"id":${JSON.stringify(id)},"cancel":true}\n`);
    } catch {}
  };

  /**
   * One call on the wire: its entry settles it exactly once, by answer, deadline or abort. `tail`
   * is the frame after its method, already encoded (`,"params":…` or `,"staged":"…"`).
   */
  const start = (method: string, tail: string, call: CallOptions): Promise<unknown> => {
    const id = newId();
    const line = `{"id":${JSON.stringify(id)},"method":${JSON.stringify(method)}${tail}}\n`;
    const timeoutMs = call.timeoutMs ?? options.timeoutMs ?? 30_000;
    const signal = call.signal;
    return new Promise<unknown>((resolve, reject) => {
      const onAbort =
        signal === undefined
          ? undefined
          : () => {
              settle(id, entry);
              sendCancel(id);
              reject(new BusCallError(busError("BUS499", `call ${method} was cancelled`)));
            };
      const entry: Pending = { method, deadline: Date.now() + timeoutMs, timeoutMs, resolve, reject, signal, onAbort };
      pending.set(id, entry);
      arm(entry.deadline);
      if (onAbort !== undefined) signal?.addEventListener("abort", onAbort, { once: true });
      try {
        options.send(line);
      } catch (error) {
        // A channel that can no longer write (closed, destroyed) fails the call now, not at its timeout.
        settle(id, entry);
        reject(new BusCallError(busError("BUS503", `the bus channel cannot send: ${String(error)}`, true)));
      }
    });
  };

  const cancelled = () => Promise.reject(new BusCallError(busError("BUS499", "the call was cancelled")));
  const once = (method: string, tail: string, call: CallOptions): Promise<unknown> => {
    if (call.signal?.aborted) return cancelled();
    // A free slot is taken at once: no promise, no turn of the microtask queue.
    if (active < maxInFlight && waiting.length === 0) {
      active += 1;
      return start(method, tail, call);
    }
    return acquire(call.signal).then(() => {
      if (!call.signal?.aborted) return start(method, tail, call);
      release();
      return cancelled();
    });
  };

  const limits = options.messageLimits ?? {};
  /**
   * Calls of the staging protocol, each a small call of its own under the caller's signal; but
   * `bus.drop` goes out even after that signal aborted: it is how the other side lets go.
   */
  const control =
    (call: CallOptions): PartCall =>
    (method, params) =>
      once(method, `,"params":${JSON.stringify(params)}`, method === "bus.drop" ? {} : call);

  /**
   * A call whose params fit a frame goes as one line; larger params within the method's limit
   * travel in parts first, then the call names them; beyond the limit it fails with BUS413
   * naming the limit, before anything is sent.
   */
  const send = (method: string, params: unknown, call: CallOptions): Promise<unknown> => {
    let json: string | undefined;
    try {
      json = params === undefined ? undefined : JSON.stringify(params);
    } catch (error) {
      // A BigInt, a cycle or a throwing toJSON: the caller gets a code instead.
      return Promise.reject(
        new BusCallError(busError("BUS500", `the params of ${method} cannot be encoded as JSON: ${String(error)}`)),
      );
    }
    if (json === undefined) return once(method, "", call);
    // Cheap first: n UTF-16 units are at most 3n bytes; count only when that could pass the cap.
    const room = maxFrameBytes - method.length * 3 - 64;
    if (json.length * 3 <= room || (json.length <= room && utf8Length(json) <= room)) {
      return once(method, `,"params":${json}`, call);
    }
    const bytes = encoder.encode(json);
    json = undefined;
    const limit = messageLimitOf(limits, method, maxFrameBytes);
    if (bytes.byteLength > limit.bytes) {
      return Promise.reject(new BusCallError(overLimit(method, bytes.byteLength, limit, "params")));
    }
    const stage = crypto.randomUUID();
    return uploadStaged(control(call), stage, method, bytes).then(() =>
      once(method, `,"staged":${JSON.stringify(stage)}`, call),
    );
  };

  const wait = options.sleep ?? sleep;
  const random = options.random ?? Math.random;

  /**
   * A result too large for a frame, read in parts after the call's own slot was freed (its parts
   * need slots of their own), under the call's signal and timeout.
   */
  const readStaged = (entry: Pending, staged: unknown) => {
    const ref = stagedRefOf(staged);
    if (ref === undefined) {
      entry.reject(
        new BusCallError(busError("BUS502", `the peer answered ${entry.method} with a malformed staged result`)),
      );
      return;
    }
    const call: CallOptions = {
      timeoutMs: entry.timeoutMs,
      ...(entry.signal === undefined ? {} : { signal: entry.signal }),
    };
    downloadStaged(control(call), ref).then(
      (bytes) => {
        let value: unknown;
        try {
          value = JSON.parse(decoder.decode(bytes));
        } catch {
          entry.reject(new BusCallError(busError("BUS502", `the staged result of ${entry.method} is not JSON`)));
          return;
        }
        entry.resolve(value);
      },
      (error: unknown) => entry.reject(new BusCallError(asBusError(error))),
    );
  };

  /** Settles the call `id` with the peer's answer, if it is still waiting for one. */
  const answer = (frame: BusResponse) => {
    const id = frame.id;
    if (typeof id !== "string") return;
    const entry = pending.get(id);
    if (entry === undefined) return;
    settle(id, entry);
    if ("error" in frame) entry.reject(new BusCallError(peerError(frame.error)));
    else if ("result" in frame) entry.resolve(frame.result);
    else if ("staged" in frame) readStaged(entry, frame.staged);
    else entry.reject(new BusCallError(busError("BUS502", "the peer answered with neither a result nor an error")));
  };

  return {
    call(method: string, params?: unknown, call: CallOptions = {}): Promise<unknown> {
      const retries = options.idempotent?.has(method) ? (options.retries ?? 2) : 0;
      if (retries === 0) return send(method, params, call);
      return (async () => {
        for (let attempt = 0; ; attempt += 1) {
          try {
            return await send(method, params, call);
          } catch (error) {
            const failure = asBusError(error);
            if (attempt >= retries || !failure.retryable || call.signal?.aborted) throw new BusCallError(failure);
            try {
              await wait(retryDelayMs(attempt, random, options.backoff), call.signal);
            } catch {
              throw new BusCallError(busError("BUS499", `call ${method} was cancelled while waiting to retry`));
            }
          }
        }
      })();
    },
    /** Feeds one line from the peer. Answers to unknown ids (late, cancelled) are ignored. */
    receive(line: string): void {
      let frame: unknown;
      try {
        frame = JSON.parse(line);
      } catch {
        return;
      }
      if (frame !== null && typeof frame === "object") answer(frame as BusResponse);
    },
    /** Fails every call in flight, e.g. when the channel closes. */
    close(error: BusError = busError("BUS503", "the bus channel closed", true)): void {
      for (const [id, entry] of [...pending]) {
        settle(id, entry);
        entry.reject(new BusCallError(error));
      }
    },
    get inFlight(): number {
      return pending.size;
    },
  };
}

export type BusClient = ReturnType<typeof createBusClient>;
