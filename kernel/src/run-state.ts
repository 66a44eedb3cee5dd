import type { FlowError } from "./errors";
import type { EventWait, JournalEntry } from "./journal";

export type RunStatus = "running" | "suspended" | "halted" | "completed" | "failed" | "cancelled";

export interface NodeRecord {
  readonly node: string;
  readonly status: "completed" | "skipped" | "failed";
  readonly attempts: number;
  readonly durationMs: number;
  readonly error?: FlowError;
}

/** Everything the journal says about one run, folded into lookups the scheduler replays from. */
export interface RunState {
  readonly runId: string;
  readonly started: Extract<JournalEntry, { type: "started" }> | undefined;
  readonly status: RunStatus;
  readonly outputs: ReadonlyMap<string, unknown>;
  /** Nodes whose journaled output is the list of values they streamed. */
  readonly streamed: ReadonlySet<string>;
  readonly skipped: ReadonlySet<string>;
  /** Journaled clock and random values per node, in the order the node asked for them. */
  readonly values: ReadonlyMap<string, readonly number[]>;
  /** The last failed attempt of each node (or `node#item`) that is waiting for a retry. */
  readonly retries: ReadonlyMap<string, { readonly attempt: number; readonly retryAt: number }>;
  /** Resume payloads by `node\u0000checkpoint`. */
  readonly resumes: ReadonlyMap<string, unknown>;
  /** Halts and event waits that expired, by `node\u0000checkpoint`. */
  readonly expired: ReadonlySet<string>;
  /** Events delivered to the run, in order of arrival. */
  readonly events: readonly DeliveredEvent[];
  /** The id of the event each wait took, by `node#seq`. */
  readonly received: ReadonlyMap<string, string>;
  readonly halt: Extract<JournalEntry, { type: "halted" }> | undefined;
  readonly finished: Extract<JournalEntry, { type: "finished" }> | undefined;
  /** When a suspended run is due, while nothing has happened in it since it suspended. */
  readonly wakeAt: number | undefined;
  readonly history: readonly NodeRecord[];
}

export const retryKey = (node: string, item: number | undefined) => (item === undefined ? node : `${node}#${item}`);

export const resumeKey = (node: string, checkpoint: string) => `${node}\u0000${checkpoint}`;

/** Which halt or wait an `expired` entry ends: a checkpoint, or one event wait of the node. */
export const expiryKey = (node: string, checkpoint: string, seq: number | undefined) =>
  seq === undefined ? resumeKey(node, checkpoint) : `${resumeKey(node, checkpoint)}#${seq}`;

export interface DeliveredEvent {
  readonly id: string;
  readonly name: string;
  readonly payload: unknown;
}

/** Whether `event` is one `wait` takes: the same name, and every field it names equal. */
export function eventMatches(wait: Pick<EventWait, "name" | "match">, event: DeliveredEvent): boolean {
  if (event.name !== wait.name) return false;
  if (wait.match === undefined) return true;
  const payload = event.payload;
  if (payload === null || typeof payload !== "object") return false;
  const fields = payload as Record<string, unknown>;
  return Object.entries(wait.match).every(([field, value]) => fields[field] === value);
}

/** The first delivered event no wait has taken yet that `wait` would take. */
export function unclaimedEvent(state: Pick<RunState, "events" | "received">, wait: Pick<EventWait, "name" | "match">) {
  const taken = new Set(state.received.values());
  return state.events.find((event) => !taken.has(event.id) && eventMatches(wait, event));
}

const NO_ENTRIES: ReadonlyMap<string, never> = new Map<string, never>();
const NO_NODES: ReadonlySet<string> = new Set<string>();
const NO_EVENTS: readonly DeliveredEvent[] = Object.freeze([]);

/** Folds a run's journal; a run that has only started shares empty lookups instead of making its own. */
export function foldJournal(runId: string, entries: readonly JournalEntry[]): RunState {
  let started: RunState["started"];
  let halt: RunState["halt"];
  let finished: RunState["finished"];
  let outputs: Map<string, unknown> | undefined;
  let skipped: Set<string> | undefined;
  let streamed: Set<string> | undefined;
  let values: Map<string, number[]> | undefined;
  let resumes: Map<string, unknown> | undefined;
  let retries: Map<string, { attempt: number; retryAt: number }> | undefined;
  let expired: Set<string> | undefined;
  let events: DeliveredEvent[] | undefined;
  let received: Map<string, string> | undefined;
  const history: NodeRecord[] = [];
  let wakeAt: number | undefined;
  for (const entry of entries) {
    // Anything after a suspension (the run went on) ends it; values are journaled on the way.
    if (entry.type !== "value") wakeAt = undefined;
    switch (entry.type) {
      case "suspended":
        wakeAt = entry.wakeAt;
        break;
      case "started":
        started = entry;
        break;
      case "completed":
        outputs ??= new Map();
        outputs.set(entry.node, entry.output);
        if (entry.streamed === true) {
          streamed ??= new Set();
          streamed.add(entry.node);
        }
        history.push({
          node: entry.node,
          status: "completed",
          attempts: entry.attempts,
          durationMs: entry.durationMs,
          ...(entry.error === undefined ? {} : { error: entry.error }),
        });
        break;
      case "skipped":
        skipped ??= new Set();
        skipped.add(entry.node);
        history.push({ node: entry.node, status: "skipped", attempts: 0, durationMs: 0 });
        break;
      case "failed":
        history.push({
          node: entry.node,
          status: "failed",
          attempts: entry.attempts,
          durationMs: entry.durationMs,
          error: entry.error,
        });
        break;
      case "retrying":
        retries ??= new Map();
        retries.set(retryKey(entry.node, entry.item), { attempt: entry.attempt, retryAt: entry.retryAt });
        break;
      case "value": {
        values ??= new Map();
        const list = values.get(entry.node) ?? [];
        list[entry.seq] = entry.value;
        values.set(entry.node, list);
        break;
      }
      case "halted":
        halt = entry;
        // An event that arrived before the halt was recorded answers it at once.
        if (
          entry.event !== undefined &&
          unclaimedEvent({ events: events ?? [], received: received ?? NO_ENTRIES }, entry.event)
        )
          halt = undefined;
        break;
      case "expired":
        expired ??= new Set();
        expired.add(expiryKey(entry.node, entry.checkpoint, entry.seq));
        halt = undefined;
        break;
      case "event": {
        events ??= [];
        if (events.some((known) => known.id === entry.id)) break;
        const event = { id: entry.id, name: entry.name, payload: entry.payload };
        events.push(event);
        if (halt?.event !== undefined && eventMatches(halt.event, event)) halt = undefined;
        break;
      }
      case "received":
        received ??= new Map();
        received.set(`${entry.node}#${entry.seq}`, entry.id);
        break;
      case "resumed":
        resumes ??= new Map();
        resumes.set(resumeKey(entry.node, entry.checkpoint), entry.payload);
        halt = undefined;
        break;
      case "finished":
        finished = entry;
        break;
    }
  }
  const status: RunStatus = finished?.status ?? (halt ? "halted" : wakeAt !== undefined ? "suspended" : "running");
  return {
    runId,
    started,
    status,
    outputs: outputs ?? NO_ENTRIES,
    streamed: streamed ?? NO_NODES,
    skipped: skipped ?? NO_NODES,
    values: values ?? NO_ENTRIES,
    retries: retries ?? NO_ENTRIES,
    resumes: resumes ?? NO_ENTRIES,
    expired: expired ?? NO_NODES,
    events: events ?? NO_EVENTS,
    received: received ?? NO_ENTRIES,
    halt,
    finished,
    wakeAt,
    history,
  };
}
