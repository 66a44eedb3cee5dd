import type { AttemptBudget, AttemptScope } from "./attempt-scope";
import { backoffDelay } from "./backoff";
import { type FlowError, KernelError, toFlowError } from "./errors";
import { HaltSignal, SuspendSignal } from "./halt";
import type { EffectScope } from "./host";
import { resolveIdempotencyKey } from "./idempotency";
import type { EventWait } from "./journal";
import { AttemptContext, type Execution } from "./node-context";
import { isAsyncIterable } from "./nodes";
import type { NodePlan } from "./plan";
import { select } from "./pointer";
import { createRateLimiter } from "./rate-limiter";
import { keepReserved, reservationLease } from "./reservation-lease";
import type { RunContext } from "./run-context";
import { retryKey } from "./run-state";
import type { RunOutcome } from "./scheduler";
import { waitUntil } from "./wait-until";
export type NodeOutcome =
  | {
      readonly kind: "completed";
      readonly output: unknown;
      readonly attempts: number;
      readonly streamed?: boolean;
      readonly error?: FlowError;
    }
  | { readonly kind: "failed"; readonly error: FlowError; readonly attempts: number }
  | {
      readonly kind: "halted";
      readonly checkpoint: string;
      readonly details: unknown;
      readonly deadline: number | undefined;
      readonly event: EventWait | undefined;
    }
  | { readonly kind: "suspended"; readonly wakeAt: number };

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

/** Told the outcome of a node that did not settle synchronously. */
export interface OutcomeWaiter {
  nodeSettled(node: NodePlan, outcome: NodeOutcome, startedAt: number): void;
}

/**
 * Runs a node to an outcome: retries, budgets, rate limits, for_each fan-out, exactly-once.
 * A node that answers synchronously gets its outcome returned: no promise, no turn of the
 * microtask queue, which is most of what a trivial node costs. Otherwise it returns undefined
 * and tells `waiter` later.
 */
export function executeNode(
  run: RunContext,
  plan: NodePlan,
  input: NodeInput,
  waiter: OutcomeWaiter,
  startedAt: number,
): NodeOutcome | undefined {
  const execution: Execution = { source: undefined, attempts: 0, streamed: false };
  let output: unknown;
  try {
    output =
      plan.forEach === undefined
        ? executeOnce(run, plan, input, input.value, execution)
        : executeForEach(run, plan, input, execution);
  } catch (thrown) {
    return outcomeOfThrow(run, plan, thrown, execution);
  }
  if (!isPromise(output)) return completedOutcome(output, execution);
  output.then(
    (value) => {
      const direct = execution.direct;
      if (direct !== undefined && isAsyncIterable(value)) {
        drainLater(run, plan, value, AttemptContext.scopeOf(direct), execution, waiter, startedAt);
        return;
      }
      if (direct !== undefined) AttemptContext.finish(direct);
      waiter.nodeSettled(plan, completedOutcome(value, execution), startedAt);
    },
    (thrown: unknown) => {
      if (execution.direct !== undefined) AttemptContext.finish(execution.direct);
      waiter.nodeSettled(plan, outcomeOfThrow(run, plan, thrown, execution), startedAt);
    },
  );
  return undefined;
}

/** A node that resolved to a stream: drained under its attempt's scope, then settled. */
function drainLater(
  run: RunContext,
  plan: NodePlan,
  stream: AsyncIterable<unknown>,
  scope: AttemptScope,
  execution: Execution,
  waiter: OutcomeWaiter,
  startedAt: number,
): void {
  settle(run, plan, stream, scope.signal, execution).then(
    (items) => {
      scope.finish();
      waiter.nodeSettled(plan, completedOutcome(items, execution), startedAt);
    },
    (thrown: unknown) => {
      scope.finish();
      waiter.nodeSettled(plan, outcomeOfThrow(run, plan, thrown, execution), startedAt);
    },
  );
}

function completedOutcome(output: unknown, execution: Execution): NodeOutcome {
  return { kind: "completed", output, attempts: execution.attempts, streamed: execution.streamed };
}

function outcomeOfThrow(run: RunContext, plan: NodePlan, thrown: unknown, execution: Execution): NodeOutcome {
  if (thrown instanceof HaltSignal) {
    const { checkpoint, details, deadline, event } = thrown;
    return { kind: "halted", checkpoint, details, deadline, event };
  }
  if (thrown instanceof SuspendSignal) return { kind: "suspended", wakeAt: thrown.wakeAt };
  const exhausted = thrown instanceof AttemptsExhausted ? thrown : undefined;
  let error = exhausted?.error ?? toFlowError(thrown, plan.alias, run.host.mapStack);
  // A direct attempt's failure arrives as the node threw it: shaped here as the retry loop would have.
  if (exhausted === undefined && execution.direct !== undefined && !run.abort.aborted) {
    error = withAttempts(error, execution.attempts);
  }
  if (plan.onError === "continue" && !run.abort.aborted) {
    return { kind: "completed", output: null, attempts: execution.attempts, error };
  }
  return { kind: "failed", error, attempts: execution.attempts };
}

