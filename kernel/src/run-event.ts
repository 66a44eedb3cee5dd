import { checkEventName } from "./durable-time";
import { type FlowError, KernelError } from "./errors";
import { flowVersion } from "./flow-version";
import type { RunEvent } from "./run-context";
import type { ExecutionDeps } from "./run-execution";
import { outcomeOf, readRun } from "./run-start";
import type { RunOutcome } from "./scheduler";

export interface EventRequest {
  readonly runId: string;
  /** The event's name, as a node's `ctx.waitFor(name)` names it. */
  readonly name: string;
  readonly payload?: unknown;
  /**
   * Tells deliveries of one event apart from another with the same payload; the same id
   * delivered twice counts once. Defaults to a hash of the name and payload.
   */
  readonly id?: string;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly onEvent?: ((event: RunEvent) => void) | undefined;
  /** Passed on to the run the event wakes (see `Invocation.suspendAfterMs`). */
  readonly suspendAfterMs?: number;
  /**
   * The host has accepted the run and will start it (an async start not begun yet): an event
   * for it is kept for its wait instead of refused with RUN404.
   */
  readonly startPending?: boolean;
}

export interface Delivery {
  readonly runId: string;
  readonly eventId: string;
  /**
   * `woke`: a wait took it and the run went on (see `outcome`); `kept`: nothing waits for it
   * yet, it is journaled for the first wait that matches; `duplicate`: this id was delivered
   * before, nothing changed; `refused`: see `error`.
   */
  readonly status: "woke" | "kept" | "duplicate" | "refused";
  readonly outcome?: RunOutcome;
  readonly error?: FlowError;
}

const MAX_EVENT_ID = 256;

/** Journals an event for a run and, when a wait of the run takes it, continues the run. */
export async function deliverEvent(
  deps: ExecutionDeps,
  request: EventRequest,
  continueRun: (flow: string) => Promise<RunOutcome>,
): Promise<Delivery> {
  const { runId, name } = request;
  const payload = request.payload ?? null;
  let eventId = "";
  const refused = (error: FlowError): Delivery => ({ runId, eventId, status: "refused", error });
  try {
    checkEventName(name);
  } catch (error) {
    return refused((error as KernelError).toJSON());
  }
  eventId = request.id ?? `h-${flowVersion({ name, payload })}`;
  if (eventId.length === 0 || eventId.length > MAX_EVENT_ID) {
    return refused(
      new KernelError("EVENT400", `an event id is 1 to ${MAX_EVENT_ID} characters`, { run_id: runId }).toJSON(),
    );
  }
  const state = await readRun(deps, runId);
  const flow = state.started?.flow;
  if (flow === undefined) {
    if (request.startPending !== true) {
      return refused(new KernelError("RUN404", `no run with id ${runId}`, { run_id: runId }).toJSON());
    }
    if (state.events.some((event) => event.id === eventId)) return { runId, eventId, status: "duplicate" };
    await deps.host.journal.append(runId, [{ type: "event", name, id: eventId, payload, at: deps.host.clock.now() }]);
    return { runId, eventId, status: "kept" };
  }
  if (state.events.some((event) => event.id === eventId)) return { runId, eventId, status: "duplicate" };
  if (state.finished !== undefined) {
    return refused(
      new KernelError("RUN409", `run ${runId} is ${state.status}: no wait will take the event`, {
        run_id: runId,
      }).toJSON(),
    );
  }
  const waiting = state.halt?.event !== undefined;
  await deps.host.journal.append(runId, [{ type: "event", name, id: eventId, payload, at: deps.host.clock.now() }]);
  // A run executing here may be about to wait for it: let it finish or halt, then look again.
  const running = deps.executions.get(runId);
  if (running !== undefined) await running.outcome;
  const after = await readRun(deps, runId);
  const standing = outcomeOf(after, flow);
  if (standing !== undefined || (!waiting && running === undefined)) {
    return { runId, eventId, status: "kept", ...(standing === undefined ? {} : { outcome: standing }) };
  }
  return { runId, eventId, status: "woke", outcome: await continueRun(flow) };
}
