import type { CapabilityRegistry } from "@flows/caps";
import { decodeValueStream, type FlowsMeta } from "@flows/caps/bus";
import type { FlowIR, NodeIR } from "@flows/flow-ir";
import type { FlowError, NodeImplementation, NodeRegistry, RunMetadata, RunOutcome } from "@flows/kernel";
import type { WorkerEnv } from "../config";
import type { RemoteResumeRequest, RemoteStream } from "../run-object";
import type { InvokeRequest } from "../run-protocol";
import type { FlowContainerObject } from "./container-class";
import type { ContainerAnswer, ContainerCall, ContainerInstance } from "./container-types";
import { CONTAINER_ERROR_CODES } from "./errors";
import type { ContainerSettings } from "./settings";

/**
 * The largest line of a container's streamed answer: one value, or the run's outcome with its
 * output. The Worker journals it, and a journal entry reaches the run's object in one Workers RPC
 * call of at most 32 MiB, so a line may be as large as that, not only the bus's 1 MiB frame.
 */
const STREAMED_LINE_BYTES = 32 * 1024 * 1024;

/** Metadata field naming the container instance a run uses (from `?container_key=`). */
export const CONTAINER_KEY_FIELD = "container_key";

interface Failure {
  readonly error?: unknown;
  readonly code?: unknown;
  readonly details?: { readonly retryable?: unknown } & Record<string, unknown>;
}

const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

/** The `x-flows-meta` facts of a run, from the metadata the Worker recorded for it. */
export function metaFor(runId: string, flowId: string, metadata: Readonly<Record<string, unknown>> = {}): FlowsMeta {
  const colo = text(metadata.colo);
  const country = text(metadata.country);
  const clientIp = text(metadata.client_ip);
  return {
    run_id: runId,
    flow_id: flowId,
    ...(colo === undefined ? {} : { colo }),
    ...(country === undefined ? {} : { country }),
    ...(clientIp === undefined ? {} : { client_ip: clientIp }),
  };
}

/** A container's error answer as the coded failure the kernel and the client see. */
function failureOf(answer: ContainerAnswer): {
  code: string;
  message: string;
  retryable: boolean;
  details: Readonly<Record<string, unknown>>;
} {
  const body = (answer.body ?? {}) as Failure;
  return {
    code: text(body.code) ?? "CONTAINER_UNAVAILABLE",
    message: text(body.error) ?? `the container answered ${answer.status}`,
    retryable: body.details?.retryable === true,
    details: body.details ?? {},
  };
}

/** A coded failure as something to throw (a node's error, or a stream's). */
const thrown = (failure: {
  code: string;
  message: string;
  retryable: boolean;
  details: Readonly<Record<string, unknown>>;
}) => Object.assign(new Error(failure.message), failure);

/** A failure line of a streamed answer (`{"error","code","details"}`) as a coded failure. */
function lineFailure(line: Failure) {
  return failureOf({ status: 500, body: line });
}

/**
 * Calls the container for one run, telling it to cancel (`POST /cancel`, for `node` alone when
 * given) when `signal` aborts before the answer, or before what `untilDone` names (a stream) settles.
 */
async function cancellable<T>(
  stub: ContainerInstance,
  call: ContainerCall,
  signal: AbortSignal | undefined,
  use: (answer: ContainerAnswer, untilDone: (done: Promise<unknown>) => void) => Promise<T>,
): Promise<T> {
  if (signal === undefined) return use(await stub.call(call), () => {});
  signal.throwIfAborted();
  const onAbort = () => {
    stub.cancel(call.meta, call.node).catch(() => {});
  };
  signal.addEventListener("abort", onAbort, { once: true });
  let kept = false;
  const stop = () => signal.removeEventListener("abort", onAbort);
  try {
    return await use(await stub.call(call), (done) => {
      kept = true;
      void done.finally(stop).catch(() => {});
    });
  } finally {
    if (!kept) stop();
  }
}

/**
 * Where each part of a project runs: node identifiers in `container.nodes` become calls to the
 * container's `/node` inside the Worker's own run (one run, one journal), and flows in
 * `container.flows` run whole through `/run`, journaling over the bus into the same run object.
 */
