import { constantTimeEqual } from "./constant-time";
import { KernelError } from "./errors";
import type { FlowCatalog } from "./flow-catalog";
import type { RunEvent } from "./run-context";
import type { ExecutionDeps } from "./run-execution";
import { readRun } from "./run-start";
import type { RunOutcome } from "./scheduler";

export interface ResumeRequest {
  readonly runId: string;
  readonly checkpoint: string;
  readonly token: string;
  readonly payload?: unknown;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly onEvent?: ((event: RunEvent) => void) | undefined;
  /** Passed on to the run it continues (see `Invocation.suspendAfterMs`). */
  readonly suspendAfterMs?: number;
}

/**
 * Checks a resume request against the journal and records its payload; refusals change
 * nothing. Answers with the flow to continue the run with, or the refusal.
 */
export async function acceptResume(
  deps: ExecutionDeps,
  catalog: FlowCatalog,
  request: ResumeRequest,
): Promise<RunOutcome | { flow: string; expired?: RunOutcome }> {
  const state = await readRun(deps, request.runId);
  const flowId = state.started?.flow;
  if (state.started === undefined || flowId === undefined) {
    return {
      status: "failed",
      runId: request.runId,
      flow: "",
      error: new KernelError("RUN404", `no run with id ${request.runId}`, { run_id: request.runId }).toJSON(),
    };
  }
  const current = catalog.load(flowId);
  const target = "plan" in current ? catalog.pinned(request.runId, state, current) : current;
  if ("plan" in current && !("plan" in target)) {
    return { status: "failed", runId: request.runId, flow: flowId, error: target };
  }
  const refuse = (code: "RUN409" | "HALT403" | "HALT404" | "HALT409", message: string): RunOutcome => ({
    status: "failed",
    runId: request.runId,
    flow: flowId,
    error: new KernelError(code, message, { run_id: request.runId }).toJSON(),
  });
  if (state.halt === undefined || state.finished !== undefined) {
    return refuse("RUN409", `run ${request.runId} is ${state.status}, not halted: there is nothing to resume`);
  }
  if (state.halt.event !== undefined) {
    return refuse(
      "HALT409",
      `run ${request.runId} waits for event "${state.halt.event.name}", not for a resume: send the event to the run instead`,
    );
  }
  if (state.halt.deadline !== undefined && deps.host.clock.now() >= state.halt.deadline) {
    // Too late: the deadline decides. The run goes on now with the expired result (so a late
    // resume never leaves it waiting for the next alarm), and this resume is refused.
    return {
      flow: flowId,
      expired: refuse(
        "RUN409",
        `run ${request.runId} waited at checkpoint "${state.halt.checkpoint}" until ${new Date(state.halt.deadline).toISOString()}, which has passed: the halt expired and the run went on without this payload`,
      ),
    };
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
  await deps.host.journal.append(request.runId, [
    {
      type: "resumed",
      node: state.halt.node,
      checkpoint: state.halt.checkpoint,
      payload: request.payload ?? null,
      at: deps.host.clock.now(),
    },
  ]);
  return { flow: flowId };
}
