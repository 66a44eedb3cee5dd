import { type FlowIR, parseJson } from "@flows/flow-ir";
import { createAbortHub } from "./abort-hub";
import { createChannel } from "./channel";
import { constantTimeEqual } from "./constant-time";
import { createMemoryDedupe, type DedupeStore } from "./dedupe";
import { type FlowError, KernelError, toFlowError } from "./errors";
import type { FlowReader } from "./flow-reader";
import { readFlowSources } from "./flow-source";
import { flowVersion } from "./flow-version";
import { createEarlierVersions, type LoadedFlow } from "./flow-versions";
import type { Host } from "./host";
import type { JournalEntry } from "./journal";
import type { NodeRegistry, RunMetadata } from "./nodes";
import { type FlowPlan, planFlow } from "./plan";
import type { RateLimiter } from "./rate-limiter";
import type { RunContext, RunEvent } from "./run-context";
import { foldJournal, type RunState, type RunStatus } from "./run-state";
import { type RunOutcome, schedule } from "./scheduler";

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

export interface ResumeRequest {
  readonly runId: string;
  readonly checkpoint: string;
  readonly token: string;
  readonly payload?: unknown;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: RunEvent) => void;
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
  status(runId: string): Promise<RunSummary>;
  runs(): Promise<RunSummary[]>;
}

const DEFAULT_CONCURRENCY = 16;
const DEFAULT_STREAM_BUFFER = 16;

/**
 * The kernel with the reader of its documents given: `createKernel` passes the validator
 * (`validatingFlowReader`); a host whose documents were validated before passes
 * `trustedFlowReader` and leaves the validator out of its bundle.
 */
