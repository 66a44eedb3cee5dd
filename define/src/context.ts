import type { NodeContext } from "@flows/kernel";
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
const PASSED_THROUGH = ["node", "run", "attempt", "signal", "caps", "idempotencyKey", "now", "random", "log"] as const;

export function toFlowContext(ctx: NodeContext): FlowContext<readonly AnyUse[], Record<string, Checkpoint>> {
  const adapted = {
    halt: async (checkpoint: Checkpoint, details?: unknown) => {
      const payload = await ctx.halt(checkpoint.id, details);
      const schema = checkpoint.resumeSchema;
      if (schema === undefined) return payload as never;
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
