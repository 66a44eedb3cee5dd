import { Container, type OutboundHandler, type State, type StopParams } from "@cloudflare/containers";
import { BUS_HOST, DEFAULT_BUS_URL, FLOWS_META_HEADER, type FlowsMeta, NDJSON_TYPE } from "@flows/caps/bus";
import type { WorkerEnv } from "../config";
import { CONTAINER_ERROR_CODES, type ContainerFailure, containerFailure, crashLoopDetected } from "./errors";
import { createContainerLedger } from "./ledger";
import { restartsAfter } from "./restart-policy";
import type { ContainerSettings } from "./settings";

/** Work for the container: `/run` or `/resume` a whole flow or one `/node`, for one run. */
export interface ContainerCall {
  readonly path: "/run" | "/resume" | "/node";
  /** The node alias of a `/node` call, so a cancellation of that node alone reaches it. */
  readonly node?: string;
  /** The instance name the Worker addressed (its key, `instance-<n>` or an always_on name). */
  readonly instance: string;
  readonly meta: FlowsMeta;
  readonly body: unknown;
  /** Capabilities the bus serves for this run while the call lasts (what the flow or node declared). */
  readonly capabilities: readonly string[];
  /** Whether the run's journal is reachable over the bus (whole flows journal there). */
  readonly journal: boolean;
  /** Repeating the call after the process died changes nothing that already happened. */
  readonly replaySafe: boolean;
  /** What to send instead when repeating after a restart (a resume continues as a `/run`). */
  readonly repeat?: { readonly path: "/run"; readonly body: unknown };
  /** Ask for a streamed answer (NDJSON), which the runtime gives when there are values to stream. */
  readonly stream?: boolean;
}

export interface ContainerAnswer {
  readonly status: number;
  readonly body: unknown;
  /** A streamed answer's NDJSON lines; the bus keeps serving the run until it ends. */
  readonly stream?: ReadableStream<Uint8Array>;
}

/** One call in flight, so a cancellation can reach it. */
interface InFlight {
  readonly node: string | undefined;
  readonly abort: AbortController;
  cancelled: boolean;
}

/** What the bus may serve to a container for one run: only while the Worker has work there. */
export interface BusGrant {
  readonly flow_id: string;
  readonly capabilities: readonly string[];
  readonly journal: boolean;
}

export interface ContainerStatus {
  readonly name: string;
  readonly state: string;
  readonly running: boolean;
  readonly policy: ContainerSettings["restartPolicy"];
  readonly always_on: boolean;
  readonly crashes: number;
  readonly crashes_total: number;
  readonly crash_loop: { readonly max_crashes: number; readonly window_ms: number; readonly tripped_at: string | null };
  readonly last_exit: { readonly code: number; readonly at: string; readonly crash: boolean } | null;
}

/** The RPC surface of a container instance, as the Worker's routes and nodes call it. */
export interface ContainerInstance {
  call(call: ContainerCall): Promise<ContainerAnswer>;
  /**
   * Cancels the run's calls in flight here (only those of `node`, when given): the runtime aborts
   * their signals (`POST /cancel`), or, when it cannot be reached, the calls are cut off.
   */
  cancel(meta: FlowsMeta, node?: string): Promise<{ readonly calls: number; readonly reached: boolean }>;
  busGrant(runId: string): Promise<BusGrant | null>;
  status(instance: string): Promise<ContainerStatus>;
  reset(instance: string): Promise<ContainerStatus>;
  keepAlive(instance: string): Promise<ContainerStatus>;
}

/** How often an always_on instance that is down is looked at again. */
const RECONCILE_MS = 5_000;
/** How long a request waits for a process that stopped answering to be reported stopped. */
const STOP_SETTLE_MS = 5_000;

const log = (fields: Record<string, unknown>) => console.log(JSON.stringify({ ...fields, component: "container" }));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const cancelledFailure = (runId: string) => ({
  error: `run ${runId} was cancelled`,
  code: "RUN499",
  details: { run_id: runId, retryable: false },
});

/**
 * The `@cloudflare/containers` Container subclass that runs a project's container nodes and
 * flows. It forwards `/run` and `/node` with the `x-flows-meta` header, serves the host command
 * bus through `outboundByHost[BUS_HOST]` (so the container holds no credentials), restarts per
 * `restart_policy`, stops restarting after `max_crashes` inside `window_ms` (CrashLoopDetected),
 * and keeps `always_on` instances up with its alarm.
 */
