import { backoffDelay } from "./backoff";
import { withBudget } from "./budget";
import { type FlowError, KernelError, toFlowError } from "./errors";
import { HaltSignal, SuspendSignal } from "./halt";
import type { EffectScope } from "./host";
import { resolveIdempotencyKey } from "./idempotency";
import { createDeterministicSource, createNodeContext } from "./node-context";
import { isAsyncIterable } from "./nodes";
import type { NodePlan } from "./plan";
import { select } from "./pointer";
import { createRateLimiter } from "./rate-limiter";
import { keepReserved, reservationLease } from "./reservation-lease";
import type { RunContext } from "./run-context";
import { retryKey } from "./run-state";

export type NodeOutcome =
  | {
      readonly kind: "completed";
      readonly output: unknown;
      readonly attempts: number;
      readonly streamed?: boolean;
      readonly error?: FlowError;
    }
  | { readonly kind: "failed"; readonly error: FlowError; readonly attempts: number }
  | { readonly kind: "halted"; readonly checkpoint: string; readonly details: unknown }
  | { readonly kind: "suspended"; readonly wakeAt: number };

/** Shared by every attempt (and every for_each item) of one node execution. */
interface Execution {
  readonly source: ReturnType<typeof createDeterministicSource>;
  attempts: number;
  /** The capture node yielded its output as a stream. */
  streamed: boolean;
}

/** One delivery of a node: its input and how it arrived. */
export interface NodeInput {
  readonly value: unknown;
  /** True when the input is an object keyed by predecessor alias. */
  readonly keyed: boolean;
  /** Smallest `timeout_ms` of the edges that delivered it. */
  readonly edgeBudgetMs: number | undefined;
}

class AttemptsExhausted extends Error {
  constructor(
    readonly error: FlowError,
    readonly attempts: number,
  ) {
    super(error.message);
  }
}

const DEFAULT_DEDUPE_TTL_MS = 24 * 60 * 60 * 1000;

/** Runs a node to an outcome: retries, budgets, rate limits, for_each fan-out, exactly-once. */
export async function executeNode(run: RunContext, plan: NodePlan, input: NodeInput): Promise<NodeOutcome> {
  const execution: Execution = { source: createDeterministicSource(run, plan.alias), attempts: 0, streamed: false };
  try {
    const output =
      plan.forEach === undefined
        ? await executeOnce(run, plan, input, input.value, execution)
        : await executeForEach(run, plan, input, execution);
    return { kind: "completed", output, attempts: execution.attempts, streamed: execution.streamed };
  } catch (thrown) {
    if (thrown instanceof HaltSignal) return { kind: "halted", checkpoint: thrown.checkpoint, details: thrown.details };
    if (thrown instanceof SuspendSignal) return { kind: "suspended", wakeAt: thrown.wakeAt };
    const exhausted = thrown instanceof AttemptsExhausted ? thrown : undefined;
    const error = exhausted?.error ?? toFlowError(thrown, plan.alias);
    if (plan.onError === "continue" && !run.controller.signal.aborted) {
      return { kind: "completed", output: null, attempts: execution.attempts, error };
    }
    return { kind: "failed", error, attempts: execution.attempts };
  }
}

async function executeForEach(
  run: RunContext,
  plan: NodePlan,
  input: NodeInput,
  execution: Execution,
): Promise<unknown[]> {
  const forEach = plan.forEach as NonNullable<NodePlan["forEach"]>;
  const upstream = input.keyed ? (input.value as Record<string, unknown>)[forEach.source] : input.value;
  const items = select(upstream, forEach.itemsPointer);
  if (!Array.isArray(items)) {
    throw new KernelError(
      "FOREACH400",
      `for_each over node "${plan.alias}" expected an array at "${forEach.itemsPointer}" in the output of "${forEach.source}" (got ${items === null ? "null" : typeof items})`,
      { node: plan.alias, source: forEach.source, items_pointer: forEach.itemsPointer },
    );
  }
  const results: unknown[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length && !run.controller.signal.aborted) {
      const index = next;
      next += 1;
      results[index] = await executeOnce(run, plan, input, items[index], execution, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(forEach.concurrency, items.length) }, worker));
  run.controller.signal.throwIfAborted();
  return results;
}

