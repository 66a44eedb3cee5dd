import {
  type BusError,
  type BusResponse,
  busError,
  DEFAULT_MAX_FRAME_BYTES,
  encodeFrame,
  utf8Length,
  withDetails,
} from "./frames";
import { type MessageLimits, messageLimitOf, overLimit } from "./limits";
import { type BusStaging, createBusStaging } from "./staging";

/** Capability name → operation name → implementation (usually a provider bound to the API). */
export type BusHandlers = Readonly<Record<string, Readonly<Record<string, (params: unknown) => unknown>>>>;

export interface BusDispatcherOptions {
  readonly handlers: BusHandlers;
  /** The capabilities the running flow declared: nothing else is served. */
  readonly allowed: ReadonlySet<string>;
  readonly maxFrameBytes?: number;
  /** Messages larger than a frame each method may carry (the platform's limits); others get BUS413. */
  readonly messageLimits?: MessageLimits;
  /**
   * Where messages too large for a frame are held while their parts travel. Over HTTP each POST
   * gets its own dispatcher, so the host passes one table per container; by default, one of its own.
   */
  readonly staging?: BusStaging;
}

/**
 * The handler for "capability.operation", own properties only: "kv.constructor" or
 * "kv.get.extra" name nothing, whatever the handler objects inherit.
 */
function lookup(handlers: BusHandlers, method: string): ((params: unknown) => unknown) | undefined {
  const dot = method.indexOf(".");
  if (dot <= 0 || method.indexOf(".", dot + 1) !== -1) return undefined;
  const capability = method.slice(0, dot);
  const operations = Object.hasOwn(handlers, capability) ? handlers[capability] : undefined;
  if (operations === undefined) return undefined;
  const operation = method.slice(dot + 1);
  const handler = Object.hasOwn(operations, operation) ? operations[operation] : undefined;
  return typeof handler === "function" ? handler : undefined;
}

function reply(response: BusResponse, maxFrameBytes: number): string {
  const encoded = encodeFrame(response, maxFrameBytes);
  if (encoded.ok) return encoded.line;
  return `${JSON.stringify({ id: response.id, error: encoded.error })}\n`;
}

/** A handler's failure as an answer: its own `{ code, message, retryable, details }` when it has one. */
function failureReply(id: string, error: unknown, max: number): string {
  const coded = (error ?? {}) as { code?: unknown; message?: unknown; retryable?: unknown; details?: unknown };
  const failure = busError(
    typeof coded.code === "string" ? coded.code : "BUS500",
    typeof coded.message === "string" ? coded.message : String(error),
    coded.retryable === true,
  );
  return reply({ id, error: withDetails(failure, coded.details) }, max);
}

/** A line to answer, or undefined when it needs none; a promise only when the handler's answer is one. */
export type BusAnswer = string | undefined | Promise<string | undefined>;

/** What the transports (`serveBusOverHttp`, `serveBusOnStreams`) need from `createBusDispatcher`. */
export interface LineDispatcher {
  /** The answer line, at once when it can be; a promise only when the handler's answer is one. */
  respond(line: string): BusAnswer;
}

/**
 * The Worker side of the bus: one request line in, one response line out. Malformed frames,
 * unknown methods, undeclared capabilities and duplicate ids get coded errors; a handler that
 * throws answers with its own `{ code, message, retryable }` when it has one.
 */
