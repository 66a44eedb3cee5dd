import { KernelError } from "./errors";
import { HaltSignal } from "./halt";
import type { EffectScope } from "./host";
import type { NodeContext } from "./nodes";
import type { NodePlan } from "./plan";
import type { RunContext } from "./run-context";
import { resumeKey } from "./run-state";

/**
 * Journaled clock and random for one node: values recorded by an earlier execution of the
 * same run come back in the same order, new ones are journaled before the node completes.
 */
export function createDeterministicSource(run: RunContext, alias: string) {
  const recorded = run.replay.values.get(alias) ?? [];
  let seq = 0;
  const next = (fresh: () => number): number => {
    const position = seq;
    seq += 1;
    const known = recorded[position];
    if (known !== undefined) return known;
    const value = fresh();
    // Not awaited (now() is synchronous); a failed append fails the next awaited one instead.
    run.record([{ type: "value", node: alias, seq: position, value }]).catch(() => {});
    return value;
  };
  return { now: () => next(() => run.host.clock.now()), random: () => next(Math.random) };
}

export function createNodeContext(
  run: RunContext,
  plan: NodePlan,
  options: {
    attempt: number;
    signal: AbortSignal;
    idempotencyKey: string | undefined;
    /** Set for an exactly-once execution: capability writes are recorded under this key. */
    effects: EffectScope | undefined;
    source: ReturnType<typeof createDeterministicSource>;
  },
): NodeContext {
  const alias = plan.alias;
  return {
    node: alias,
    run: run.metadata,
    attempt: options.attempt,
    signal: options.signal,
    caps: run.host.capabilities?.(plan.node, options.effects) ?? {},
    idempotencyKey: options.idempotencyKey,
    now: options.source.now,
    random: options.source.random,
    halt: async <T>(checkpoint: string, details?: unknown): Promise<T> => {
      if (!run.plan.checkpoints.has(checkpoint)) {
        throw new KernelError(
          "HALT404",
          `node "${alias}" halted at checkpoint "${checkpoint}", which the flow does not declare: add it to "checkpoints"`,
          { node: alias, checkpoint },
        );
      }
      const key = resumeKey(alias, checkpoint);
      if (run.replay.resumes.has(key)) return run.replay.resumes.get(key) as T;
      throw new HaltSignal(checkpoint, details ?? null);
    },
    log: (record) => run.host.logger({ ...record, run_id: run.runId, flow_id: run.flow.id, node: alias }),
  };
}
