/** Host command bus frames: one JSON object per line, UTF-8 (DESIGN §6). */
export interface BusRequest {
  readonly id: string;
  readonly method: string;
  readonly params?: unknown;
}

export interface BusError {
  readonly code: string;
  readonly message: string;
  readonly retryable: boolean;
  /** What the handler's error carried (a CapError's key, limits, ...), when anything. */
  readonly details?: Readonly<Record<string, unknown>>;
}

export type BusResponse =
  | { readonly id: string | null; readonly result: unknown }
  | { readonly id: string | null; readonly error: BusError }
  /** A result too large for a frame, held by the serving side for the client to read in parts. */
  | { readonly id: string | null; readonly staged: { stage: string; bytes: number; part_bytes: number } };

/** Sent by a client that no longer wants the answer to `id`. */
export interface BusCancel {
  readonly id: string;
  readonly cancel: true;
}

export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;

const native = (globalThis as { Buffer?: { byteLength(text: string, encoding: "utf8"): number } }).Buffer;
const encoder = new TextEncoder();
/** A string's UTF-8 size: counted natively where the runtime can (Node, workerd), else encoded. */
export const utf8Length = (text: string): number =>
  native === undefined ? encoder.encode(text).length : native.byteLength(text, "utf8");

/** One frame as a line, or an error when it would be larger than the peer accepts. */
export function encodeFrame(
  frame: BusRequest | BusResponse | BusCancel,
  maxBytes = DEFAULT_MAX_FRAME_BYTES,
): { ok: true; line: string } | { ok: false; error: BusError } {
  let json: string | undefined;
  try {
    json = JSON.stringify(frame);
  } catch (error) {
    // A BigInt, a cycle or a throwing toJSON in a result: the caller answers with a code instead.
    return {
      ok: false,
      error: busError(
        "BUS500",
        `the frame cannot be encoded as JSON: ${error instanceof Error ? error.message : String(error)}`,
      ),
    };
  }
  const line = `${json}\n`;
  // Cheap first: a string of n UTF-16 units is n to 3n bytes; count only in between.
  if (line.length * 3 > maxBytes && (line.length > maxBytes || utf8Length(line) > maxBytes)) {
    return {
      ok: false,
      error: {
        code: "BUS413",
        message: `frame of ${utf8Length(line)} bytes exceeds the ${maxBytes}-byte limit: stream large bodies outside the frame`,
        retryable: false,
      },
    };
  }
  return { ok: true, line };
}

export function busError(code: string, message: string, retryable = false): BusError {
  return { code, message, retryable };
}

/** `failure` with the details an error carried, when they are a plain object (anything else is dropped). */
export function withDetails(failure: BusError, details: unknown): BusError {
  return details !== null && typeof details === "object" && !Array.isArray(details)
    ? { ...failure, details: details as Record<string, unknown> }
    : failure;
}
