import { foldJournal, type JournalEntry, type JournalStore, type RunOutcome } from "@flows/kernel";
import { RUN_ORIGIN } from "../run-protocol";
import { pendingInvocations } from "../wake-schedule";
import { bucketOf, shardName, shardOf } from "./address";
import { indexStub } from "./index-stub";
import {
  acknowledge,
  bumpIndexed,
  indexedRunIds,
  journalRunIds,
  pendingRunIds,
  readIndexed,
  recordEarlyFailure,
  recordIndexed,
  unpushed,
} from "./outbox";
import { type RunSummaryRow, summaryRow, type VersionedRow } from "./summary";

/** How long after a change the alarm pushes again if its shard has not acknowledged it. */
export const REPAIR_AFTER_MS = 5_000;

/** How long the alarm waits for its pushes; one still unanswered then counts as failed (the alarm comes back). */
const FLUSH_WAIT_MS = 10_000;

/** The push's answer, or false once `ms` have passed without one. */
async function within(push: Promise<boolean>, ms: number): Promise<boolean> {
  let timer: number | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([push, late]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

/** How long a run's first write waits for its row to reach its shard before setting the repair alarm instead. */
const ANNOUNCE_WAIT_MS = 2_000;

/** How long a change waits for the run's next one before its push. */
const COALESCE_MS = 25;

/** How long an answer to the client waits for its run's index push. */
const DRAIN_WAIT_MS = 2_000;

/** Journal entries that change what the index shows of a run (status, checkpoint, wake time). */
const CHANGES = new Set<JournalEntry["type"]>([
  "started",
  "suspended",
  "halted",
  "expired",
  "event",
  "resumed",
  "finished",
]);

export interface ReporterOptions {
  readonly storage: DurableObjectStorage;
  readonly namespace: () => DurableObjectNamespace;
  readonly shards: number;
  /** The runs' clock (an async start's started_at). */
  readonly now: () => number;
  /** The run's journal, read without creating one where none exists. */
  readonly read: (runId: string) => Promise<readonly JournalEntry[]>;
  readonly beforePush?: () => Promise<void> | void;
}

/**
 * A run object's side of the index. Every change the index must show is recorded in the same
 * storage transaction as the change (a journal entry, or an async start's pending row), then
 * pushed to the run's shard and acknowledged; the object's alarm pushes whatever a crash or a
 * failed push left unacknowledged. The alarm is armed before the change is written, so a crash
 * at any point leaves either nothing or a change with an alarm that will push it.
 */
export class RunIndexReporter {
  readonly #options: ReporterOptions;
  /** How runs arriving at this object were started (http, async, queue, cron), until journaled. */
  readonly #origins = new Map<string, string>();
  /** Runs whose last recorded change left them not suspended: their node entries change nothing. */
  readonly #settled = new Set<string>();
  /** Pushes per run, one after another, so a shard never sees an older version after a newer. */
  readonly #pushes = new Map<string, Promise<boolean>>();
  /** Pushes waiting a moment to take in the run's next change, by run id. */
  readonly #soon = new Map<string, number>();
  /** When the repair alarm this instance set is due, until it fires or is replaced. */
  #ownAlarm: number | undefined;

  constructor(options: ReporterOptions) {
    this.#options = options;
    // A new instance pushes what a crash left unacknowledged, whatever woke it.
    if (unpushed(options.storage).length > 0) setTimeout(() => void this.flushLeftovers(), 0);
  }

  /** Pushes rows left unacknowledged (a crash cut their push off), without touching the alarm. */
  async flushLeftovers(): Promise<void> {
    await Promise.all(unpushed(this.#options.storage).map((runId) => this.push(runId)));
  }

  /** How a run about to be invoked here was started; its `started` entry records it. */
  expect(runId: string, trigger: string): void {
    this.#origins.set(runId, trigger);
  }

  /**
   * An async start: recorded synchronously, so the caller's pending row and this commit together.
   * A run id already recorded keeps its row (a start of an existing run continues it).
   */
  accepted(runId: string, flow: string, trigger: string): void {
    const { storage } = this.#options;
    if (readIndexed(storage, runId) !== undefined) {
      bumpIndexed(storage, runId);
      return;
    }
    this.#record(runId, flow, trigger, this.#options.now());
  }

  /** After an async start is recorded and its alarm set: the push, in the background. */
  acceptedCommitted(runId: string): void {
    void this.push(runId);
  }

  #record(runId: string, flow: string, trigger: string, startedAt: number, pushed = 0): void {
    recordIndexed(
      this.#options.storage,
      { runId, flow, trigger, startedAt, bucket: bucketOf(startedAt), shard: shardOf(runId, this.#options.shards) },
      pushed,
    );
  }

  /**
   * A run begun by a request (invoke, queue): its row, running, is in its shard before the run's
   * first write, so the run is never missing even if the object stops right after. Without an
   * answer within 2 s the repair alarm is set instead, and pushes it later.
   */
  async #announce(runId: string, started: Extract<JournalEntry, { type: "started" }>, trigger: string) {
    const bucket = bucketOf(started.at);
    const shard = shardOf(runId, this.#options.shards);
    const row: RunSummaryRow = {
      run_id: runId,
      flow: started.flow,
      status: "running",
      trigger,
      started_at: started.at,
      updated_at: started.at,
      finished_at: null,
      checkpoint: null,
      wake_at: null,
      error_code: null,
    };
    const sent = await within(
      this.#send(bucket, shard, { ...row, version: 1 }).catch(() => false),
      ANNOUNCE_WAIT_MS,
    );
    if (!sent) await this.#arm();
    return sent;
  }

  async #send(bucket: number, shard: number, row: VersionedRow): Promise<boolean> {
    await this.#options.beforePush?.();
    const answer = await indexStub(this.#options.namespace(), shardName(bucket, shard)).fetch(
      `${RUN_ORIGIN}/index/put`,
      { method: "POST", body: JSON.stringify({ bucket, shard, rows: [row] }) },
    );
    if (!answer.ok) throw new Error(`the index shard answered ${answer.status}: ${await answer.text()}`);
    return true;
  }

  /** The journal with every change the index must show recorded beside it. */
  journal<Store extends JournalStore>(inner: Store): Store {
    // Inherits every other method of the store, so a paged store stays paged.
    const indexed: Store = Object.create(inner);
    indexed.append = async (runId, entries) => {
      if (!this.#changes(runId, entries)) return inner.append(runId, entries);
      const { storage } = this.#options;
      const started = entries.find((entry) => entry.type === "started");
      // An async start's run beginning: its row (running since it was accepted) stays as it is.
      if (started !== undefined && entries.length === 1 && readIndexed(storage, runId) !== undefined) {
        this.#settled.add(runId);
        return inner.append(runId, entries);
      }
      // A change made by a request is pushed before the answer, and repaired the next time the
      // object wakes if a crash cut the push off; inside the alarm handler, a crash makes
      // workerd run the handler again, which pushes first. Only a first write needs more.
      const known = readIndexed(storage, runId) !== undefined;
      const trigger = this.#origins.get(runId) ?? "http";
      const announced = !known && started !== undefined && (await this.#announce(runId, started, trigger));
      if (readIndexed(storage, runId) !== undefined) bumpIndexed(storage, runId);
      else if (started !== undefined) this.#record(runId, started.flow, trigger, started.at, announced ? 1 : 0);
      // No await between the record above and the journal's own writes: they commit together.
      await inner.append(runId, entries);
      this.#origins.delete(runId);
      const last = entries.findLast((entry) => entry.type !== "value");
      if (last?.type === "suspended") this.#settled.delete(runId);
      else this.#settled.add(runId);
      // A run journaled before the index existed is adopted from its journal.
      if (!known && started === undefined) void this.refresh(runId).catch(() => {});
      else this.#pushSoon(runId);
    };
    return indexed;
  }

  #changes(runId: string, entries: readonly JournalEntry[]): boolean {
    if (entries.some((entry) => CHANGES.has(entry.type))) return true;
    // After a suspension (or in a fresh instance, not knowing), the next step makes it running.
    return !this.#settled.has(runId) && entries.some((entry) => entry.type !== "value");
  }

  /**
   * Makes sure an alarm will come: one already set (an async start's, a wake's or a deadline's)
   * pushes what is left when it fires; with none, the repair alarm is set for 5 s from now.
   * (Inside the alarm handler no alarm reads as set, so the repair alarm is set there.)
   */
  async #arm(): Promise<void> {
    if (this.#ownAlarm !== undefined) return;
    const { storage } = this.#options;
    if ((await storage.getAlarm()) !== null) return;
    const at = Date.now() + REPAIR_AFTER_MS;
    await storage.setAlarm(at);
    this.#ownAlarm = at;
  }

  /**
   * A push a moment from now: a run that starts and finishes within one request then costs its
   * shard one write, not two. The answer to the request pushes at once (`drain`).
   */
  #pushSoon(runId: string): void {
    if (this.#soon.has(runId)) return;
    this.#soon.set(
      runId,
      setTimeout(() => {
        this.#soon.delete(runId);
        void this.push(runId);
      }, COALESCE_MS),
    );
  }

  /** Pushes the run's row if its shard has not acknowledged its latest version; false if that failed. */
  push(runId: string): Promise<boolean> {
    const previous = this.#pushes.get(runId) ?? Promise.resolve(true);
    const next = previous.then(() => this.#pushOnce(runId));
    this.#pushes.set(runId, next);
    void next.finally(() => {
      if (this.#pushes.get(runId) === next) this.#pushes.delete(runId);
    });
    return next;
  }

  async #pushOnce(runId: string): Promise<boolean> {
    const { storage } = this.#options;
    const run = readIndexed(storage, runId);
    if (run === undefined || run.pushed >= run.version) return true;
    try {
      const row = summaryRow(run, await this.#options.read(runId));
      await this.#send(run.bucket, run.shard, { ...row, version: run.version });
      acknowledge(storage, runId, run.version);
      await this.#settleAlarm();
      return true;
    } catch (error) {
      console.log(
        JSON.stringify({
          level: "warn",
          message: `run index push failed, the alarm retries: ${error instanceof Error ? error.message : String(error)}`,
          code: "INDEX503",
          run_id: runId,
        }),
      );
      return false;
    }
  }

  /**
   * Once every row is acknowledged, the repair alarm gives way to what the object's pending runs
   * need: the earliest wake time or deadline among them, or no alarm at all. A pending run due
   * now (or running) keeps the repair alarm, which then only comes early.
   */
  async #settleAlarm(): Promise<void> {
    const own = this.#ownAlarm;
    if (own === undefined) return;
    const { storage } = this.#options;
    if (unpushed(storage).length > 0) return;
    let wake: number | undefined;
    for (const runId of pendingRunIds(storage)) {
      const state = foldJournal(runId, await this.#options.read(runId));
      const at = state.wakeAt ?? state.halt?.deadline;
      if (at === undefined || state.finished !== undefined) return;
      wake = Math.min(wake ?? at, at);
    }
    if (this.#ownAlarm !== own || unpushed(storage).length > 0) return;
    if ((await storage.getAlarm()) !== own) {
      // Someone set the alarm since: theirs stands.
      if (this.#ownAlarm === own) this.#ownAlarm = undefined;
      return;
    }
    this.#ownAlarm = undefined;
    if (wake === undefined) await storage.deleteAlarm();
    else await storage.setAlarm(wake);
  }

  /** The alarm fired: push everything unacknowledged. Await the result after the alarm's other work. */
  async flush(): Promise<void> {
    this.#ownAlarm = undefined;
    const results = await Promise.all(
      unpushed(this.#options.storage).map((runId) => within(this.push(runId), FLUSH_WAIT_MS)),
    );
    if (results.includes(false)) await this.#arm();
  }

  /** At the end of the alarm handler, after its pending runs were dropped or given their wake time. */
  async afterAlarm(): Promise<void> {
    await this.drain();
    await this.#settleAlarm();
  }

  /** Waits (at most 2 s) for the pushes in flight, so the caller's next listing shows what it did. */
  async drain(): Promise<void> {
    for (const [runId, timer] of this.#soon) {
      clearTimeout(timer);
      this.#soon.delete(runId);
      void this.push(runId);
    }
    if (this.#pushes.size > 0)
      await within(
        Promise.all(this.#pushes.values()).then(() => true),
        DRAIN_WAIT_MS,
      );
  }

  /** A run that failed before journaling anything (its async start named no valid trigger, say). */
  async settled(runId: string, outcome: RunOutcome): Promise<void> {
    if (outcome.status !== "failed") return;
    const { storage } = this.#options;
    const run = readIndexed(storage, runId);
    if (run === undefined || (await this.#options.read(runId)).length > 0) return;
    await this.#arm();
    recordEarlyFailure(storage, runId, outcome.error.code, this.#options.now());
    void this.push(runId);
  }

  /**
   * The rows of the runs this object holds (one run, or every run here), recomputed from their
   * journals and pushed now: a rebuild of the index from its run objects.
   */
  async refresh(only?: string): Promise<{ rows: RunSummaryRow[]; failed: string[] }> {
    const { storage } = this.#options;
    const ids =
      only === undefined
        ? [...new Set([...indexedRunIds(storage), ...journalRunIds(storage), ...pendingRunIds(storage)])]
        : [only];
    const rows: RunSummaryRow[] = [];
    const failed: string[] = [];
    for (const runId of ids) {
      const entries = await this.#options.read(runId);
      const started = entries.find((entry) => entry.type === "started");
      const pending =
        started === undefined && pendingRunIds(storage).includes(runId)
          ? pendingInvocations(storage).find((invocation) => invocation.runId === runId)
          : undefined;
      // Nothing of this run here: nothing is written (a made-up run id leaves no object behind).
      if (readIndexed(storage, runId) === undefined && started === undefined && pending === undefined) continue;
      await this.#arm();
      if (readIndexed(storage, runId) !== undefined) bumpIndexed(storage, runId);
      else if (started !== undefined) this.#record(runId, started.flow, "unknown", started.at);
      else if (pending !== undefined)
        this.#record(runId, pending.flow, pending.origin ?? "unknown", this.#options.now());
      if (!(await this.push(runId))) failed.push(runId);
      const run = readIndexed(storage, runId);
      if (run !== undefined) rows.push(summaryRow(run, entries));
    }
    return { rows, failed };
  }
}