/** One logical execution (one for_each item or the whole node): attempts until success or give-up. */
async function executeOnce(
  run: RunContext,
  plan: NodePlan,
  input: NodeInput,
  value: unknown,
  execution: Execution,
  item?: number,
): Promise<unknown> {
  const keyed = input.keyed && plan.forEach === undefined;
  const idempotencyKey = resolveIdempotencyKey(run.flow.id, plan.node, value, keyed);
  const ttlMs = plan.node.idempotency?.ttlMs ?? DEFAULT_DEDUPE_TTL_MS;

  if (plan.exactlyOnce && idempotencyKey !== undefined) {
    const leaseMs = reservationLease(ttlMs);
    const reservation = await reserveWhenFree(run, idempotencyKey, leaseMs);
    if (reservation.status === "completed") return reservation.result;
    const stopRenewing = keepReserved(run.dedupe, run.host.clock, idempotencyKey, run.runId, leaseMs);
    try {
      const effects = { key: idempotencyKey, ttlMs };
      const result = await attemptLoop(run, plan, input, value, idempotencyKey, execution, item, effects);
      stopRenewing();
      await run.dedupe.complete(idempotencyKey, run.runId, result, ttlMs);
      return result;
    } catch (error) {
      stopRenewing();
      if (!(error instanceof HaltSignal || error instanceof SuspendSignal)) {
        await run.dedupe.release(idempotencyKey, run.runId);
      }
      throw error;
    }
  }
  return attemptLoop(run, plan, input, value, idempotencyKey, execution, item);
}

function mayRetry(plan: NodePlan, thrown: unknown, attempt: number, idempotencyKey: string | undefined): boolean {
  const retry = plan.retry;
  if (retry === undefined || attempt > retry.maxRetries) return false;
  if (thrown instanceof HaltSignal) return false;
  // Retrying an effect without a key could perform it twice.
  if (plan.node.effects === "effectful" && idempotencyKey === undefined) return false;
  const flagged = thrown as { retryable?: unknown } | null;
  if (thrown instanceof KernelError) return thrown.retryable;
  return !(flagged !== null && typeof flagged === "object" && flagged.retryable === false);
}

async function attemptLoop(
  run: RunContext,
  plan: NodePlan,
  input: NodeInput,
  value: unknown,
  idempotencyKey: string | undefined,
  execution: Execution,
  item: number | undefined,
  effects?: EffectScope,
): Promise<unknown> {
  const clock = run.host.clock;
  const budgetMs = minDefined(plan.timeoutMs, input.edgeBudgetMs);
  const key = retryKey(plan.alias, item);
  // A run that was suspended or interrupted between attempts carries on where it stopped.
  const prior = run.replay.retries.get(key);
  let first = 1;
  if (prior !== undefined && !run.replay.outputs.has(plan.alias)) {
    first = prior.attempt + 1;
    execution.attempts += prior.attempt;
    await waitUntil(run, prior.retryAt);
  }
  for (let attempt = first; ; attempt += 1) {
    execution.attempts += 1;
    const total = execution.attempts;
    run.emit({ type: "node-started", node: plan.alias, attempt });
    try {
      await acquireRateLimit(run, plan);
      return await withBudget(
        async (signal) => {
          const context = createNodeContext(run, plan, {
            attempt,
            signal,
            idempotencyKey,
            effects,
            source: execution.source,
          });
          return settle(run, plan, await invoke(run, plan, value, context.signal, context), signal, execution);
        },
        {
          parent: run.aborts,
          budgetMs,
          clock,
          what: `node "${plan.alias}"`,
          details: { node: plan.alias, attempt },
        },
      );
    } catch (thrown) {
      if (thrown instanceof HaltSignal || thrown instanceof SuspendSignal || run.controller.signal.aborted)
        throw thrown;
      if (!mayRetry(plan, thrown, attempt, idempotencyKey)) {
        throw new AttemptsExhausted(withAttempts(toFlowError(thrown, plan.alias), total), total);
      }
      const delayMs = backoffDelay(plan.retry as NonNullable<NodePlan["retry"]>, attempt, Math.random);
      const error = toFlowError(thrown, plan.alias);
      run.emit({ type: "node-retrying", node: plan.alias, attempt, delayMs, code: error.code });
      const retryAt = clock.now() + delayMs;
      await run.record([
        { type: "retrying", node: plan.alias, ...(item === undefined ? {} : { item }), attempt, error, retryAt },
      ]);
      await waitUntil(run, retryAt);
    }
  }
}

