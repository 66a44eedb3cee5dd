import { createMemoryDedupe, type DedupeStore } from "./dedupe";
import { type FlowError, KernelError } from "./errors";
import { createFlowCatalog } from "./flow-catalog";
import type { FlowReader } from "./flow-reader";
import { readFlowSources } from "./flow-source";
import type { Host } from "./host";
import { createKeyedQueue } from "./keyed-queue";
import type { NodeRegistry } from "./nodes";
import type { RateLimiter } from "./rate-limiter";
import type { RunEvent } from "./run-context";
import { type Delivery, deliverEvent, type EventRequest } from "./run-event";
import type { ExecutionDeps, RunningExecution } from "./run-execution";
import { inspectNode, inspectRun } from "./run-inspect";
import { acceptResume, type ResumeRequest } from "./run-resume";
import { readRun, type Started, startRun } from "./run-start";
import type { RunState, RunStatus } from "./run-state";
import { streamCapacity, streamValues } from "./run-stream";
import type { NodeValues, RunDetail } from "./run-view-wire";
import type { RunOutcome } from "./scheduler";

export type { Delivery, EventRequest } from "./run-event";
export type { ResumeRequest } from "./run-resume";

export interface KernelOptions {
  /**
   * Flow IR documents (parsed JSON or text) or defined flows (`FlowSource`); each is validated
   * once, on its first use.
   */
  readonly flows: readonly unknown[];
  /** Implementations by identifier; optional when every flow carries its own. */
  readonly nodes?: NodeRegistry;
  readonly host: Host;
  /** The idempotency ledger for `exactly_once` edges; in memory by default. */
  readonly dedupe?: DedupeStore;
  /** Nodes of one run that may execute at the same time. */
  readonly concurrency?: number;
  /**
   * Earlier versions of the flows (documents, read like `flows`): a run that started on one of
   * them goes on with it, instead of failing FLOW409 because the flow has changed since.
   */
  readonly earlierFlows?: readonly unknown[];
}

export interface Invocation {
  /** Flow id or name. */
  readonly flow: string;
  /** Trigger alias; defaults to the flow's only trigger. */
  readonly trigger?: string;
  /** Node whose output is the run's result; defaults to the flow's only sink. */
  readonly capture?: string;
  readonly payload?: unknown;
  /** Re-using a run id resumes that run from its journal instead of starting again. */
  readonly runId?: string;
  /** Budget for the whole invocation, from now. */
  readonly timeoutMs?: number;
  readonly metadata?: Readonly<Record<string, unknown>>;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: RunEvent) => void;
  /**
   * Retries due further away than this suspend the run (outcome `suspended` with `wakeAt`)
   * instead of sleeping in memory; invoke the same run id again at `wakeAt`.
   */
  readonly suspendAfterMs?: number;
}

export interface RunSummary {
  readonly runId: string;
  readonly flow: string | undefined;
  readonly status: RunStatus;
  readonly startedAt: number | undefined;
  readonly checkpoint: string | undefined;
  readonly history: RunState["history"];
  readonly error: FlowError | undefined;
}

export interface RunStream {
  readonly runId: string;
  /** The capture node's values as they are produced; stopping early cancels the run. */
  readonly values: AsyncIterable<unknown>;
  readonly outcome: Promise<RunOutcome>;
}

export interface Kernel {
  /** Checks a flow can run here (valid, every identifier implemented, every surface supported). */
  preflight(flow: string): FlowError | undefined;
  invoke(invocation: Invocation): Promise<RunOutcome>;
  stream(invocation: Invocation): RunStream;
  resume(request: ResumeRequest): Promise<RunOutcome>;
  /** Like `resume`, with the capture node's values as they are produced. */
  resumeStream(request: ResumeRequest): RunStream;
  /**
   * Cancels a run: an execution in this kernel stops (its nodes' signals abort), and a run that
   * is halted or was interrupted is marked cancelled so it never continues. Finished runs are
   * left as they are.
   */
  cancel(runId: string): Promise<RunSummary>;
  /**
   * Sends an event to a run: journaled, and taken by the first `ctx.waitFor` of that name (and
   * matching fields) that has not taken one; a run halted waiting for it goes on.
   */
  deliver(request: EventRequest): Promise<Delivery>;
  status(runId: string): Promise<RunSummary>;
  runs(): Promise<RunSummary[]>;
  /** What happened in a run, node by node, on the flow it ran (see `runDetail`); undefined for no run. */
  detail(runId: string): Promise<RunDetail | undefined>;
  /** One node's whole input, output and error, by alias or id; undefined for no such run or node. */
  nodeValues(runId: string, node: string): Promise<NodeValues | undefined>;
}

const DEFAULT_CONCURRENCY = 16;

/**
 * The kernel with the reader of its documents given: `createKernel` passes the validator
 * (`validatingFlowReader`); a host whose documents were validated before passes
 * `trustedFlowReader` and leaves the validator out of its bundle.
 */
