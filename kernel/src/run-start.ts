import type { FlowError } from "./errors";
import { KernelError } from "./errors";
import type { FlowCatalog } from "./flow-catalog";
import type { JournalEntry } from "./journal";
import type { FlowPlan } from "./plan";
import type { RunContext } from "./run-context";
import { type ExecutionDeps, type ExecutionOptions, executeRun } from "./run-execution";
import { foldJournal, type RunState } from "./run-state";
import { haltedOutcome, type RunOutcome } from "./scheduler";

/** What starting or continuing a run needs to know about it. */
export interface StartRequest extends ExecutionOptions {
  readonly flow: string;
  readonly trigger?: string | undefined;
  readonly capture?: string | undefined;
  readonly payload?: unknown;
  readonly runId: string;
}

export interface Started {
  readonly runId: string;
  readonly outcome: Promise<RunOutcome>;
  /** Present when the run executes now (not when it had finished or could not start). */
  readonly context?: RunContext;
}

/** Reads a run's journal and folds it. */
export async function readRun(deps: ExecutionDeps, runId: string): Promise<RunState> {
  return foldJournal(runId, await deps.host.journal.read(runId));
}

/**
 * Starts the run, or continues it from its journal on the version of the flow it started on;
 * a run that has finished or halted answers with how it stands.
 */
export async function startRun(
  deps: ExecutionDeps,
  catalog: FlowCatalog,
  request: StartRequest,
  channelCapacity: (plan: FlowPlan, capture: string) => number | undefined,
): Promise<Started> {
  const { runId } = request;
  const fail = (error: FlowError): Started => ({
    runId,
    outcome: Promise.resolve<RunOutcome>({ status: "failed", runId, flow: request.flow, error }),
  });
  const current = catalog.load(request.flow);
  if (!("plan" in current)) return fail(current);
  let state = await readRun(deps, runId);
  const target = catalog.pinned(runId, state, current);
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
  state = await expireIfDue(deps, state);
  const standing = outcomeOf(state, flow.id);
  if (standing) return { runId, outcome: Promise.resolve(standing) };
  let start = state.started;
  if (start === undefined) {
    const entry = startedEntry(request, plan, target.version, deps.host.clock.now());
    if ("code" in entry) return fail(entry);
    start = entry;
    await deps.host.journal.append(runId, [start]);
    state = foldJournal(runId, [start]);
  }
  const { outcome, context } = executeRun(deps, target, state, start, request, channelCapacity(plan, start.capture));
  return { runId, outcome, context };
}

/** The `started` entry of a new run, or why it cannot start (an unknown trigger or capture node). */
function startedEntry(
  request: StartRequest,
  plan: FlowPlan,
  version: string,
  at: number,
): Extract<JournalEntry, { type: "started" }> | FlowError {
  const flow = plan.flow;
  const trigger = request.trigger ?? (plan.triggers.length === 1 ? plan.triggers[0] : undefined);
  if (trigger === undefined || !plan.triggers.includes(trigger)) {
    return new KernelError(
      "TRIG001",
      trigger === undefined
        ? `flow "${flow.id}" has ${plan.triggers.length} triggers (${plan.triggers.join(", ")}): name one`
        : `"${trigger}" is not a trigger of flow "${flow.id}" (triggers: ${plan.triggers.join(", ")})`,
      { flow: flow.id, trigger: trigger ?? null },
    ).toJSON();
  }
  const capture = request.capture ?? (plan.sinks.length === 1 ? plan.sinks[0] : undefined);
  if (capture === undefined || !plan.nodes.has(capture)) {
    return new KernelError(
      capture === undefined ? "CAPT002" : "CAPT001",
      capture === undefined
        ? `flow "${flow.id}" has ${plan.sinks.length} sinks (${plan.sinks.join(", ")}): name the capture node`
        : `"${capture}" is not a node of flow "${flow.id}"`,
      { flow: flow.id, capture: capture ?? null },
    ).toJSON();
  }
  return { type: "started", flow: flow.id, trigger, capture, payload: request.payload ?? null, at, version };
}

/**
 * A halt or event wait past its deadline is expired here, in the journal, before the run goes
 * on: whoever gets here first (an alarm, `flows wake`, a resume racing it) decides, once.
 */
async function expireIfDue(deps: ExecutionDeps, state: RunState): Promise<RunState> {
  const halt = state.halt;
  if (halt?.deadline === undefined || state.finished !== undefined) return state;
  const now = deps.host.clock.now();
  if (now < halt.deadline) return state;
  await deps.host.journal.append(state.runId, [
    {
      type: "expired",
      node: halt.node,
      checkpoint: halt.checkpoint,
      ...(halt.event === undefined ? {} : { seq: halt.event.seq }),
      at: now,
    },
  ]);
  return readRun(deps, state.runId);
}

/** How a run that is not going to execute now stands: finished, or halted at a checkpoint. */
export function outcomeOf(state: RunState, flow: string): RunOutcome | undefined {
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
  if (state.halt) return haltedOutcome({ runId: state.runId, flow }, state.halt);
  return undefined;
}