export function createBusDispatcher(options: BusDispatcherOptions) {
  const max = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  const limits = options.messageLimits ?? {};
  const staging = options.staging ?? createBusStaging();
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();

  /**
   * The answer to a call of `method`: one line when it fits a frame, otherwise staged for the
   * client to read in parts when the method's limit allows it, otherwise BUS413 naming the limit.
   */
  const resultReply = (id: string, method: string, value: unknown): string => {
    let json: string;
    try {
      json = JSON.stringify(value ?? null);
    } catch (error) {
      // A BigInt, a cycle or a throwing toJSON in a result: the caller answers with a code instead.
      return reply({ id, error: busError("BUS500", `the result cannot be encoded as JSON: ${String(error)}`) }, max);
    }
    // Measured before the line is built: a result that will be staged is never copied into one.
    const room = max - id.length * 6 - 32;
    if (json.length * 3 <= room || (json.length <= room && utf8Length(json) <= room)) {
      return `{"id":${JSON.stringify(id)},"result":${json}}\n`;
    }
    const bytes = encoder.encode(json);
    const limit = messageLimitOf(limits, method, max);
    if (bytes.byteLength > limit.bytes) {
      return reply({ id, error: overLimit(method, bytes.byteLength, limit, "result") }, max);
    }
    try {
      return reply({ id, staged: staging.offer(bytes) }, max);
    } catch (error) {
      return failureReply(id, error, max);
    }
  };

  /** Why a message of `bytes` for `method` may not be staged here, if it may not. */
  const stageRefusal = (method: string, bytes: number): BusError | undefined => {
    if (lookup(options.handlers, method) === undefined) return busError("BUS404", `unknown method "${method}"`);
    const capability = method.slice(0, method.indexOf("."));
    if (!options.allowed.has(capability)) {
      return busError("CAP403", `capability "${capability}" is not declared by the running flow`);
    }
    const limit = messageLimitOf(limits, method, max);
    return bytes > limit.bytes ? overLimit(method, bytes, limit, "params") : undefined;
  };

  /** The staging protocol's own calls, served for every flow: each checks the method it carries. */
  const STAGING: Readonly<Record<string, (params: unknown) => unknown>> = {
    "bus.stage": (params) => staging.part(params, stageRefusal),
    "bus.unstage": (params) => staging.read(params),
    "bus.drop": (params) => staging.drop(params),
  };
  /** Calls whose handler has not answered yet: only asynchronous ones can be. */
  const inFlight = new Set<string>();

  /** Waits for a handler's promise (or workerd RPC thenable, which is not a Promise). */
  const settleLater = async (id: string, method: string, value: PromiseLike<unknown>): Promise<string> => {
    inFlight.add(id);
    try {
      return resultReply(id, method, await value);
    } catch (error) {
      return failureReply(id, error, max);
    } finally {
      inFlight.delete(id);
    }
  };

  /**
   * The answer to one line, synchronously when the handler answers at once (memory, echo): no
   * promise and no turn of the microtask queue between a request and its reply.
   */
  const respond = (line: string): BusAnswer => {
    let frame: unknown;
    try {
      frame = JSON.parse(line);
    } catch {
      return reply({ id: null, error: busError("BUS400", "the frame is not valid JSON") }, max);
    }
    const request = frame as { id?: unknown; method?: unknown; params?: unknown; cancel?: unknown };
    if (frame === null || typeof frame !== "object" || typeof request.id !== "string") {
      return reply({ id: null, error: busError("BUS400", 'a frame needs a string "id"') }, max);
    }
    const id = request.id;
    // Cancellation of a call already answered or unknown needs no reply.
    if (request.cancel === true) return undefined;
    if (typeof request.method !== "string") {
      return reply({ id, error: busError("BUS400", 'a request needs a string "method" like "kv.get"') }, max);
    }
    const method = request.method;
    const control = Object.hasOwn(STAGING, method) ? STAGING[method] : undefined;
    if (control !== undefined) {
      try {
        return reply({ id, result: control(request.params) }, max);
      } catch (error) {
        return failureReply(id, error, max);
      }
    }
    const handler = lookup(options.handlers, request.method);
    if (handler === undefined) {
      return reply({ id, error: busError("BUS404", `unknown method "${request.method}"`) }, max);
    }
    const capability = request.method.slice(0, request.method.indexOf("."));
    if (!options.allowed.has(capability)) {
      return reply(
        { id, error: busError("CAP403", `capability "${capability}" is not declared by the running flow`) },
        max,
      );
    }
    if (inFlight.has(id)) {
      return reply({ id, error: busError("BUS409", `a call with id "${id}" is already in flight`) }, max);
    }
    let value: unknown;
    try {
      // Params too large for a frame were staged in parts first; the call names them.
      const params =
        (frame as { staged?: unknown }).staged === undefined
          ? request.params
          : JSON.parse(decoder.decode(staging.take((frame as { staged?: unknown }).staged, method)));
      value = handler(params);
    } catch (error) {
      return failureReply(id, error, max);
    }
    if (typeof (value as { then?: unknown } | null)?.then === "function") {
      return settleLater(id, method, value as PromiseLike<unknown>);
    }
    return resultReply(id, method, value);
  };

  return {
    /** Calls being served now. */
    get inFlight(): number {
      return inFlight.size;
    },
    respond,
    /** `respond`, always as a promise. */
    async handle(line: string): Promise<string | undefined> {
      return respond(line);
    },
  };
}