export function createPlacement(settings: ContainerSettings, flows: readonly FlowIR[], registry: CapabilityRegistry) {
  const flowsById = new Map(flows.map((flow) => [flow.id, flow]));
  const containerFlows = new Set(settings.flows);

  const capabilitiesOf = (nodes: readonly NodeIR[]): string[] => [
    ...new Set(
      nodes.flatMap((node) =>
        [...node.effectHints, ...node.determinismHints].flatMap((hint) => registry.capabilitiesForHint(hint)),
      ),
    ),
  ];

  /** A run's key names its instance; otherwise one of `instances` at random (as `getRandom` does). */
  const instanceFor = (env: WorkerEnv, key: unknown): { name: string; stub: ContainerInstance } => {
    const name = text(key) ?? `instance-${Math.floor(Math.random() * settings.instances)}`;
    const namespace = env[settings.binding] as DurableObjectNamespace<FlowContainerObject> | undefined;
    if (namespace === undefined) {
      throw Object.assign(new Error(`the Durable Object binding ${settings.binding} of the container is missing`), {
        code: "DAG203",
      });
    }
    // What getContainer does; its signature only takes a Container of the global Cloudflare.Env.
    return { name, stub: namespace.get(namespace.idFromName(name)) };
  };

  const nodeProxy =
    (env: WorkerEnv): NodeImplementation =>
    async (input, ctx) => {
      const run: RunMetadata = ctx.run;
      const node = flowsById.get(run.flow_id)?.nodes.find((candidate) => candidate.alias === ctx.node);
      const { name, stub } = instanceFor(env, run[CONTAINER_KEY_FIELD]);
      const call: ContainerCall = {
        path: "/node",
        node: ctx.node,
        instance: name,
        meta: metaFor(run.run_id, run.flow_id, run),
        body: {
          flow: run.flow_id,
          node: ctx.node,
          input,
          attempt: ctx.attempt,
          ...(ctx.idempotencyKey === undefined ? {} : { idempotency_key: ctx.idempotencyKey }),
        },
        capabilities: node === undefined ? [] : capabilitiesOf([node]),
        journal: false,
        // The kernel's own rule for repeating a node: effectful ones only with an idempotency key.
        replaySafe: node?.effects !== "effectful" || ctx.idempotencyKey !== undefined,
        stream: true,
      };
      // The node's signal aborts when the run is cancelled or the attempt times out: so does its work there.
      return cancellable(stub, call, ctx.signal, async (answer, untilDone) => {
        if (answer.stream !== undefined) {
          const values = nodeValues(answer.stream);
          untilDone(values.done);
          return values.iterable;
        }
        if (answer.status === 200) return (answer.body as { output?: unknown } | null)?.output ?? null;
        throw thrown(failureOf(answer));
      });
    };

  /** A call that runs a whole flow there: `/run` or `/resume`, journaling over the bus. */
  const flowCall = (
    env: WorkerEnv,
    run: { runId: string; flow: string; metadata?: Readonly<Record<string, unknown>> | undefined },
    request: Pick<ContainerCall, "path" | "body"> & Partial<Pick<ContainerCall, "repeat" | "stream">>,
  ) => {
    const flow = flowsById.get(run.flow);
    const { name, stub } = instanceFor(env, run.metadata?.[CONTAINER_KEY_FIELD]);
    const call: ContainerCall = {
      ...request,
      instance: name,
      meta: metaFor(run.runId, run.flow, run.metadata),
      capabilities: flow === undefined ? [] : capabilitiesOf(flow.nodes),
      journal: true,
      replaySafe: true,
    };
    return { stub, call };
  };

  const runCall = (env: WorkerEnv, invocation: InvokeRequest, stream = false) =>
    flowCall(env, invocation, {
      path: "/run",
      body: {
        flow: invocation.flow,
        payload: invocation.payload ?? null,
        ...(invocation.trigger === undefined ? {} : { trigger: invocation.trigger }),
        ...(invocation.capture === undefined ? {} : { capture: invocation.capture }),
        ...(invocation.timeoutMs === undefined ? {} : { deadline_ms: invocation.timeoutMs }),
        ...(invocation.suspendAfterMs === undefined ? {} : { suspend_after_ms: invocation.suspendAfterMs }),
      },
      stream,
    });

  return {
    isContainerFlow: (flowId: string) => containerFlows.has(flowId),

    /**
     * The project's registry with every container node identifier pointing at the container.
     * Nodes of flows that run whole in the container need no Worker implementation; they get
     * one that says where they run, so the Worker's preflight does not report them missing.
     */
    nodes(env: WorkerEnv, own: NodeRegistry): NodeRegistry {
      const proxy = nodeProxy(env);
      const elsewhere: Record<string, NodeImplementation> = {};
      for (const flowId of containerFlows) {
        for (const node of flowsById.get(flowId)?.nodes ?? []) {
          if (own[node.identifier] !== undefined) continue;
          elsewhere[node.identifier] = () => {
            throw Object.assign(new Error(`node "${node.identifier}" runs in the container with flow "${flowId}"`), {
              code: "IMPL001",
            });
          };
        }
      }
      return { ...elsewhere, ...own, ...Object.fromEntries(settings.nodes.map((identifier) => [identifier, proxy])) };
    },

    /** Runs a whole flow in the container; a second call with the same run id replays its journal. */
    run(env: WorkerEnv, invocation: InvokeRequest, signal?: AbortSignal): Promise<RunOutcome> {
      const { stub, call } = runCall(env, invocation);
      return cancellable(stub, call, signal, async (answer) => outcomeOf(invocation, answer));
    },

    /** Like `run`, with the capture node's values streamed as the container produces them. */
    stream(env: WorkerEnv, invocation: InvokeRequest, signal?: AbortSignal): RemoteStream {
      const { stub, call } = runCall(env, invocation, true);
      let settle: (outcome: RunOutcome) => void = () => {};
      const outcome = new Promise<RunOutcome>((resolve) => {
        settle = resolve;
      });
      const values = cancellable(stub, call, signal, async (answer, untilDone) => {
        if (answer.stream === undefined) {
          settle(outcomeOf(invocation, answer));
          return [];
        }
        const lines = runValues(invocation, answer.stream, settle);
        untilDone(outcome);
        return lines;
      }).catch((error: unknown) => {
        settle(failedOutcome(invocation, error));
        return [];
      });
      return {
        outcome,
        values: {
          async *[Symbol.asyncIterator]() {
            yield* await values;
          },
        },
      };
    },

    /** Resumes a halted run of a container flow; repeated after a crash as a `/run` of its journal. */
    resume(env: WorkerEnv, request: RemoteResumeRequest, signal?: AbortSignal): Promise<RunOutcome> {
      const { stub, call } = flowCall(env, request, {
        path: "/resume",
        body: {
          flow: request.flow,
          checkpoint: request.checkpoint,
          token: request.token,
          payload: request.payload ?? null,
        },
        repeat: { path: "/run", body: { flow: request.flow } },
      });
      return cancellable(stub, call, signal, async (answer) => outcomeOf(request, answer));
    },

    /** Instances the status routes list: every random-choice instance and the always_on names. */
    knownInstances: (): string[] => [
      ...new Set([
        ...Array.from({ length: settings.instances }, (_, index) => `instance-${index}`),
        ...settings.alwaysOn,
      ]),
    ],

    instance: (env: WorkerEnv, name: string) => instanceFor(env, name).stub,
  };
}

