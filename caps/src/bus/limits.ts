import { DEFAULT_MAX_FRAME_BYTES } from "./frames";

/**
 * The largest message a bus method may carry, as params one way or a result the other: what the
 * platform behind the method would accept, so the bus never refuses a value the platform takes.
 * `limit` says which platform limit it is, for the BUS413 message.
 */
export interface MessageLimit {
  readonly bytes: number;
  readonly limit: string;
}

/** By method ("kv.put") or by capability ("do.*"); the exact method wins. */
export type MessageLimits = Readonly<Record<string, MessageLimit>>;

const MIB = 1024 * 1024;

/** Bytes travel as base64 in JSON: 4/3 of the value, plus room for a key, metadata and the JSON around. */
export const encodedLimit = (valueBytes: number, overhead = 64 * 1024): number =>
  Math.ceil(valueBytes / 3) * 4 + overhead;

/**
 * A journal append and read travel from the Worker's bus handler to the run's Durable Object as
 * one Workers RPC call each, whose arguments and result are at most 32 MiB serialized.
 */
export const JOURNAL_MESSAGE_LIMITS: MessageLimits = {
  "journal.append": { bytes: 32 * MIB, limit: "a Workers RPC call to the run's Durable Object (32 MiB)" },
  "journal.read": { bytes: 32 * MIB, limit: "a Workers RPC result from the run's Durable Object (32 MiB)" },
};

/** The limit of `method`, or the frame cap when no larger message was declared for it. */
export function messageLimitOf(
  limits: MessageLimits,
  method: string,
  maxFrameBytes = DEFAULT_MAX_FRAME_BYTES,
): MessageLimit {
  const dot = method.indexOf(".");
  const declared =
    (Object.hasOwn(limits, method) ? limits[method] : undefined) ??
    (dot > 0 && Object.hasOwn(limits, `${method.slice(0, dot)}.*`) ? limits[`${method.slice(0, dot)}.*`] : undefined);
  return (
    declared ?? {
      bytes: maxFrameBytes,
      limit: `the bus frame cap (${maxFrameBytes} bytes): ${method} declares no larger messages`,
    }
  );
}

/** The BUS413 failure of a message over its method's limit, naming the limit. */
export function overLimit(method: string, bytes: number, limit: MessageLimit, what: "params" | "result") {
  return {
    code: "BUS413",
    message: `${method} ${what === "params" ? "carries" : "answers with"} ${bytes} bytes; the limit is ${limit.bytes} bytes: ${limit.limit}`,
    retryable: false,
    details: { method, bytes, limit: limit.bytes, limit_name: limit.limit },
  };
}