export function createContainerClass(settings: ContainerSettings, busOutbound: OutboundHandler<WorkerEnv>) {
  class FlowContainer<Env = unknown> extends Container<Env> implements ContainerInstance {
    override defaultPort = settings.port;
    override sleepAfter: string | number = settings.sleepAfter;
    override envVars = { ...settings.env, FLOWS_BUS_URL: DEFAULT_BUS_URL };
    readonly #ledger = createContainerLedger(this.ctx.storage.sql, settings.crashLoop);
    /** Grants by run id: one per call in flight, so parallel nodes of a run each keep theirs. */
    readonly #serving = new Map<string, BusGrant[]>();
    /** Calls in flight by run id. */
    readonly #inFlight = new Map<string, Set<InFlight>>();

    #name(): string {
      return this.ctx.id.name ?? this.#ledger.name() ?? this.ctx.id.toString();
    }

    #alwaysOn(): boolean {
      return settings.alwaysOn.includes(this.#name());
    }

    #running(): boolean {
      return this.ctx.container?.running === true;
    }

    async call(call: ContainerCall): Promise<ContainerAnswer> {
      this.#ledger.setName(call.instance);
      const runId = call.meta.run_id;
      const grant: BusGrant = { flow_id: call.meta.flow_id, capabilities: call.capabilities, journal: call.journal };
      const grants = this.#serving.get(runId) ?? [];
      grants.push(grant);
      this.#serving.set(runId, grants);
      const inFlight: InFlight = { node: call.node, abort: new AbortController(), cancelled: false };
      const calls = this.#inFlight.get(runId) ?? new Set<InFlight>();
      calls.add(inFlight);
      this.#inFlight.set(runId, calls);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        grants.splice(grants.indexOf(grant), 1);
        if (grants.length === 0) this.#serving.delete(runId);
        calls.delete(inFlight);
        if (calls.size === 0) this.#inFlight.delete(runId);
      };
      let handedOff = false;
      try {
        let { path, body } = call;
        // Each failed attempt is a recorded crash, so protection ends the loop; the bound is a backstop.
        for (let attempt = 1; attempt <= settings.crashLoop.maxCrashes + 1; attempt += 1) {
          const refused = await this.#ensureRunning();
          if (refused) return { status: 503, body: refused };
          if (inFlight.cancelled) return { status: 499, body: cancelledFailure(runId) };
          const servedBy = (await this.getState()).lastChange;
          const response = await this.containerFetch(
            new Request(`http://container${path}`, {
              method: "POST",
              headers: {
                "content-type": "application/json",
                [FLOWS_META_HEADER]: JSON.stringify(call.meta),
                ...(call.stream === true ? { accept: `${NDJSON_TYPE}, application/json` } : {}),
              },
              body: JSON.stringify(body),
              signal: inFlight.abort.signal,
            }),
          );
          const type = response.headers.get("content-type") ?? "";
          if (call.stream === true && type.includes(NDJSON_TYPE) && response.body !== null) {
            // The run goes on while the lines stream: the bus keeps serving it until they end.
            const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
            void response.body
              .pipeTo(writable)
              .catch(() => {})
              .finally(release);
            handedOff = true;
            return { status: response.status, body: null, stream: readable };
          }
          // The runtime answers JSON; anything else is the library telling us the process went away.
          if (type.includes("application/json")) {
            return { status: response.status, body: await response.json() };
          }
          const reason = await response.text();
          if (inFlight.cancelled) return { status: 499, body: cancelledFailure(runId) };
          const stopped = await this.#settledStop(STOP_SETTLE_MS, servedBy);
          if (stopped === undefined) {
            return {
              status: 503,
              body: containerFailure(CONTAINER_ERROR_CODES.unavailable, `the container did not answer: ${reason}`),
            };
          }
          this.#observe(stopped);
          if (!call.replaySafe) {
            return {
              status: 503,
              body: containerFailure(
                CONTAINER_ERROR_CODES.lost,
                `the container process exited while serving ${call.path} and the call is not safe to repeat`,
                { instance: this.#name(), exit_code: this.#ledger.view(Date.now()).lastExit?.exitCode ?? null },
              ),
            };
          }
          if (call.repeat !== undefined) ({ path, body } = call.repeat);
          log({ level: "warn", message: "container call repeated after a restart", run_id: runId, attempt });
        }
        return {
          status: 503,
          body: containerFailure(CONTAINER_ERROR_CODES.lost, `the container kept exiting while serving ${call.path}`),
        };
      } finally {
        if (!handedOff) release();
      }
    }

    async cancel(meta: FlowsMeta, node?: string): Promise<{ calls: number; reached: boolean }> {
      const calls = [...(this.#inFlight.get(meta.run_id) ?? [])].filter(
        (call) => node === undefined || call.node === node,
      );
      if (calls.length === 0) return { calls: 0, reached: false };
      for (const call of calls) call.cancelled = true;
      let reached = false;
      // Never start a process just to cancel: a stopped one runs nothing.
      if (this.#running()) {
        try {
          const response = await this.containerFetch(
            new Request("http://container/cancel", {
              method: "POST",
              headers: { "content-type": "application/json", [FLOWS_META_HEADER]: JSON.stringify(meta) },
              body: JSON.stringify(node === undefined ? {} : { node }),
            }),
          );
          // Reached only when it found the work: a request still on its way there is cut off below.
          const json = (response.headers.get("content-type") ?? "").includes("json");
          const answer = json ? ((await response.json()) as { cancelled?: unknown }) : {};
          if (!json) await response.body?.cancel();
          reached = response.status === 200 && typeof answer.cancelled === "number" && answer.cancelled > 0;
        } catch {
          reached = false;
        }
      }
      // A runtime that could not be told is cut off instead: its work is interrupted, not finished.
      if (!reached) for (const call of calls) call.abort.abort(cancelledFailure(meta.run_id));
      log({ level: "info", message: "container run cancelled", run_id: meta.run_id, node, reached });
      return { calls: calls.length, reached };
    }

    async busGrant(runId: string): Promise<BusGrant | null> {
      const grants = this.#serving.get(runId);
      const [first] = grants ?? [];
      if (grants === undefined || first === undefined) return null;
      return {
        flow_id: first.flow_id,
        capabilities: [...new Set(grants.flatMap((grant) => grant.capabilities))],
        journal: grants.some((grant) => grant.journal),
      };
    }

    async status(instance: string): Promise<ContainerStatus> {
      this.#ledger.setName(instance);
      const state = await this.getState();
      if (!this.#running() && state.status === "stopped_with_code") this.#observe(state);
      return this.#status(state);
    }

    async reset(instance: string): Promise<ContainerStatus> {
      this.#ledger.setName(instance);
      this.#ledger.reset();
      log({ level: "info", message: "container crash history reset", instance });
      if (this.#alwaysOn()) await this.#ensureRunning();
      return this.#status(await this.getState());
    }

    /** Starts an always_on instance when it is down and arms the reconciliation alarm. */
    async keepAlive(instance: string): Promise<ContainerStatus> {
      this.#ledger.setName(instance);
      if (this.#alwaysOn()) {
        await this.#ensureRunning();
        await this.#armReconcile();
      }
      return this.#status(await this.getState());
    }

    override onStart(): void {
      this.#ledger.started();
      log({ level: "info", message: "container started", instance: this.#name() });
    }

    override async onStop(params: StopParams): Promise<void> {
      const state = await this.getState();
      const outcome = this.#record(String(state.lastChange), params.exitCode);
      if (outcome.first && restartsAfter(settings.restartPolicy, outcome)) this.#ledger.setRestartPending(true);
    }

    /** Start failures: a process that exited before it was healthy counts as a crash. */
    override async onError(error: unknown): Promise<unknown> {
      log({
        level: "error",
        message: "container error",
        instance: this.#name(),
        error: error instanceof Error ? error.message : String(error),
      });
      if (!this.#running()) {
        const stopped = await this.#settledStop(1_000);
        if (stopped !== undefined) this.#observe(stopped);
      }
      return error;
    }

    /** Idle instances sleep, except always_on ones; a requested stop is not a crash. */
    override async onActivityExpired(): Promise<void> {
      if (this.#alwaysOn()) {
        this.renewActivityTimeout();
        return;
      }
      this.#ledger.stopRequested();
      await super.onActivityExpired();
    }

    override async alarm(alarmProps?: AlarmInvocationInfo): Promise<void> {
      await super.alarm(alarmProps);
      // After the library's own alarm: it may delete the alarm when the process is down, which
      // would cancel a restart scheduled from inside it.
      await this.#reconcile();
    }

    async #reconcile(): Promise<void> {
      if (this.#running()) return;
      const state = await this.getState();
      if (state.status === "stopped_with_code") this.#observe(state);
      const alwaysOn = this.#alwaysOn();
      if (!alwaysOn && !this.#ledger.restartPending()) return;
      this.#ledger.setRestartPending(false);
      if (this.#ledger.view(Date.now()).trippedAt !== undefined) return;
      try {
        await this.startAndWaitForPorts();
      } catch (error) {
        log({ level: "warn", message: "container restart failed", instance: this.#name(), error: String(error) });
        const stopped = await this.#settledStop(1_000);
        if (stopped !== undefined) this.#observe(stopped);
        if (this.#ledger.view(Date.now()).trippedAt === undefined) this.#ledger.setRestartPending(true);
      }
      if (alwaysOn || this.#ledger.restartPending()) await this.#armReconcile();
    }

    async #armReconcile(): Promise<void> {
      if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + RECONCILE_MS);
    }

    /** Records a stop the library reported with an exit code (once, however many paths see it). */
    #observe(state: State): void {
      if (state.status !== "stopped_with_code") return;
      const outcome = this.#record(String(state.lastChange), state.exitCode ?? 0);
      if (outcome.first && restartsAfter(settings.restartPolicy, outcome)) this.#ledger.setRestartPending(true);
    }

    #record(key: string, exitCode: number) {
      const outcome = this.#ledger.recordStop(key, exitCode, Date.now());
      if (outcome.first) {
        log({
          level: outcome.crash ? "warn" : "info",
          message: outcome.tripped ? "container crash loop detected" : "container stopped",
          instance: this.#name(),
          exit_code: exitCode,
          crash: outcome.crash,
          policy: settings.restartPolicy,
        });
      }
      return outcome;
    }

    /**
     * Waits until a process that stopped answering is reported stopped, or was already replaced
     * (its state changed since `since`, e.g. the alarm restarted it); undefined if it still runs.
     */
    async #settledStop(limitMs: number, since?: number): Promise<State | undefined> {
      const until = Date.now() + limitMs;
      for (;;) {
        const state = await this.getState();
        if (!this.#running() && state.status !== "running" && state.status !== "healthy") return state;
        if (since !== undefined && state.lastChange !== since) return state;
        if (Date.now() > until) return undefined;
        await sleep(25);
      }
    }

    #refusal(): ContainerFailure | undefined {
      const view = this.#ledger.view(Date.now());
      if (view.trippedAt !== undefined) {
        return crashLoopDetected(this.#name(), view.crashesInWindow, settings.crashLoop.windowMs, view.trippedAt);
      }
      if (settings.restartPolicy === "never" && view.downFromCrash && !this.#alwaysOn()) {
        return containerFailure(
          CONTAINER_ERROR_CODES.down,
          `container instance "${this.#name()}" crashed and its restart policy is never: it stays down until POST /containers/${this.#name()}/reset`,
          { instance: this.#name(), exit_code: view.lastExit?.exitCode ?? null },
        );
      }
      return undefined;
    }

    /** Starts the process when the policy allows; a refusal is the typed error the caller answers. */
    async #ensureRunning(): Promise<ContainerFailure | undefined> {
      for (let attempt = 0; attempt <= settings.crashLoop.maxCrashes + 1; attempt += 1) {
        if (!this.#running()) this.#observe(await this.getState());
        const refused = this.#refusal();
        if (refused) return refused;
        if (this.#running() && (await this.getState()).status === "healthy") return undefined;
        try {
          await this.startAndWaitForPorts();
          return undefined;
        } catch (error) {
          if (this.#running()) {
            return containerFailure(CONTAINER_ERROR_CODES.unavailable, `the container did not become ready: ${error}`);
          }
          // It exited while starting (onError recorded it): try again unless that tripped protection.
          const stopped = await this.#settledStop(1_000);
          if (stopped !== undefined) this.#observe(stopped);
        }
      }
      return containerFailure(CONTAINER_ERROR_CODES.unavailable, "the container could not be started");
    }

    #status(state: State): ContainerStatus {
      const view = this.#ledger.view(Date.now());
      const refusal = this.#refusal();
      return {
        name: this.#name(),
        state:
          refusal?.code === CONTAINER_ERROR_CODES.crashLoop
            ? "crash_loop"
            : refusal?.code === CONTAINER_ERROR_CODES.down
              ? "down"
              : state.status,
        running: this.#running(),
        policy: settings.restartPolicy,
        always_on: this.#alwaysOn(),
        crashes: view.crashesInWindow,
        crashes_total: view.crashesTotal,
        crash_loop: {
          max_crashes: settings.crashLoop.maxCrashes,
          window_ms: settings.crashLoop.windowMs,
          tripped_at: view.trippedAt === undefined ? null : new Date(view.trippedAt).toISOString(),
        },
        last_exit:
          view.lastExit === undefined
            ? null
            : {
                code: view.lastExit.exitCode,
                at: new Date(view.lastExit.at).toISOString(),
                crash: view.lastExit.crash,
              },
      };
    }
  }
  // The library keys outbound handlers by class name; the exported name is the manifest's.
  Object.defineProperty(FlowContainer, "name", { value: settings.className });
  // The platform hands the handler the Worker's env, whatever the project calls its type.
  FlowContainer.outboundByHost = { [BUS_HOST]: busOutbound as unknown as OutboundHandler };
  return FlowContainer;
}
