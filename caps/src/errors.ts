/**
 * Errors crossing a capability boundary are data: a stable code, a message a person can act
 * on, details, and whether trying again may help. The kernel reads `code` and `retryable`
 * off any thrown Error, so a CapError needs no translation on its way out of a node.
 */
export const CAP_ERROR_CODES = {
  CAP101: "a required capability has no provider bound",
  CAP400: "an argument is invalid: a key, name, size or option a provider would refuse",
  CAP403: "the node did not declare the hint this operation needs",
  CAP404: "the thing the operation refers to does not exist",
  CAP409: "a concurrent writer kept winning; the update gave up",
  CAP413: "a value, metadata or message is larger than the platform allows",
  CAP416: "the requested range is not satisfiable",
  CAP422: "a stored record is damaged (empty or cut short); it is not read as missing",
  CAP500: "the provider failed",
  CAP503: "the provider is unreachable or busy; trying again may help",
  DAG203: "a capability needs a binding or secret that is not available",
} as const;

export type CapErrorCode = keyof typeof CAP_ERROR_CODES;

export interface CapErrorData {
  readonly code: CapErrorCode;
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>>;
  readonly retryable: boolean;
}

export class CapError extends Error implements CapErrorData {
  readonly code: CapErrorCode;
  readonly details: Readonly<Record<string, unknown>>;
  readonly retryable: boolean;
  constructor(code: CapErrorCode, message: string, details: Record<string, unknown> = {}, retryable = false) {
    super(message);
    this.name = "CapError";
    this.code = code;
    this.details = details;
    this.retryable = retryable;
  }
  toJSON(): CapErrorData {
    return { code: this.code, message: this.message, details: this.details, retryable: this.retryable };
  }
}

export function isCapError(error: unknown): error is CapError {
  return error instanceof CapError;
}

// Messages that real bindings and OpenDAL use for failures that a later attempt may not meet.
const TRANSIENT =
  /\(temporary\)|network|timed? ?out|timeout|connection|ECONNREFUSED|ECONNRESET|overloaded|internal error|\b5\d\d\b|try again/i;

/**
 * Wraps whatever a provider threw. Codes set deliberately pass through; anything else becomes
 * CAP503 when the message reads as transient and CAP500 otherwise.
 */
export function toCapError(error: unknown, operation: string, details: Record<string, unknown> = {}): CapError {
  if (error instanceof CapError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const transient = TRANSIENT.test(message);
  return new CapError(
    transient ? "CAP503" : "CAP500",
    `${operation} failed: ${message}`,
    { ...details, operation, cause: message },
    transient,
  );
}
