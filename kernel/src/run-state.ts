import type { FlowError } from "./errors";
import type { JournalEntry } from "./journal";

export type RunStatus = "running" | "halted" | "completed" | "failed" | "cancelled";

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
  readonly halt: Extract<JournalEntry, { type: "halted" }> | undefined;
  readonly finished: Extract<JournalEntry, { type: "finished" }> | undefined;
  readonly history: readonly NodeRecord[];
}

export const retryKey = (node: string, item: number | undefined) => (item === undefined ? node : `${node}#${item}`);

export const resumeKey = (node: string, checkpoint: string) => `${node}\u0000${checkpoint}`;

const NO_ENTRIES: ReadonlyMap<string, never> = new Map<string, never>();
const NO_NODES: ReadonlySet<string> = new Set<string>();

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
  const history: NodeRecord[] = [];
  for (const entry of entries) {
    switch (entry.type) {
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
  const status: RunStatus = finished?.status ?? (halt ? "halted" : "running");
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
    halt,
    finished,
    history,
  };
}
