import { DurableObject } from "cloudflare:workers";
import { resolveCapabilities, scopeCapabilities } from "@flows/caps";
import type { JournalPage, PagedJournalStore } from "@flows/caps/bus";
import {
  createKernelWith,
  type DedupeStore,
  type Host,
  type JournalEntry,
  type Kernel,
  type LogRecord,
  outcomeWire,
  type RunOutcome,
  systemClock,
} from "@flows/kernel";
import type { ReadingConfig, WorkerEnv } from "./config";
import { errorResponse } from "./envelope";
import { createJournalFeed } from "./journal-feed";
import { createIndexReporter, indexRoute, type RunIndexReporter } from "./run-index/run-object-hooks";
import type { EventRunRequest, InvokeRequest, ResumeRunRequest } from "./run-protocol";
import { serveRunView } from "./run-views";
import { createStackMapper } from "./source-map/stack-mapper";
import { createSqlJournal, hasSqlJournal } from "./sql-journal";
import { errorEvent, eventStream } from "./sse";
import {
  alarmBy,
  carryForward,
  dropPending,
  isPending,
  pendingInvocations,
  recordPending,
  wakeTime,
} from "./wake-schedule";

/** Async runs wait this long in memory for a retry or a sleep; longer waits go to a Durable Object alarm. */
const IN_MEMORY_WAIT_MS = 1_000;
/**
 * A caller waiting for the answer holds the request through waits this long; a longer one
 * answers 202 suspended, and the alarm carries the run on.
 */
const IN_REQUEST_WAIT_MS = 30_000;

function isDedupeStore(value: unknown): value is DedupeStore {
  const store = value as Partial<DedupeStore> | null | undefined;
  return (
    typeof store?.reserve === "function" && typeof store.complete === "function" && typeof store.release === "function"
  );
}

const LEVELS = { debug: 0, info: 1, warn: 2, error: 3 } as const;

/** One structured line per log record at `level` or above, readable by Workers Logs. */
function logLines(level: keyof typeof LEVELS): (record: LogRecord) => void {
  const least = LEVELS[level];
  return (record) => {
    if (LEVELS[record.level] >= least) console.log(JSON.stringify(record));
  };
}

/** Runs the host hands elsewhere (flows placed whole in the container), journaled here all the same. */
export interface RemoteRuns {
  handles(flow: string): boolean;
  /** Runs it there; aborting `signal` cancels it there (the run ends `cancelled`). */
  run(env: WorkerEnv, invocation: InvokeRequest, signal: AbortSignal): Promise<RunOutcome>;
  /** Like `run`, with the capture node's values as they are produced. */
  stream(env: WorkerEnv, invocation: InvokeRequest, signal: AbortSignal): RemoteStream;
  /** Continues a halted run there; the resume token was verified by the Worker. */
  resume(env: WorkerEnv, request: RemoteResumeRequest, signal: AbortSignal): Promise<RunOutcome>;
}

/** A run's streamed capture values and, once they end, its outcome. */
export interface RemoteStream {
  readonly values: AsyncIterable<unknown>;
  readonly outcome: Promise<RunOutcome>;
}

