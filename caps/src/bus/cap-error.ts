import { CAP_ERROR_CODES, CapError, type CapErrorCode } from "../errors";

const isCapCode = (code: unknown): code is CapErrorCode => typeof code === "string" && code in CAP_ERROR_CODES;

/**
 * What a bus call failed with, as the CapError a capability API throws: the Worker's CAP codes
 * come back unchanged (with their details), and the bus's own failures become CAP413 (frame too
 * large), CAP503 (timeout, busy, channel closed: retryable) or CAP500, naming the bus code.
 */
export function capErrorFromBus(error: unknown, operation: string): CapError {
  if (error instanceof CapError) return error;
  const failure = (error ?? {}) as { code?: unknown; message?: unknown; details?: unknown; retryable?: unknown };
  const message = typeof failure.message === "string" ? failure.message : String(error);
  const details =
    failure.details !== null && typeof failure.details === "object" ? (failure.details as Record<string, unknown>) : {};
  if (isCapCode(failure.code)) return new CapError(failure.code, message, details, failure.retryable === true);
  const bus = typeof failure.code === "string" ? failure.code : "BUS500";
  const retryable = failure.retryable === true;
  const code: CapErrorCode = bus === "BUS413" ? "CAP413" : retryable ? "CAP503" : "CAP500";
  return new CapError(code, `${operation} over the host command bus: ${message}`, { ...details, bus }, retryable);
}

/** A bus caller whose failures are the CapErrors a capability API throws (`capErrorFromBus`). */
export function capCaller(bus: { call(method: string, params?: unknown): Promise<unknown> }) {
  return {
    call: (method: string, params?: unknown): Promise<unknown> =>
      bus.call(method, params).catch((error: unknown) => {
        throw capErrorFromBus(error, method);
      }),
  };
}