export function createKernelWith(options: KernelOptions, readFlow: FlowReader): Kernel {
  const { host } = options;
  const { documents, nodes } = readFlowSources(options.flows, options.nodes);
  const dedupe = options.dedupe ?? createMemoryDedupe(host.clock);
  const limiters = new Map<string, RateLimiter>();
  // Documents by id and by name. Each is validated on its first use, not here: a host that
  // builds a kernel per run (a run Durable Object) pays only for the flow it runs.
  const sources = new Map<string, unknown>();
  const unreadable = new Map<string, FlowError>();
  documents.forEach((document, index) => {
    let value = document;
    if (typeof document === "string") {
      const parsed = parseJson(document);
      if (!parsed.ok) {
        unreadable.set(
          `#${index}`,
          new KernelError("VALID400", `flow #${index} is not valid: FLOW001 ${parsed.diagnostic.message}`, {
            flow: `#${index}`,
            diagnostics: [parsed.diagnostic],
          }).toJSON(),
        );
        return;
      }
      value = parsed.value;
    }
    const named = value as { id?: unknown; name?: unknown } | null;
    sources.set(typeof named?.id === "string" ? named.id : `#${index}`, value);
    if (typeof named?.name === "string") sources.set(named.name, value);
  });
  const validated = new Map<unknown, { flow: FlowIR } | { error: FlowError }>();
  /** The validated flow behind an id or name, validated once per document. */
  const flowNamed = (name: string): { flow: FlowIR } | { error: FlowError } | undefined => {
    const source = sources.get(name);
    if (source === undefined) {
      const error = unreadable.get(name);
      return error === undefined ? undefined : { error };
    }
    const cached = validated.get(source);
    if (cached !== undefined) return cached;
    const outcome = readFlow(source, name, host.logger);
    validated.set(source, outcome);
    return outcome;
  };
  const isFlow = (identifier: string) => sources.has(identifier);
  const loaded = new Map<string, LoadedFlow | FlowError>();
  /** Executions running in this kernel, by run id, so `cancel` can reach them. */
  const executions = new Map<string, { abort(reason: unknown): void; done: Promise<void> }>();

  const load = (name: string): LoadedFlow | FlowError => {
    const cached = loaded.get(name);
    if (cached) return cached;
    const found = flowNamed(name);
    let result: LoadedFlow | FlowError;
    if (found === undefined) {
      result = new KernelError("FLOW404", `no flow named "${name}": register it with the kernel`, {
        flow: name,
      }).toJSON();
    } else if ("error" in found) {
      result = found.error;
    } else {
      result = planned(found.flow);
    }
    loaded.set(name, result);
    return result;
  };
  const planned = (flow: FlowIR): LoadedFlow | FlowError => {
    const plan = planFlow(flow, nodes, isFlow);
    return plan.ok ? { flow, plan: plan.plan, version: flowVersion(flow) } : plan.error;
  };
  const earlierVersion = createEarlierVersions(options.earlierFlows ?? [], (document) => {
    const id = (document as { id?: unknown } | null)?.id;
    const read = readFlow(document, typeof id === "string" ? id : "", host.logger);
    return "flow" in read ? planned(read.flow) : read.error;
  });

  const readRun = async (runId: string) => foldJournal(runId, await host.journal.read(runId));

  const execute = async (
    loadedFlow: LoadedFlow,
    state: RunState,
    start: Extract<JournalEntry, { type: "started" }>,
    extras: {
      signal?: AbortSignal | undefined;
      timeoutMs?: number | undefined;
      onEvent?: ((event: RunEvent) => void) | undefined;
      metadata?: Readonly<Record<string, unknown>> | undefined;
      suspendAfterMs?: number | undefined;
    },
    channelCapacity: number | undefined,
  ): Promise<{ outcome: Promise<RunOutcome>; context: RunContext }> => {
    const controller = new AbortController();
    let chain: Promise<void> = Promise.resolve();
    const channel = channelCapacity === undefined ? undefined : createChannel<unknown>(channelCapacity);
    channel?.onCancel(() =>
      controller.abort(new KernelError("RUN499", "the consumer stopped reading the stream", { run_id: state.runId })),
    );
    const metadata: RunMetadata = { ...extras.metadata, run_id: state.runId, flow_id: loadedFlow.flow.id };
    const context: RunContext = {
      runId: state.runId,
      flow: loadedFlow.flow,
      plan: loadedFlow.plan,
      host,
      dedupe,
      metadata,
      capture: start.capture,
      replay: state,
      controller,
      aborts: createAbortHub(controller.signal),
      concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
      suspendAfterMs: extras.suspendAfterMs,
      limiters,
      channel,
      record: (entries) => {
        chain = chain.then(() => host.journal.append(state.runId, entries));
        return chain;
      },
      emit: (event) => extras.onEvent?.(event),
      runSubflow: async (identifier, input, childRunId, signal) => {
        const outcome = await kernel.invoke({ flow: identifier, payload: input, runId: childRunId, signal, metadata });
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
      },
    };
    const cleanups: (() => void)[] = [];
    if (extras.signal) {
      const signal = extras.signal;
      const onAbort = () =>
        controller.abort(new KernelError("RUN499", "the run was cancelled", { run_id: state.runId }));
      if (signal.aborted) onAbort();
      else {
        signal.addEventListener("abort", onAbort, { once: true });
        cleanups.push(() => signal.removeEventListener("abort", onAbort));
      }
    }
    if (extras.timeoutMs !== undefined) {
      const timer = new AbortController();
      const budget = extras.timeoutMs;
      host.clock.sleep(budget, timer.signal).then(
        () =>
          controller.abort(
            new KernelError(
              "TIME015",
              `the invocation exceeded its deadline of ${budget} ms`,
              { run_id: state.runId, budget_ms: budget },
              true,
            ),
          ),
        () => {},
      );
      cleanups.push(() => timer.abort());
    }
    const running = { abort: (reason: unknown) => controller.abort(reason), done: Promise.resolve() };
    executions.set(state.runId, running);
    const outcome = schedule(context, start.trigger, start.payload)
      .catch(async (error: unknown): Promise<RunOutcome> => {
        const flowError = toFlowError(error);
        return { status: "failed", runId: state.runId, flow: loadedFlow.flow.id, error: flowError };
      })
      .then((result) => {
        if (executions.get(state.runId) === running) executions.delete(state.runId);
        for (const cleanup of cleanups) cleanup();
        if (channel) {
          if (result.status === "failed" || result.status === "cancelled") channel.fail(result.error);
          else channel.close();
        }
        return result;
      });
    running.done = outcome.then(() => {});
    return { outcome, context };
  };

  const outcomeOf = (state: RunState, flow: string): RunOutcome | undefined => {
    if (state.finished) {
      const { status } = state.finished;
      if (status === "completed") return { status, runId: state.runId, flow, output: state.finished.output ?? null };
      return {
        status,
        runId: state.runId,
        flow,
        error: state.finished.error ?? { code: "NODE500", message: "the run failed", retryable: false, details: {} },
      };
    }
    if (state.halt) {
      const { node, checkpoint, token, details } = state.halt;
      return { status: "halted", runId: state.runId, flow, node, checkpoint, token, details };
    }
    return undefined;
  };

  const begin = async (
    invocation: Invocation,
    channelCapacity: (plan: FlowPlan, capture: string) => number | undefined,
  ): Promise<{ runId: string; outcome: Promise<RunOutcome>; context?: RunContext }> => {
    const runId = invocation.runId ?? host.newId();
    const fail = (error: FlowError) => ({
      runId,
      outcome: Promise.resolve<RunOutcome>({ status: "failed", runId, flow: invocation.flow, error }),
    });
    const current = load(invocation.flow);
    if (!("plan" in current)) return fail(current);
    let state = await readRun(runId);
    const target = pinned(runId, state, current);
    if (!("plan" in target)) return fail(target);
    const { plan, flow } = target;
    if (state.started !== undefined && state.started.flow !== flow.id) {
      return fail(
        new KernelError(
          "RUN409",
          `run ${runId} belongs to flow "${state.started.flow}", not "${flow.id}": use a new run id`,
          { run_id: runId },
        ).toJSON(),
      );
    }
    const finished = outcomeOf(state, flow.id);
    if (finished) return { runId, outcome: Promise.resolve(finished) };
    let start = state.started;
    if (start === undefined) {
      const trigger = invocation.trigger ?? (plan.triggers.length === 1 ? plan.triggers[0] : undefined);
      if (trigger === undefined || !plan.triggers.includes(trigger)) {
        return fail(
          new KernelError(
            "TRIG001",
            trigger === undefined
              ? `flow "${flow.id}" has ${plan.triggers.length} triggers (${plan.triggers.join(", ")}): name one`
              : `"${trigger}" is not a trigger of flow "${flow.id}" (triggers: ${plan.triggers.join(", ")})`,
            { flow: flow.id, trigger: trigger ?? null },
          ).toJSON(),
        );
      }
      const capture = invocation.capture ?? (plan.sinks.length === 1 ? plan.sinks[0] : undefined);
      if (capture === undefined || !plan.nodes.has(capture)) {
        return fail(
          new KernelError(
            capture === undefined ? "CAPT002" : "CAPT001",
            capture === undefined
              ? `flow "${flow.id}" has ${plan.sinks.length} sinks (${plan.sinks.join(", ")}): name the capture node`
              : `"${capture}" is not a node of flow "${flow.id}"`,
            { flow: flow.id, capture: capture ?? null },
          ).toJSON(),
        );
      }
      start = {
        type: "started",
        flow: flow.id,
        trigger,
        capture,
        payload: invocation.payload ?? null,
        at: host.clock.now(),
        version: target.version,
      };
      await host.journal.append(runId, [start]);
      state = foldJournal(runId, [start]);
    }
    const { outcome, context } = await execute(target, state, start, invocation, channelCapacity(plan, start.capture));
    return { runId, outcome, context };
  };

  /**
   * The version of the flow the run started on: the current one, or a kept earlier one
   * (`earlierFlows`). FLOW409 when neither: replaying its journal against a changed graph
   * could skip or repeat work. Runs journaled before versions were recorded go on.
   */
  const pinned = (runId: string, state: RunState, current: LoadedFlow): LoadedFlow | FlowError => {
    const recorded = state.started?.version;
    if (recorded === undefined || recorded === current.version) return current;
    const earlier = earlierVersion(current.flow.id, recorded);
    if (earlier !== undefined) return earlier;
    return new KernelError(
      "FLOW409",
      `run ${runId} started on version ${recorded} of flow "${current.flow.id}", but the document given now is version ${current.version} and that version is not kept: continue it with the document it started on`,
      { run_id: runId, flow: current.flow.id, started_version: recorded, given_version: current.version },
    ).toJSON();
  };

  /** Checks a resume request against the journal and records the payload; refusals change nothing. */
  const acceptResume = async (request: ResumeRequest): Promise<RunOutcome | { flow: string }> => {
    const state = await readRun(request.runId);
    const flowId = state.started?.flow;
    if (state.started === undefined || flowId === undefined) {
      return {
        status: "failed",
        runId: request.runId,
        flow: "",
        error: new KernelError("RUN404", `no run with id ${request.runId}`, { run_id: request.runId }).toJSON(),
      };
    }
    const current = load(flowId);
    const target = "plan" in current ? pinned(request.runId, state, current) : current;
    if ("plan" in current && !("plan" in target)) {
      return { status: "failed", runId: request.runId, flow: flowId, error: target };
    }
    const refuse = (code: "RUN409" | "HALT403" | "HALT404", message: string): RunOutcome => ({
      status: "failed",
      runId: request.runId,
      flow: flowId,
      error: new KernelError(code, message, { run_id: request.runId }).toJSON(),
    });
    if (state.halt === undefined || state.finished !== undefined) {
      return refuse("RUN409", `run ${request.runId} is ${state.status}, not halted: there is nothing to resume`);
    }
    if (state.halt.checkpoint !== request.checkpoint) {
      return refuse(
        "HALT404",
        `run ${request.runId} waits at checkpoint "${state.halt.checkpoint}", not "${request.checkpoint}"`,
      );
    }
    if (!constantTimeEqual(state.halt.token, request.token)) {
      return refuse("HALT403", `the resume token does not match run ${request.runId}`);
    }
    await host.journal.append(request.runId, [
      {
        type: "resumed",
        node: state.halt.node,
        checkpoint: state.halt.checkpoint,
        payload: request.payload ?? null,
        at: host.clock.now(),
      },
    ]);
    return { flow: flowId };
  };

  const summary = summarizeRun;

  const kernel: Kernel = {
    preflight(flow) {
      const target = load(flow);
      return "plan" in target ? undefined : target;
    },
    async invoke(invocation) {
      const { outcome } = await begin(invocation, () => undefined);
      return outcome;
    },
    stream(invocation) {
      const runId = invocation.runId ?? host.newId();
      const started = begin({ ...invocation, runId }, (plan, capture) => streamCapacity(plan, capture));
      const outcome = started.then((s) => s.outcome);
      const values: AsyncIterable<unknown> = {
        [Symbol.asyncIterator]() {
          let inner: AsyncIterator<unknown> | undefined;
          let finishedOutcome: RunOutcome | undefined;
          let recorded: unknown[] = [];
          const ready = started.then(async (s) => {
            if (s.context?.channel) {
              inner = s.context.channel[Symbol.asyncIterator]();
              return;
            }
            finishedOutcome = await s.outcome;
            // A run that had already finished hands back its recorded result.
            if (finishedOutcome.status === "completed") {
              const state = await readRun(s.runId);
              const output = finishedOutcome.output;
              recorded = state.finished?.streamed === true && Array.isArray(output) ? [...output] : [output];
            }
          });
          return {
            async next() {
              await ready;
              if (inner) return inner.next();
              if (recorded.length > 0) return { done: false, value: recorded.shift() };
              if (finishedOutcome && (finishedOutcome.status === "failed" || finishedOutcome.status === "cancelled")) {
                throw new KernelError(
                  finishedOutcome.error.code,
                  finishedOutcome.error.message,
                  finishedOutcome.error.details,
                );
              }
              return { done: true, value: undefined };
            },
            async return() {
              await ready;
              await inner?.return?.();
              return { done: true, value: undefined };
            },
          };
        },
      };
      return { runId, values, outcome };
    },
    async resume(request) {
      const accepted = await acceptResume(request);
      if ("status" in accepted) return accepted;
      return kernel.invoke(resumedInvocation(request, accepted.flow));
    },
    resumeStream(request) {
      const accepted = acceptResume(request);
      const stream = accepted.then((result) =>
        "status" in result ? undefined : kernel.stream(resumedInvocation(request, result.flow)),
      );
      return {
        runId: request.runId,
        outcome: Promise.all([accepted, stream]).then(([result, running]) =>
          running === undefined ? (result as RunOutcome) : running.outcome,
        ),
        values: {
          async *[Symbol.asyncIterator]() {
            const running = await stream;
            if (running !== undefined) yield* running.values;
          },
        },
      };
    },
    async cancel(runId) {
      const running = executions.get(runId);
      if (running) {
        running.abort(new KernelError("RUN499", "the run was cancelled", { run_id: runId }));
        await running.done.catch(() => {});
      }
      const state = await readRun(runId);
      if (state.started !== undefined && state.finished === undefined) {
        const error = new KernelError("RUN499", "the run was cancelled", { run_id: runId }).toJSON();
        await host.journal.append(runId, [{ type: "finished", status: "cancelled", error, at: host.clock.now() }]);
      }
      return summary(await readRun(runId));
    },
    async status(runId) {
      const state = await readRun(runId);
      return summary(state);
    },
    async runs() {
      const ids = await host.journal.list();
      return Promise.all(ids.map(async (id) => summary(await readRun(id))));
    },
  };
  return kernel;
}

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

function resumedInvocation(request: ResumeRequest, flow: string): Invocation {
  return {
    flow,
    runId: request.runId,
    ...(request.timeoutMs === undefined ? {} : { timeoutMs: request.timeoutMs }),
    ...(request.signal === undefined ? {} : { signal: request.signal }),
    ...(request.onEvent === undefined ? {} : { onEvent: request.onEvent }),
  };
}

/** `buffer.max_items` on the capture node's edges bounds how far its stream runs ahead. */
function streamCapacity(plan: FlowPlan, capture: string): number {
  const node = plan.nodes.get(capture);
  let capacity = node?.bufferItems;
  for (const edge of plan.flow.edges) {
    if (edge.to === capture && typeof edge.buffer.max_items === "number" && edge.buffer.max_items > 0) {
      capacity = Math.min(capacity ?? edge.buffer.max_items, edge.buffer.max_items);
    }
  }
  return capacity !== undefined && capacity > 0 ? capacity : DEFAULT_STREAM_BUFFER;
}