/** A resume the Worker verified (signed token, claims of this run), for a run placed elsewhere. */
export interface RemoteResumeRequest {
  readonly runId: string;
  readonly flow: string;
  readonly checkpoint: string;
  /** The kernel's halt token from the signed resume token, checked again against the journal. */
  readonly token: string;
  readonly payload?: unknown;
  /** What the run was invoked with (its container instance), so it resumes where it ran. */
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/** How long a cancellation waits for a run executing elsewhere to record that it stopped. */
const REMOTE_CANCEL_WAIT_MS = 15_000;
/** Storage key of the metadata a remote run was invoked with (its container instance, for a resume). */
const remoteMetadataKey = (runId: string) => `flows:remote-metadata:${runId}`;

/**
 * The Durable Object class that owns runs: one object per run id, its journal in SQLite,
 * async runs carried forward by alarms so they outlive the request that started them.
 */
/** The run Durable Object class a Worker exports (bound as FLOW_RUNS, a SQLite class). */
export type FlowRunObjectClass<Env extends WorkerEnv> = new (ctx: DurableObjectState, env: Env) => DurableObject<Env>;

export function createRunObjectClass<Env extends WorkerEnv>(
  config: ReadingConfig<Env>,
  remote?: RemoteRuns,
): FlowRunObjectClass<Env> {
  // One per isolate: the map is decoded on the first failure and serves every run after it.
  const mapStack = config.sourceMap === undefined ? undefined : createStackMapper(config.sourceMap);
  return class FlowRunObject extends DurableObject<Env> {
    #kernel: Promise<Kernel> | undefined;
    #journal: PagedJournalStore | undefined;
    #index: RunIndexReporter | undefined;
    /** Every append, whoever makes it, for the run's followers (`GET /runs/:id/events`). */
    readonly #feed = createJournalFeed();
    /** Runs executing elsewhere right now, by run id: what cancelling them aborts and waits for. */
    readonly #remote = new Map<string, { readonly controller: AbortController; readonly done: Promise<unknown> }>();

    /** Records a run executing elsewhere until `done` settles, so a cancellation can reach it. */
    #track(runId: string, controller: AbortController, done: Promise<unknown>): void {
      const entry = { controller, done: done.catch(() => {}) };
      this.#remote.set(runId, entry);
      void entry.done.then(() => {
        if (this.#remote.get(runId) === entry) this.#remote.delete(runId);
      });
    }

    /** Runs `work` for a run placed elsewhere, reachable by a cancellation while it lasts. */
    #remotely<T>(runId: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
      const controller = new AbortController();
      const running = work(controller.signal);
      this.#track(runId, controller, running);
      return running;
    }

    async #cancel(runId: string) {
      const remote = this.#remote.get(runId);
      if (remote !== undefined) {
        remote.controller.abort();
        let timer: number | undefined;
        await Promise.race([
          remote.done,
          new Promise((resolve) => (timer = setTimeout(resolve, REMOTE_CANCEL_WAIT_MS))),
        ]);
        if (timer !== undefined) clearTimeout(timer);
      }
      // Marks a halted (or unreachable) run cancelled when the container did not record it.
      return (await this.kernel()).cancel(runId);
    }

    journal(): PagedJournalStore {
      // The index records a change in the same transaction as the SQL append, inside the feed.
      this.#journal ??= this.#feed.watch(this.runIndex().journal(createSqlJournal(this.ctx.storage)));
      return this.#journal;
    }

