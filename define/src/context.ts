import { type DeadlineOptions, type Expired, isExpired, type NodeContext } from "@flows/kernel";
import * as v from "valibot";
import type { Checkpoint, DetailsOf, ResumeOf } from "./checkpoint";
import type { AnyUse, CapsOf } from "./use";

/**
 * What a defined node's implementation receives: the kernel's context with `caps` narrowed to
 * the operations the node declared, and `halt` taking one of its flow's checkpoints.
 */
export type FlowContext<U extends readonly AnyUse[], Cps> = Omit<NodeContext, "caps" | "halt"> & {
  readonly caps: CapsOf<U>;
  halt<C extends Cps[keyof Cps] & Checkpoint>(checkpoint: C, details?: DetailsOf<C>): Promise<ResumeOf<C>>;
  /** With a deadline: the resume payload, or `{ expired: true, deadline }` (HALT408 with `onTimeout: "fail"`). */
  halt<C extends Cps[keyof Cps] & Checkpoint>(
    checkpoint: C,
    details: DetailsOf<C> | undefined,
    options: DeadlineOptions & { onTimeout: "fail" },
  ): Promise<ResumeOf<C>>;
  halt<C extends Cps[keyof Cps] & Checkpoint>(
    checkpoint: C,
    details: DetailsOf<C> | undefined,
    options: DeadlineOptions,
  ): Promise<ResumeOf<C> | Expired>;
};

/** A coded error a node throws when a resume payload does not match its checkpoint's schema. */
class ResumeError extends Error {
  readonly code = "HALT422";
  readonly retryable = false;
}

/**
 * Adapts the kernel's context: checkpoint values become ids, resume payloads are checked. The
 * kernel makes a context's parts on first use (its signal, its capabilities), so they are read
 * through, not copied.
 */
/** The parts of the kernel's context a defined node sees as they are. */
const PASSED_THROUGH = [
  "node",
  "run",
  "attempt",
  "signal",
  "caps",
  "idempotencyKey",
  "now",
  "random",
  "log",
  "sleep",
  "sleepUntil",
  "waitFor",
] as const;

export function toFlowContext(ctx: NodeContext): FlowContext<readonly AnyUse[], Record<string, Checkpoint>> {
  const adapted = {
    halt: async (checkpoint: Checkpoint, details?: unknown, options?: DeadlineOptions) => {
      const payload =
        options === undefined
          ? await ctx.halt(checkpoint.id, details)
          : await ctx.halt(checkpoint.id, details, options);
      const schema = checkpoint.resumeSchema;
      if (schema === undefined || (options !== undefined && isExpired(payload))) return payload as never;
      const parsed = v.safeParse(schema, payload);
      if (parsed.success) return parsed.output as never;
      throw new ResumeError(
        `the resume payload for checkpoint "${checkpoint.id}" does not match its schema: ${parsed.issues.map((i) => i.message).join("; ")}`,
      );
    },
  };
  for (const part of PASSED_THROUGH) {
    Object.defineProperty(adapted, part, { get: () => ctx[part], enumerable: true });
  }
  return adapted as unknown as FlowContext<readonly AnyUse[], Record<string, Checkpoint>>;
}