/** Longest pause between two looks at a key another run holds. */
const MAX_RESERVATION_POLL_MS = 1_000;

/**
 * Reserves the key, waiting while another run holds it: the holder either completes (and this
 * run takes its result without executing) or dies and stops renewing, and its reservation
 * lapses within one lease. Failing instead would end this run for good on a key that is about
 * to be free; waiting costs nothing and is cancellable like any wait of the run.
 */
async function reserveWhenFree(
  run: RunContext,
  key: string,
  leaseMs: number,
): Promise<Exclude<Awaited<ReturnType<RunContext["dedupe"]["reserve"]>>, { status: "pending" }>> {
  let pause = 10;
  for (;;) {
    const reservation = await run.dedupe.reserve(key, run.runId, leaseMs);
    if (reservation.status !== "pending") return reservation;
    if (pause === 10) {
      run.host.logger({
        level: "info",
        message: `node waits: run ${reservation.owner} holds idempotency key "${key}"`,
        run_id: run.runId,
        key,
        owner: reservation.owner,
      });
    }
    await waitUntil(run, run.host.clock.now() + pause);
    pause = Math.min(pause * 2, MAX_RESERVATION_POLL_MS);
  }
}

/** Sleeps until `at`, or suspends the run when that is further away than the host waits in memory. */
async function waitUntil(run: RunContext, at: number): Promise<void> {
  const remaining = at - run.host.clock.now();
  if (remaining <= 0) return;
  if (run.suspendAfterMs !== undefined && remaining > run.suspendAfterMs) throw new SuspendSignal(at);
  await run.host.clock.sleep(remaining, run.controller.signal);
}

function withAttempts(error: FlowError, attempts: number): FlowError {
  return { ...error, details: { ...error.details, attempts } };
}

async function invoke(
  run: RunContext,
  plan: NodePlan,
  value: unknown,
  signal: AbortSignal,
  context: ReturnType<typeof createNodeContext>,
): Promise<unknown> {
  if (plan.implementation !== undefined) return plan.implementation(value, context);
  return run.runSubflow(plan.node.identifier, value, `${run.runId}/${plan.alias}`, signal);
}

/** Drains a streamed output: into the run's channel for the capture node, into an array otherwise. */
async function settle(
  run: RunContext,
  plan: NodePlan,
  output: unknown,
  signal: AbortSignal,
  execution: Execution,
): Promise<unknown> {
  if (!isAsyncIterable(output)) return output;
  const items: unknown[] = [];
  const toChannel = plan.alias === run.capture && plan.forEach === undefined ? run.channel : undefined;
  if (plan.alias === run.capture) execution.streamed = true;
  const iterator = output[Symbol.asyncIterator]();
  let finished = false;
  try {
    for (;;) {
      signal.throwIfAborted();
      const step = await iterator.next();
      if (step.done) {
        finished = true;
        break;
      }
      items.push(step.value);
      if (toChannel !== undefined && !(await toChannel.push(step.value))) {
        throw new KernelError("RUN499", "the consumer stopped reading the stream", { node: plan.alias });
      }
    }
  } finally {
    // Tell the producer to stop (its finally blocks run) when we leave early.
    if (!finished) await iterator.return?.();
  }
  return items;
}

async function acquireRateLimit(run: RunContext, plan: NodePlan): Promise<void> {
  if (plan.rateLimit === undefined) return;
  const key = `${run.flow.id}\u0000${plan.alias}`;
  let limiter = run.limiters.get(key);
  if (limiter === undefined) {
    limiter = createRateLimiter(plan.rateLimit, run.host.clock);
    run.limiters.set(key, limiter);
  }
  await limiter.acquire(run.controller.signal);
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}