    /** This object's side of the run index (see ./run-index): what it shows of its runs. */
    runIndex(): RunIndexReporter {
      this.#index ??= createIndexReporter(this.ctx, this.env, config, (runId) =>
        this.#journal === undefined && !hasSqlJournal(this.ctx.storage)
          ? Promise.resolve([])
          : this.journal().read(runId),
      );
      return this.#index;
    }

    /** The journal over RPC, for a run whose kernel executes elsewhere (the container, over the bus). */
    journalRead(runId: string): Promise<readonly JournalEntry[]> {
      return this.journal().read(runId);
    }

    /** A page of it: an RPC result is at most 32 MiB, a journal of large outputs may be more. */
    journalReadPage(runId: string, from: number, maxUnits: number): Promise<JournalPage> {
      return this.journal().readPage(runId, from, maxUnits);
    }

    journalAppend(runId: string, entries: readonly JournalEntry[]): Promise<void> {
      return this.journal().append(runId, entries);
    }

    journalList(): Promise<readonly string[]> {
      return this.journal().list();
    }

    /** Runs the invocation here, or where the host placed its flow. */
    async #run(invocation: InvokeRequest): Promise<RunOutcome> {
      if (remote?.handles(invocation.flow)) {
        await this.ctx.storage.put(remoteMetadataKey(invocation.runId), invocation.metadata ?? {});
        return this.#remotely(invocation.runId, (signal) => remote.run(this.env, invocation, signal));
      }
      return (await this.kernel()).invoke(invocation);
    }

    kernel(): Promise<Kernel> {
      this.#kernel ??= this.createKernel();
      return this.#kernel;
    }

    /**
     * Node capabilities: the caller's function, or the manifest's providers scoped per node.
     * With the `do` capability bound, its ledger is the kernel's dedupe store, so exactly-once
     * holds across runs (each run has an object of its own; a ledger in memory would not).
     */
    async nodeCapabilities(): Promise<{ forNode?: NonNullable<Host["capabilities"]>; dedupe?: DedupeStore }> {
      const env = this.env;
      const own = config.capabilities;
      if (own !== undefined) return { forNode: (node, effects) => own(env, node, effects) };
      if (config.caps === undefined || config.manifest === undefined) return {};
      const resolved = await resolveCapabilities({ registry: config.caps, manifest: config.manifest, env });
      const ledger = (resolved.apis as { readonly do?: unknown }).do;
      return {
        forNode: (node, effects) =>
          scopeCapabilities(resolved, [...node.effectHints, ...node.determinismHints], effects),
        ...(isDedupeStore(ledger) ? { dedupe: ledger } : {}),
      };
    }

    async createKernel(): Promise<Kernel> {
      const env = this.env;
      const nodes = typeof config.nodes === "function" ? config.nodes(env) : (config.nodes ?? {});
      const { forNode, dedupe } = await this.nodeCapabilities();
      return createKernelWith(
        {
          flows: config.flows,
          nodes,
          ...(config.earlierFlows === undefined ? {} : { earlierFlows: config.earlierFlows }),
          ...(dedupe === undefined ? {} : { dedupe }),
          host: {
            journal: this.journal(),
            clock: config.clock ?? systemClock,
            newId: () => crypto.randomUUID(),
            logger: logLines(config.logLevel ?? "info"),
            ...(forNode === undefined ? {} : { capabilities: forNode }),
            ...(mapStack === undefined ? {} : { mapStack }),
          },
        },
        config.readFlow,
      );
    }

    /** The answer once the index has what it did (briefly waited for): a listing right after shows it. */
    async #indexed<T>(answer: Promise<T>): Promise<T> {
      const value = await answer;
      await this.runIndex().drain();
      return value;
    }

    override async fetch(request: Request): Promise<Response> {
      const url = new URL(request.url);
      try {
        if (url.pathname.startsWith("/index/")) {
          return await indexRoute(request, url.pathname, this.ctx, this.env, config, () => this.runIndex());
        }
        switch (`${request.method} ${url.pathname}`) {
          case "POST /invoke":
            return await this.#indexed(this.invoke((await request.json()) as InvokeRequest, request));
          case "POST /start":
            return await this.#indexed(this.start((await request.json()) as InvokeRequest));
          case "POST /resume":
            return await this.#indexed(this.resume((await request.json()) as ResumeRunRequest));
          case "POST /event":
            return await this.#indexed(this.event((await request.json()) as EventRunRequest));
          case "POST /cancel":
            return Response.json(
              await this.#indexed(this.#cancel(((await request.json()) as { runId: string }).runId)),
            );
          case "GET /status":
            // An object that never journaled holds no run: answer without creating storage.
            if (this.#journal === undefined && !hasSqlJournal(this.ctx.storage)) return Response.json({});
            return Response.json(await (await this.kernel()).status(url.searchParams.get("run") ?? ""));
          default:
            return (
              (await serveRunView(`${request.method} ${url.pathname}`, url, {
                storage: this.ctx.storage,
                feed: this.#feed,
                kernel: () => this.kernel(),
                journaled: () => this.#journal !== undefined || hasSqlJournal(this.ctx.storage),
              })) ?? errorResponse({ code: "ROUTE404", message: `no internal route ${url.pathname}` })
            );
        }
      } catch (error) {
        return errorResponse({ code: "NODE500", message: error instanceof Error ? error.message : String(error) });
      }
    }

    async invoke(invocation: InvokeRequest, request: Request): Promise<Response> {
      this.runIndex().expect(invocation.runId, invocation.origin ?? "http");
      const sse = (request.headers.get("accept") ?? "").includes("text/event-stream");
      if (remote?.handles(invocation.flow)) {
        if (!sse) {
          const outcome = await this.#run({ ...invocation, suspendAfterMs: IN_REQUEST_WAIT_MS });
          await carryForward(this.ctx.storage, outcome);
          return Response.json(outcome);
        }
        await this.ctx.storage.put(remoteMetadataKey(invocation.runId), invocation.metadata ?? {});
        const controller = new AbortController();
        const { values, outcome } = remote.stream(this.env, invocation, controller.signal);
        this.#track(invocation.runId, controller, outcome);
        return eventStream(
          async (send) => {
            if (!(await send("run", { run_id: invocation.runId }))) return;
            for await (const value of values) if (!(await send(undefined, value))) return;
            const result = await outcome;
            if (result.status === "failed" || result.status === "cancelled")
              await send("error", errorEvent(result.error));
            else await send("end", outcomeWire(result));
          },
          // The client went away: the run is cancelled in the container, as it would be here.
          () => void this.#cancel(invocation.runId).catch(() => {}),
        );
      }
      const kernel = await this.kernel();
      if (sse) {
        const controller = new AbortController();
        const stream = kernel.stream({ ...invocation, signal: controller.signal });
        return eventStream(
          async (send) => {
            // The run id first, so a client can look the run up or cancel it.
            if (!(await send("run", { run_id: invocation.runId }))) return;
            try {
              for await (const value of stream.values) if (!(await send(undefined, value))) return;
            } catch {
              // Reported below from the outcome, with its code.
            }
            const outcome = await stream.outcome;
            if (outcome.status === "failed" || outcome.status === "cancelled")
              await send("error", errorEvent(outcome.error));
            else await send("end", outcomeWire(outcome));
          },
          () => controller.abort(),
        );
      }
      const outcome = await kernel.invoke({ ...invocation, suspendAfterMs: IN_REQUEST_WAIT_MS });
      await carryForward(this.ctx.storage, outcome);
      return Response.json(outcome);
    }

    /** Records the invocation and lets an alarm run it, so the run continues after this request. */
    async start(invocation: InvokeRequest): Promise<Response> {
      recordPending(this.ctx.storage, invocation);
      // Recorded for the index with the pending row, in one transaction, and the alarm pushes it if the push below fails.
      this.runIndex().accepted(invocation.runId, invocation.flow, invocation.origin ?? "async");
      await this.ctx.storage.setAlarm(Date.now());
      this.runIndex().acceptedCommitted(invocation.runId);
      return Response.json({ run_id: invocation.runId, status: "running" }, { status: 202 });
    }

    override async alarm(): Promise<void> {
      const indexed = this.runIndex().flush();
      let nextWake: number | undefined;
      for (const invocation of pendingInvocations(this.ctx.storage)) {
        // Re-invoking a run id continues it from the journal: a previous alarm cut short by an
        // evicted isolate loses nothing and repeats no completed node. Long sleeps and retry
        // backoffs suspend the run, and a halt with a deadline stays halted until it: both
        // come back here through the next alarm instead of holding memory.
        const outcome = await this.#run({ ...invocation, suspendAfterMs: IN_MEMORY_WAIT_MS });
        const at = wakeTime(outcome);
        if (at !== undefined) nextWake = Math.min(nextWake ?? at, at);
        else dropPending(this.ctx.storage, invocation.runId);
        await this.runIndex().settled(invocation.runId, outcome);
      }
      if (nextWake !== undefined) await alarmBy(this.ctx.storage, nextWake);
      await indexed;
      await this.runIndex().afterAlarm();
    }

    /** An event for a run: journaled, and the run goes on if a wait of it takes the event. */
    async event(request: EventRunRequest): Promise<Response> {
      // A run started asynchronously may not have begun yet: its event is kept for it.
      const startPending = isPending(this.ctx.storage, request.runId);
      // An object that never journaled holds no run: answer without creating storage.
      if (!startPending && this.#journal === undefined && !hasSqlJournal(this.ctx.storage)) {
        return Response.json({
          runId: request.runId,
          eventId: request.id ?? "",
          status: "refused",
          error: { code: "RUN404", message: `no run with id ${request.runId}`, retryable: false, details: {} },
        });
      }
      const delivery = await (await this.kernel()).deliver({
        ...request,
        suspendAfterMs: IN_REQUEST_WAIT_MS,
        startPending,
      });
      if (delivery.outcome !== undefined) await carryForward(this.ctx.storage, delivery.outcome);
      return Response.json(delivery);
    }

    async resume(request: ResumeRunRequest): Promise<Response> {
      const kernel = await this.kernel();
      const { flow } = await kernel.status(request.runId);
      if (flow !== undefined && remote?.handles(flow)) {
        const metadata = await this.ctx.storage.get<Record<string, unknown>>(remoteMetadataKey(request.runId));
        const resumed = {
          runId: request.runId,
          flow,
          checkpoint: request.checkpoint,
          token: request.halt,
          payload: request.payload,
          ...(metadata === undefined ? {} : { metadata }),
        };
        return Response.json(await this.#remotely(request.runId, (signal) => remote.resume(this.env, resumed, signal)));
      }
      const outcome = await kernel.resume({
        runId: request.runId,
        checkpoint: request.checkpoint,
        token: request.halt,
        payload: request.payload,
        suspendAfterMs: IN_REQUEST_WAIT_MS,
      });
      await carryForward(this.ctx.storage, outcome);
      return Response.json(outcome);
    }
  };
}