/** Native promises only: a node's result is awaited the way the kernel always awaited it. */
function isPromise(value: unknown): value is Promise<unknown> {
  return value instanceof Promise;
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
    while (next < items.length && !run.abort.aborted) {
      const index = next;
      next += 1;
      results[index] = await executeOnce(run, plan, input, items[index], execution, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(forEach.concurrency, items.length) }, worker));
  run.abort.throwIfAborted();
  return results;
}

/** One logical execution (one for_each item or the whole node): attempts until success or give-up. */
function executeOnce(
  run: RunContext,
  plan: NodePlan,
  input: NodeInput,
  value: unknown,
  execution: Execution,
  item?: number,
): unknown {
  const keyed = input.keyed && plan.forEach === undefined;
  const idempotencyKey = resolveIdempotencyKey(run.flow.id, plan.node, value, keyed);
  if (plan.exactlyOnce && idempotencyKey !== undefined) {
    return executeExactlyOnce(run, plan, input, value, execution, item, idempotencyKey);
  }
  return attemptLoop(run, plan, input, value, idempotencyKey, execution, item);
}

/** The exactly-once execution: under a reservation of its key, its result recorded by key. */
async function executeExactlyOnce(
  run: RunContext,
  plan: NodePlan,
  input: NodeInput,
  value: unknown,
  execution: Execution,
  item: number | undefined,
  idempotencyKey: string,
): Promise<unknown> {
  const ttlMs = plan.node.idempotency?.ttlMs ?? DEFAULT_DEDUPE_TTL_MS;
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

/** What every attempt of one logical execution shares. */
interface Attempts {
  readonly run: RunContext;
  readonly plan: NodePlan;
  readonly input: NodeInput;
  readonly value: unknown;
  readonly idempotencyKey: string | undefined;
  readonly execution: Execution;
  readonly item: number | undefined;
  readonly effects: EffectScope | undefined;
  readonly budgetMs: number | undefined;
  /** Failures need no retry loop or key release: an asynchronous node's promise can go up as it is. */
  readonly direct: boolean;
}

function attemptLoop(
  run: RunContext,
  plan: NodePlan,
  input: NodeInput,
  value: unknown,
  idempotencyKey: string | undefined,
  execution: Execution,
  item: number | undefined,
  effects?: EffectScope,
): unknown {
  const attempts: Attempts = {
    run,
    plan,
    input,
    value,
    idempotencyKey,
    execution,
    item,
    effects,
    budgetMs: minDefined(plan.timeoutMs, input.edgeBudgetMs),
    direct:
      plan.retry === undefined && plan.forEach === undefined && plan.rateLimit === undefined && effects === undefined,
  };
  // A run that was suspended or interrupted between attempts carries on where it stopped.
  const prior = run.replay.retries.get(retryKey(plan.alias, item));
  if (prior !== undefined && !run.replay.outputs.has(plan.alias)) {
    execution.attempts += prior.attempt;
    return waitUntil(run, prior.retryAt).then(() => attemptFrom(attempts, prior.attempt + 1));
  }
  return attemptFrom(attempts, 1);
}

/** Attempt number `attempt` and, when it fails and may be retried, the ones after it. */
function attemptFrom(attempts: Attempts, attempt: number): unknown {
  const { run, plan } = attempts;
  attempts.execution.attempts += 1;
  run.emit?.({ type: "node-started", node: plan.alias, attempt });
  if (plan.rateLimit !== undefined) {
    return acquireRateLimit(run, plan).then(
      () => attemptGuarded(attempts, attempt),
      (thrown: unknown) => retryOrThrow(attempts, attempt, thrown),
    );
  }
  return attemptGuarded(attempts, attempt);
}

/** The attempt, with what it throws synchronously handled like an asynchronous failure. */
function attemptGuarded(attempts: Attempts, attempt: number): unknown {
  try {
    return attemptOnce(attempts, attempt);
  } catch (thrown) {
    return retryOrThrow(attempts, attempt, thrown);
  }
}

/**
 * One call of the node, under its attempt's scope; synchronous when the node is. A failure of
 * an asynchronous node it races goes to the retry loop on the same promise.
 */
function attemptOnce(attempts: Attempts, attempt: number): unknown {
  const { run, plan, budgetMs } = attempts;
  run.abort.throwIfAborted();
  const context = new AttemptContext(run, plan, attempts.execution, attempt, attempts.idempotencyKey, attempts.effects);
  let result: unknown;
  try {
    result = invoke(run, plan, attempts.value, context);
  } catch (thrown) {
    AttemptContext.finish(context);
    throw thrown;
  }
  const budget = budgetOf(attempts, attempt, budgetMs);
  if (budget === undefined && attempts.direct && isPromise(result)) {
    // Nothing to race and nothing to retry: the node's own promise goes up as it is, and
    // `executeNode` ends the attempt when it settles. A run that aborts meanwhile does not
    // wait for it: the scheduler stops on its own.
    attempts.execution.direct = context;
    return result;
  }
  if (!isPromise(result) && !isAsyncIterable(result)) {
    AttemptContext.finish(context);
    return result;
  }
  // Made only for a race: a node that settled synchronously or went up directly needs none.
  const onError = (thrown: unknown) => retryOrThrow(attempts, attempt, thrown);
  if (isAsyncIterable(result)) {
    const scope = AttemptContext.scopeOf(context);
    return scope.race(settle(run, plan, result, scope.signal, attempts.execution), budget, onError);
  }
  const scope = AttemptContext.scopeOf(context);
  // A node may also resolve to a stream (an async function returning an async iterable).
  const settled = result.then((output) =>
    isAsyncIterable(output) ? settle(run, plan, output, scope.signal, attempts.execution) : output,
  );
  return scope.race(settled, budget, onError);
}

function budgetOf(attempts: Attempts, attempt: number, budgetMs: number | undefined): AttemptBudget | undefined {
  if (budgetMs === undefined || !Number.isFinite(budgetMs)) return undefined;
  const alias = attempts.plan.alias;
  return { ms: budgetMs, clock: attempts.run.host.clock, what: `node "${alias}"`, details: { node: alias, attempt } };
}

/** Rethrows what may not be retried; otherwise journals the failure, waits out the backoff and tries again. */
function retryOrThrow(attempts: Attempts, attempt: number, thrown: unknown): Promise<unknown> {
  const { run, plan, idempotencyKey, execution, item } = attempts;
  if (thrown instanceof HaltSignal || thrown instanceof SuspendSignal || run.abort.aborted) throw thrown;
  if (!mayRetry(plan, thrown, attempt, idempotencyKey)) {
    const total = execution.attempts;
    throw new AttemptsExhausted(withAttempts(toFlowError(thrown, plan.alias, run.host.mapStack), total), total);
  }
  const clock = run.host.clock;
  const delayMs = backoffDelay(plan.retry as NonNullable<NodePlan["retry"]>, attempt, Math.random);
  const error = toFlowError(thrown, plan.alias, run.host.mapStack);
  run.emit?.({ type: "node-retrying", node: plan.alias, attempt, delayMs, code: error.code });
  const at = clock.now();
  const retryAt = at + delayMs;
  return run
    .record([
      { type: "retrying", node: plan.alias, ...(item === undefined ? {} : { item }), attempt, error, retryAt, at },
    ])
    .then(() => waitUntil(run, retryAt))
    .then(() => attemptFrom(attempts, attempt + 1));
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

function withAttempts(error: FlowError, attempts: number): FlowError {
  return { ...error, details: { ...error.details, attempts } };
}

function invoke(run: RunContext, plan: NodePlan, value: unknown, context: AttemptContext): unknown {
  if (plan.implementation !== undefined) return plan.implementation(value, context);
  const identifier = plan.node.identifier;
  return run
    .invokeSubflow(identifier, value, `${run.runId}/${plan.alias}`, context.signal, run.metadata)
    .then((outcome) => subflowResult(identifier, outcome));
}

/** A subflow's outcome as the output of the node that ran it. */
function subflowResult(identifier: string, outcome: RunOutcome): unknown {
  if (outcome.status === "completed") return outcome.output;
  if (outcome.status === "halted") {
    throw new KernelError(
      "SUBFLOW501",
      `subflow "${identifier}" halted at "${outcome.checkpoint}": halts inside subflows are not supported`,
      { subflow: identifier },
    );
  }
  if (outcome.status === "suspended") {
    // Subflows run without suspendAfterMs, so they sleep through retries; kept for the type.
    throw new KernelError("SUBFLOW501", `subflow "${identifier}" suspended`, { subflow: identifier });
  }
  throw new KernelError(
    outcome.error.code,
    `subflow "${identifier}" failed: ${outcome.error.message}`,
    { ...outcome.error.details, subflow: identifier },
    outcome.error.retryable,
  );
}

/** Drains a streamed output: into the run's channel for the capture node, into an array otherwise. */
async function settle(
  run: RunContext,
  plan: NodePlan,
  output: AsyncIterable<unknown>,
  signal: AbortSignal,
  execution: Execution,
): Promise<unknown> {
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
  await limiter.acquire(run.abort.signal);
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}
