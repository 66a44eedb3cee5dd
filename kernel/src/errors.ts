import { nodeStack, type StackMapper } from "./node-stack";

/**
 * Errors crossing any boundary are data: a stable code, a message a person can act on,
 * details, and whether trying again may help.
 */
export const KERNEL_ERROR_CODES = {
  IMPL001: "a node's identifier has no implementation",
  FLOW404: "no such flow",
  FLOW409: "the run started on another version of its flow document",
  TRIG001: "trigger alias is not a trigger of the flow",
  CAPT001: "capture alias is not a node of the flow",
  NODE500: "a node failed",
  CTRL901: "control surface not implemented by this host",
  TIME015: "time budget exceeded",
  RUN499: "run cancelled",
  RUN404: "no such run",
  RUN409: "run is not in a state that allows this",
  HALT404: "checkpoint is not declared by the flow",
  HALT403: "resume token does not match the halted run",
  HALT408: "a halt or an event wait passed its deadline and the node asked to fail",
  HALT409: "the run waits for an event, not for a resume",
  EVENT400: "an event name or id that cannot be used",
  TIME400: "a duration or a point in time that cannot be used (a sleep, a deadline)",
  VALID400: "flow is not valid",
  IDEM001: "an idempotency key cannot be resolved from the node's input",
  FOREACH400: "for_each source did not produce an array",
  SUBFLOW501: "a subflow halted; halts inside subflows are not supported",
  CAPT002: "the flow has several sinks and no capture was named",
} as const;

export type KernelErrorCode = keyof typeof KERNEL_ERROR_CODES;

export interface FlowError {
  readonly code: KernelErrorCode | (string & {});
  readonly message: string;
  readonly retryable: boolean;
  readonly details: Readonly<Record<string, unknown>>;
}

/** Thrown inside the kernel only; everything leaving it is a plain FlowError. */
export class KernelError extends Error implements FlowError {
  readonly code: FlowError["code"];
  readonly retryable: boolean;
  readonly details: Readonly<Record<string, unknown>>;
  constructor(code: FlowError["code"], message: string, details: Record<string, unknown> = {}, retryable = false) {
    super(message);
    this.name = "KernelError";
    this.code = code;
    this.retryable = retryable;
    this.details = details;
  }
  toJSON(): FlowError {
    return { code: this.code, message: this.message, retryable: this.retryable, details: this.details };
  }
}

/**
 * Turns anything a node threw into a FlowError, keeping codes that nodes set deliberately. A
 * bug's error (no code of its own: NODE500) thrown by a node carries the node's stack in
 * `details.stack`, through `mapStack` when the host can map it to the sources.
 */
export function toFlowError(error: unknown, node?: string, mapStack?: StackMapper): FlowError {
  if (error instanceof KernelError) {
    const details = node === undefined || "node" in error.details ? error.details : { ...error.details, node };
    return { code: error.code, message: error.message, retryable: error.retryable, details };
  }
  const base = node === undefined ? {} : { node };
  if (error instanceof Error) {
    const coded = error as Error & { code?: unknown; retryable?: unknown };
    const code = typeof coded.code === "string" ? coded.code : "NODE500";
    const stack = code === "NODE500" && node !== undefined ? nodeStack(error, mapStack) : undefined;
    return {
      code,
      message: error.message,
      retryable: coded.retryable === true,
      details: stack === undefined ? base : { ...base, stack },
    };
  }
  return { code: "NODE500", message: String(error), retryable: false, details: base };
}