export function createKernelWith(options: KernelOptions, readFlow: FlowReader): Kernel {
  const { host } = options;
  const { documents, nodes } = readFlowSources(options.flows, options.nodes);
  const catalog = createFlowCatalog(documents, options.earlierFlows ?? [], nodes, readFlow, host.logger);
  const executions = new Map<string, RunningExecution>();
  const deps: ExecutionDeps = {
    host,
    dedupe: options.dedupe ?? createMemoryDedupe(host.clock),
    concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
    limiters: new Map<string, RateLimiter>(),
    executions,
    invoke: (flow, payload, runId, signal, metadata) => kernel.invoke({ flow, payload, runId, signal, metadata }),
  };
  const deliveries = createKeyedQueue();
  const starts = createKeyedQueue();
  // One execution of a run at a time in this kernel: a second start waits for the first to end,
  // then finds the run as it left it (finished, halted) instead of executing it again.
  const start = (invocation: Invocation, runId: string, streaming: boolean): Promise<Started> =>
    starts.run(runId, async () => {
      await executions.get(runId)?.outcome;
      return startRun(deps, catalog, { ...invocation, runId }, streaming ? streamCapacity : noChannel);
    });

  const kernel: Kernel = {
    preflight(flow) {
      const target = catalog.load(flow);
      return "plan" in target ? undefined : target;
    },
    async invoke(invocation) {
      return (await start(invocation, invocation.runId ?? host.newId(), false)).outcome;
    },
    stream(invocation) {
      const runId = invocation.runId ?? host.newId();
      const started = start(invocation, runId, true);
      return { runId, values: streamValues(deps, started), outcome: started.then((s) => s.outcome) };
    },
    async resume(request) {
      const accepted = await acceptResume(deps, catalog, request);
      if ("status" in accepted) return accepted;
      const outcome = await kernel.invoke(continuedInvocation(request, accepted.flow));
      return accepted.expired ?? outcome;
    },
    resumeStream(request) {
      const accepted = acceptResume(deps, catalog, request);
      const stream = accepted.then((result) =>
        "status" in result || result.expired !== undefined
          ? undefined
          : kernel.stream(continuedInvocation(request, result.flow)),
      );
      return {
        runId: request.runId,
        outcome: Promise.all([accepted, stream]).then(async ([result, running]) => {
          if (running !== undefined) return running.outcome;
          if ("status" in result) return result;
          await kernel.invoke(continuedInvocation(request, result.flow));
          return result.expired as RunOutcome;
        }),
        values: {
          async *[Symbol.asyncIterator]() {
            const running = await stream;
            if (running !== undefined) yield* running.values;
          },
        },
      };
    },
    deliver(request) {
      // One delivery per run at a time in this kernel: two copies of one event read the
      // journal one after the other, so the second finds the first and wakes nothing.
      return deliveries.run(request.runId, () =>
        deliverEvent(deps, request, (flow) => kernel.invoke(continuedInvocation(request, flow))),
      );
    },
    async cancel(runId) {
      const running = executions.get(runId);
      if (running) {
        running.abort.abort(new KernelError("RUN499", "the run was cancelled", { run_id: runId }));
        await running.outcome;
      }
      const state = await readRun(deps, runId);
      if (state.started !== undefined && state.finished === undefined) {
        const error = new KernelError("RUN499", "the run was cancelled", { run_id: runId }).toJSON();
        await host.journal.append(runId, [{ type: "finished", status: "cancelled", error, at: host.clock.now() }]);
      }
      return summarizeRun(await readRun(deps, runId));
    },
    async status(runId) {
      return summarizeRun(await readRun(deps, runId));
    },
    async runs() {
      const ids = await host.journal.list();
      return Promise.all(ids.map(async (id) => summarizeRun(await readRun(deps, id))));
    },
    detail(runId) {
      return inspectRun(host.journal, catalog, runId);
    },
    nodeValues(runId, node) {
      return inspectNode(host.journal, catalog, runId, node);
    },
  };
  return kernel;
}

const noChannel = () => undefined;

/** What `status`, `runs` and `flows inspect` report about a run. */
export function summarizeRun(state: RunState): RunSummary {
  return {
    runId: state.runId,
    flow: state.started?.flow,
    status: state.status,
    startedAt: state.started?.at,
    checkpoint: state.halt?.checkpoint,
    history: state.history,
    error: state.finished?.error,
  };
}

/** The invocation that continues a run after a resume or an event, with the caller's options. */
function continuedInvocation(
  request: Pick<ResumeRequest, "runId" | "timeoutMs" | "signal" | "onEvent" | "suspendAfterMs">,
  flow: string,
): Invocation {
  return {
    flow,
    runId: request.runId,
    ...(request.timeoutMs === undefined ? {} : { timeoutMs: request.timeoutMs }),
    ...(request.signal === undefined ? {} : { signal: request.signal }),
    ...(request.onEvent === undefined ? {} : { onEvent: request.onEvent }),
    ...(request.suspendAfterMs === undefined ? {} : { suspendAfterMs: request.suspendAfterMs }),
  };
}
