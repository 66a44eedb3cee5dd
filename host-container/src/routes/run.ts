import { randomUUID } from "node:crypto";
import { createBusJournal } from "@flows/caps/bus";
import { createKernel, systemClock } from "@flows/kernel";
import { fieldProblem, isName, isPositiveInteger, readJsonObject } from "../body";
import { busCapabilities } from "../caps";
import type { ContainerContext, RequestScope } from "../context";
import { errorResponse } from "../errors";
import { interruptibleJournal } from "../journal";
import { requestFacts } from "../meta";

const isAny = () => true;

/**
 * `POST /run`: a whole flow, run id from `x-flows-meta`. The journal lives with the host at the
 * other end of the bus, so the same run id replays what completed and runs only the rest.
 */
export async function runRoute(request: Request, context: ContainerContext, scope: RequestScope): Promise<Response> {
  const body = await readJsonObject(request);
  if (!body.ok) return body.response;
  const problem = fieldProblem(
    body.value,
    { flow: isName, trigger: isName, capture: isName, payload: isAny, deadline_ms: isPositiveInteger },
    ["flow"],
    {
      flow: "the flow's id or name (a non-empty string)",
      trigger: "a trigger alias (a non-empty string)",
      capture: "a node alias (a non-empty string)",
      deadline_ms: "a positive integer of milliseconds",
    },
  );
  if (problem) return problem;
  const {
    flow,
    trigger,
    capture,
    payload,
    deadline_ms: deadline,
  } = body.value as {
    flow: string;
    trigger?: string;
    capture?: string;
    payload?: unknown;
    deadline_ms?: number;
  };
  if (!context.app.byName.has(flow)) {
    return errorResponse(404, "FLOW404", `this container runs no flow named "${flow}"`, {
      flow,
      flows: [...new Set([...context.app.byName.values()].map((known) => known.id))],
    });
  }
  const { meta } = scope;
  if (context.activeRuns.has(meta.run_id)) {
    return errorResponse(
      409,
      "RUN409",
      `run ${meta.run_id} is already executing in this container: wait for its answer, then ask again`,
      { run_id: meta.run_id },
      true,
    );
  }
  context.activeRuns.add(meta.run_id);
  try {
    return await execute(context, scope, { flow, trigger, capture, payload, deadline });
  } finally {
    context.activeRuns.delete(meta.run_id);
  }
}

interface RunRequest {
  readonly flow: string;
  readonly trigger: string | undefined;
  readonly capture: string | undefined;
  readonly payload: unknown;
  readonly deadline: number | undefined;
}

async function execute(
  context: ContainerContext,
  { meta, session, work }: RequestScope,
  { flow, trigger, capture, payload, deadline }: RunRequest,
): Promise<Response> {
  const caps = busCapabilities(session.bus);
  const kernel = createKernel({
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
  const outcome = await kernel.invoke({
    flow,
    runId: meta.run_id,
    payload: payload ?? null,
    metadata: requestFacts(meta),
    signal: work.signal,
    ...(trigger === undefined ? {} : { trigger }),
    ...(capture === undefined ? {} : { capture }),
    ...(deadline === undefined ? {} : { timeoutMs: deadline }),
  });
  if (work.interrupted) {
    return errorResponse(
      503,
      "HOST503",
      `run ${meta.run_id} was interrupted (the container is stopping): what completed is journaled, run it again to continue`,
      { run_id: meta.run_id },
      true,
    );
  }
  return Response.json(outcome);
}
