import { randomUUID } from "node:crypto";
import { createBusJournal, encodeValueStream, NDJSON_TYPE } from "@flows/caps/bus";
import { createKernel, type Kernel, type RunOutcome, type RunStream, systemClock } from "@flows/kernel";
import { isAny, isName, isPositiveInteger, isString, optional, readFields, required } from "../body";
import { busCapabilities } from "../caps";
import type { ContainerContext, RequestScope } from "../context";
import { errorResponse } from "../errors";
import { interruptibleJournal } from "../journal";
import { requestFacts } from "../meta";

const DEADLINE = "a positive integer of milliseconds";

/** What a route asks of the kernel: an outcome, or (for a streamed answer) the capture's values. */
interface KernelCall {
  invoke(kernel: Kernel, signal: AbortSignal): Promise<RunOutcome>;
  stream(kernel: Kernel, signal: AbortSignal): RunStream;
}

/**
 * `POST /run`: a whole flow, run id from `x-flows-meta`. The journal lives with the host at the
 * other end of the bus, so the same run id replays what completed and runs only the rest.
 */
export async function runRoute(request: Request, context: ContainerContext, scope: RequestScope): Promise<Response> {
  const body = await readFields(request, {
    flow: required(isName, "the flow's id or name (a non-empty string)"),
    trigger: optional(isName, "a trigger alias (a non-empty string)"),
    capture: optional(isName, "a node alias (a non-empty string)"),
    payload: optional(isAny),
    deadline_ms: optional(isPositiveInteger, DEADLINE),
    suspend_after_ms: optional(isPositiveInteger, DEADLINE),
  });
  if (!body.ok) return body.response;
  const { flow, trigger, capture, payload, deadline_ms: deadline, suspend_after_ms: suspendAfter } = body.value;
  const invocation = (signal: AbortSignal) => ({
    flow,
    runId: scope.meta.run_id,
    payload: payload ?? null,
    metadata: requestFacts(scope.meta),
    signal,
    ...(trigger === undefined ? {} : { trigger }),
    ...(capture === undefined ? {} : { capture }),
    ...(deadline === undefined ? {} : { timeoutMs: deadline }),
    // A long sleep or backoff ends the call `suspended`: the Worker's run object waits for it
    // (its alarm) instead of the container holding the run in memory.
    ...(suspendAfter === undefined ? {} : { suspendAfterMs: suspendAfter }),
  });
  return exclusive(request, context, scope, flow, {
    invoke: (kernel, signal) => kernel.invoke(invocation(signal)),
    stream: (kernel, signal) => kernel.stream(invocation(signal)),
  });
}

/**
 * `POST /resume`: continues a halted run from its journal with the person's payload. The
 * kernel checks the halt token against the journal (HALT403, HALT404, RUN409 refuse and change
 * nothing); the Worker has verified the signed resume token before sending it here.
 */
export async function resumeRoute(request: Request, context: ContainerContext, scope: RequestScope): Promise<Response> {
  const body = await readFields(request, {
    flow: required(isName, "the flow's id or name (a non-empty string)"),
    checkpoint: required(isName, "the checkpoint the run halted at (a non-empty string)"),
    token: required(isString, "the halt token of the run (a string)"),
    payload: optional(isAny),
    deadline_ms: optional(isPositiveInteger, DEADLINE),
  });
  if (!body.ok) return body.response;
  const { flow, checkpoint, token, payload, deadline_ms: deadline } = body.value;
  const resume = (signal: AbortSignal) => ({
    runId: scope.meta.run_id,
    checkpoint,
    token,
    payload: payload ?? null,
    signal,
    ...(deadline === undefined ? {} : { timeoutMs: deadline }),
  });
  return exclusive(request, context, scope, flow, {
    invoke: (kernel, signal) => kernel.resume(resume(signal)),
    stream: (kernel, signal) => kernel.resumeStream(resume(signal)),
  });
}

/** Runs the call unless the flow is unknown here or the run already executes here (RUN409). */
async function exclusive(
  request: Request,
  context: ContainerContext,
  scope: RequestScope,
  flow: string,
  call: KernelCall,
): Promise<Response> {
  if (!context.app.byName.has(flow)) {
    return errorResponse(404, "FLOW404", `this container runs no flow named "${flow}"`, {
      flow,
      flows: [...new Set([...context.app.byName.values()].map((known) => known.id))],
    });
  }
  const runId = scope.meta.run_id;
  if (context.activeRuns.has(runId)) {
    return errorResponse(
      409,
      "RUN409",
      `run ${runId} is already executing in this container: wait for its answer, then ask again`,
      { run_id: runId },
      true,
    );
  }
  context.activeRuns.add(runId);
  const release = () => context.activeRuns.delete(runId);
  if (!(request.headers.get("accept") ?? "").includes(NDJSON_TYPE)) {
    try {
      return await answer(context, scope, call);
    } finally {
      release();
    }
  }
  return streamed(context, scope, call, release);
}

function kernelFor(context: ContainerContext, { session, work }: RequestScope): Kernel {
  const caps = busCapabilities(session.bus);
  return createKernel({
    flows: context.app.flows,
    nodes: context.app.nodes,
    dedupe: caps.dedupe,
    host: {
      journal: interruptibleJournal(createBusJournal(session.bus), () => work.interrupted),
      clock: systemClock,
      newId: () => randomUUID(),
      logger: context.logger,
      capabilities: caps.forNode,
    },
  });
}

function interruptedError(runId: string) {
  return {
    error: `run ${runId} was interrupted (the container is stopping): what completed is journaled, run it again to continue`,
    code: "HOST503",
    details: { run_id: runId, retryable: true },
  };
}

async function answer(context: ContainerContext, scope: RequestScope, call: KernelCall): Promise<Response> {
  const outcome = await call.invoke(kernelFor(context, scope), scope.work.signal);
  if (scope.work.interrupted) return Response.json(interruptedError(scope.meta.run_id), { status: 503 });
  return Response.json(outcome);
}

/**
 * The capture node's values as NDJSON, `{"value": …}` per line as the kernel produces them (its
 * stream buffer bounds how far the run runs ahead of the reader), then `{"outcome": …}`, or a
 * coded `{"error","code","details"}` line when the container is stopping.
 */
function streamed(context: ContainerContext, scope: RequestScope, call: KernelCall, release: () => void): Response {
  const close = scope.keepOpen();
  const run = call.stream(kernelFor(context, scope), scope.work.signal);
  async function* lines(): AsyncGenerator<unknown> {
    try {
      try {
        for await (const value of run.values) yield { value };
      } catch {
        // Reported below from the outcome, with its code.
      }
      const outcome = await run.outcome;
      yield scope.work.interrupted ? interruptedError(scope.meta.run_id) : { outcome };
    } finally {
      // Reading stopped early (the Worker hung up): the run's signal was aborted with it.
      await run.outcome.catch(() => {});
    }
  }
  const body = encodeValueStream(lines(), () => {
    release();
    close();
  });
  return new Response(body, { status: 200, headers: { "content-type": NDJSON_TYPE } });
}
