import { createChannel } from "./channel";
import type { DedupeStore } from "./dedupe";
import { KernelError, toFlowError } from "./errors";
import type { LoadedFlow } from "./flow-versions";
import type { Host } from "./host";
import type { JournalEntry } from "./journal";
import { createJournalWriter } from "./journal-writer";
import type { RunMetadata } from "./nodes";
import type { RateLimiter } from "./rate-limiter";
import { RunAbort } from "./run-abort";
import type { RunContext, RunEvent, SubflowInvoker } from "./run-context";
import type { RunState } from "./run-state";
import { type RunOutcome, schedule } from "./scheduler";

/** What every execution in one kernel shares. */
export interface ExecutionDeps {
  readonly host: Host;
  readonly dedupe: DedupeStore;
  readonly concurrency: number;
  readonly limiters: Map<string, RateLimiter>;
  /** Executions running in this kernel, by run id, so `cancel` can reach them. */
  readonly executions: Map<string, RunningExecution>;
  /** Runs another registered flow as a node (a subflow), to its outcome. */
  readonly invoke: SubflowInvoker;
}

export interface RunningExecution {
  readonly abort: RunAbort;
  readonly outcome: Promise<RunOutcome>;
}

/** How the caller of one execution watches and bounds it. */
export interface ExecutionOptions {
  readonly signal?: AbortSignal | undefined;
  readonly timeoutMs?: number | undefined;
  readonly onEvent?: ((event: RunEvent) => void) | undefined;
  readonly metadata?: Readonly<Record<string, unknown>> | undefined;
  readonly suspendAfterMs?: number | undefined;
}

/** Executes a started run from its journal to an outcome; the channel carries a stream's values. */
export function executeRun(
  deps: ExecutionDeps,
  loaded: LoadedFlow,
  state: RunState,
  start: Extract<JournalEntry, { type: "started" }>,
  options: ExecutionOptions,
  channelCapacity: number | undefined,
): { outcome: Promise<RunOutcome>; context: RunContext } {
  const { host } = deps;
  const runId = state.runId;
  const abort = new RunAbort();
  const channel = channelCapacity === undefined ? undefined : createChannel<unknown>(channelCapacity);
  channel?.onCancel(() =>
    abort.abort(new KernelError("RUN499", "the consumer stopped reading the stream", { run_id: runId })),
  );
  const metadata: RunMetadata = { ...options.metadata, run_id: runId, flow_id: loaded.flow.id };
  const context: RunContext = {
    runId,
    flow: loaded.flow,
    plan: loaded.plan,
    host,
    dedupe: deps.dedupe,
    metadata,
    capture: start.capture,
    replay: state,
    abort,
    concurrency: deps.concurrency,
    suspendAfterMs: options.suspendAfterMs,
    limiters: deps.limiters,
    channel,
    record: createJournalWriter(host.journal, runId),
    emit: options.onEvent,
    claimed: undefined,
    invokeSubflow: deps.invoke,
  };
  const cleanup = bound(abort, host, runId, options);
  const finished = (result: RunOutcome): RunOutcome => {
    if (deps.executions.get(runId) === running) deps.executions.delete(runId);
    cleanup?.();
    if (channel) {
      if (result.status === "failed" || result.status === "cancelled") channel.fail(result.error);
      else channel.close();
    }
    return result;
  };
  const outcome = schedule(context, start.trigger, start.payload).then(finished, (error: unknown) =>
    finished({ status: "failed", runId, flow: loaded.flow.id, error: toFlowError(error) }),
  );
  const running: RunningExecution = { abort, outcome };
  deps.executions.set(runId, running);
  return { outcome, context };
}

/** Wires the caller's signal and deadline to the run; returns how to undo that, if anything. */
function bound(abort: RunAbort, host: Host, runId: string, options: ExecutionOptions): (() => void) | undefined {
  const { signal, timeoutMs } = options;
  if (signal === undefined && timeoutMs === undefined) return undefined;
  const cleanups: (() => void)[] = [];
  if (signal !== undefined) {
    const onAbort = () => abort.abort(new KernelError("RUN499", "the run was cancelled", { run_id: runId }));
    if (signal.aborted) onAbort();
    else {
      signal.addEventListener("abort", onAbort, { once: true });
      cleanups.push(() => signal.removeEventListener("abort", onAbort));
    }
  }
  if (timeoutMs !== undefined) {
    const timer = new AbortController();
    host.clock.sleep(timeoutMs, timer.signal).then(
      () =>
        abort.abort(
          new KernelError(
            "TIME015",
            `the invocation exceeded its deadline of ${timeoutMs} ms`,
            { run_id: runId, budget_ms: timeoutMs },
            true,
          ),
        ),
      () => {},
    );
    cleanups.push(() => timer.abort());
  }
  return () => {
    for (const undo of cleanups) undo();
  };
}
