import type { FlowError } from "./errors";

/**
 * The journal is the run's memory: hosts persist it (memory, Durable Object SQLite, OpenDAL,
 * the command bus), the kernel replays it. Entries are appended, never rewritten.
 */
export type JournalEntry =
  | {
      readonly type: "started";
      readonly flow: string;
      readonly trigger: string;
      readonly capture: string;
      readonly payload: unknown;
      readonly at: number;
      /** The flow document's content hash (`flowVersion`); absent in runs journaled before it was recorded. */
      readonly version?: string;
    }
  | {
      readonly type: "completed";
      readonly node: string;
      readonly output: unknown;
      readonly attempts: number;
      readonly startedAt: number;
      readonly durationMs: number;
      /** The output is the list of values the node streamed. */
      readonly streamed?: boolean;
      /** Set when an `error_handler` with strategy `continue` turned a failure into a null output. */
      readonly error?: FlowError;
    }
  | { readonly type: "skipped"; readonly node: string }
  | {
      readonly type: "failed";
      readonly node: string;
      readonly error: FlowError;
      readonly attempts: number;
      /** When the node started; absent in runs journaled before it was recorded. */
      readonly startedAt?: number;
      readonly durationMs: number;
    }
  /**
   * An attempt failed and the next one is due at `retryAt`: a run that is suspended or
   * interrupted meanwhile continues with the next attempt at that time, not from scratch.
   */
  | {
      readonly type: "retrying";
      readonly node: string;
      /** The for_each item, when the node runs per item. */
      readonly item?: number;
      readonly attempt: number;
      readonly error: FlowError;
      readonly retryAt: number;
      /** When the attempt failed; absent in runs journaled before it was recorded. */
      readonly at?: number;
    }
  /** The run stopped to wait for a time (a long sleep or retry backoff): invoke it again at `wakeAt`. */
  | { readonly type: "suspended"; readonly wakeAt: number; readonly at: number }
  /** A journaled `ctx.now()` / `ctx.random()` so replays see the same values. */
  | { readonly type: "value"; readonly node: string; readonly seq: number; readonly value: number }
  | {
      readonly type: "halted";
      readonly node: string;
      /** The checkpoint, or the event name for an event wait. */
      readonly checkpoint: string;
      readonly token: string;
      readonly details: unknown;
      readonly at: number;
      /** When the halt expires (epoch ms): the node then continues with an expired result. */
      readonly deadline?: number;
      /** Set when the node waits for an event rather than for a resume. */
      readonly event?: EventWait;
    }
  /** A halt or event wait passed its deadline before anyone answered it. */
  | {
      readonly type: "expired";
      readonly node: string;
      readonly checkpoint: string;
      /** The wait's number, for an event wait. */
      readonly seq?: number;
      readonly at: number;
    }
  /** An event delivered to the run, kept until a wait takes it. */
  | {
      readonly type: "event";
      readonly name: string;
      readonly id: string;
      readonly payload: unknown;
      readonly at: number;
    }
  /** The event a node's wait (its `seq`-th of that node) took: replays take the same one. */
  | {
      readonly type: "received";
      readonly node: string;
      readonly seq: number;
      readonly id: string;
      /** When the wait took it; absent in runs journaled before it was recorded. */
      readonly at?: number;
    }
  | {
      readonly type: "resumed";
      readonly node: string;
      readonly checkpoint: string;
      readonly payload: unknown;
      readonly at: number;
    }
  | {
      readonly type: "finished";
      readonly status: "completed" | "failed" | "cancelled";
      readonly output?: unknown;
      /** The output is the list of values the capture node streamed. */
      readonly streamed?: boolean;
      readonly error?: FlowError;
      readonly at: number;
    };

/** What an event wait waits for: a name, and optionally fields the payload must have. */
export interface EventWait {
  readonly name: string;
  /** Fields of the payload that must equal these values (scalars). */
  readonly match?: Readonly<Record<string, string | number | boolean | null>>;
  /** The wait's number among the node's waits, so a replay matches it to what it took. */
  readonly seq: number;
}

export interface JournalStore {
  read(runId: string): Promise<readonly JournalEntry[]>;
  append(runId: string, entries: readonly JournalEntry[]): Promise<void>;
  /** Run ids, newest last. */
  list(): Promise<readonly string[]>;
}

export interface MemoryJournalOptions {
  /**
   * Keep the entries of runs that have finished (completed, failed, cancelled), so `status`,
   * `runs` and a re-invocation of the run id see them. Off by default: a process that runs
   * many flows in memory keeps only the runs still going (running, halted, suspended).
   */
  readonly keepFinished?: boolean;
}

/** The in-memory journal: tests, benchmarks and single-process embeddings. */
export function createMemoryJournal(
  options: MemoryJournalOptions = {},
): JournalStore & { readonly runs: ReadonlyMap<string, JournalEntry[]> } {
  const runs = new Map<string, JournalEntry[]>();
  const keepFinished = options.keepFinished === true;
  return {
    runs,
    async read(runId) {
      return runs.get(runId) ?? [];
    },
    async append(runId, entries) {
      if (!keepFinished && entries.some((entry) => entry.type === "finished")) {
        runs.delete(runId);
        return;
      }
      const list = runs.get(runId);
      if (list) list.push(...entries);
      else runs.set(runId, [...entries]);
    },
    async list() {
      return [...runs.keys()];
    },
  };
}