export type Placement = ReturnType<typeof createPlacement>;

type RunRef = Pick<InvokeRequest, "runId" | "flow">;

function failedOutcome(invocation: RunRef, error: unknown): RunOutcome {
  const coded = error as Partial<FlowError> | null;
  return {
    runId: invocation.runId,
    flow: invocation.flow,
    status: "failed",
    error: {
      code: typeof coded?.code === "string" ? coded.code : CONTAINER_ERROR_CODES.lost,
      message: typeof coded?.message === "string" ? coded.message : String(error),
      retryable: coded?.retryable === true,
      details: coded?.details ?? {},
    },
  };
}

/** A `/run` or `/resume` answer as the run's outcome. */
function outcomeOf(invocation: RunRef, answer: ContainerAnswer): RunOutcome {
  const base = { runId: invocation.runId, flow: invocation.flow };
  if (answer.status === 200) return { ...(answer.body as RunOutcome), ...base };
  const failure = failureOf(answer);
  return {
    ...base,
    status: "failed",
    error: { code: failure.code, message: failure.message, retryable: failure.retryable, details: failure.details },
  };
}

/**
 * A streamed `/run`: `{"value"}` lines are the capture's values, the `{"outcome"}` line settles
 * the outcome; an error line, or a stream cut short (the process died), fails it with its code.
 */
async function* runValues(
  invocation: RunRef,
  stream: ReadableStream<Uint8Array>,
  settle: (outcome: RunOutcome) => void,
): AsyncGenerator<unknown> {
  let outcome: RunOutcome | undefined;
  try {
    for await (const line of decodeValueStream(stream, STREAMED_LINE_BYTES)) {
      const entry = line as { value?: unknown; outcome?: RunOutcome } & Failure;
      if ("value" in entry) yield entry.value;
      else if (entry.outcome !== undefined)
        outcome = { ...entry.outcome, runId: invocation.runId, flow: invocation.flow };
      else outcome = failedOutcome(invocation, lineFailure(entry));
    }
  } catch (error) {
    outcome = failedOutcome(invocation, error);
  } finally {
    settle(
      outcome ??
        failedOutcome(invocation, {
          code: CONTAINER_ERROR_CODES.lost,
          message: "the container's stream ended before the run's outcome",
          retryable: true,
        }),
    );
  }
}

/**
 * A streamed `/node` answer as the node's AsyncIterable output: one value per `{"value"}` line,
 * done at `{"end": true}`, the node's coded error at an error line; `done` settles when it ends.
 */
function nodeValues(stream: ReadableStream<Uint8Array>): { iterable: AsyncIterable<unknown>; done: Promise<void> } {
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  async function* values(): AsyncGenerator<unknown> {
    try {
      for await (const line of decodeValueStream(stream, STREAMED_LINE_BYTES)) {
        const entry = line as { value?: unknown; end?: unknown } & Failure;
        if ("value" in entry) yield entry.value;
        else if (entry.end === true) return;
        else throw thrown(lineFailure(entry));
      }
      throw thrown({
        code: CONTAINER_ERROR_CODES.lost,
        message: "the container's stream ended before the node's values did",
        retryable: true,
        details: {},
      });
    } finally {
      finish();
    }
  }
  return { iterable: values(), done };
}
