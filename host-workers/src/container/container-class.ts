import { Container, type OutboundHandler, type StopParams } from "@cloudflare/containers";
import { BUS_HOST, DEFAULT_BUS_URL, type FlowsMeta } from "@flows/caps/bus";
import type { WorkerEnv } from "../config";
import { createBusGrants } from "./bus-grants";
import type { BusGrant, ContainerAnswer, ContainerCall, ContainerInstance, ContainerStatus } from "./container-types";
import { createForwarding, type ForwardHost } from "./forward";
import { createInFlight } from "./in-flight";
import { createContainerLedger } from "./ledger";
import { createLifecycle } from "./lifecycle";
import { log } from "./log";
import { createReconciler } from "./reconcile";
import type { ContainerSettings } from "./settings";
import { type ContainerEnvBuilder, startEnvironment } from "./start-env";

export type { BusGrant, ContainerAnswer, ContainerCall, ContainerInstance, ContainerStatus } from "./container-types";

/**
 * The `@cloudflare/containers` Container subclass that runs a project's container nodes and
 * flows. It forwards `/run` and `/node` with the `x-flows-meta` header, serves the host command
 * bus through `outboundByHost[BUS_HOST]` (so the container holds no credentials), restarts per
 * `restart_policy`, stops restarting after `max_crashes` inside `window_ms` (CrashLoopDetected),
 * and keeps `always_on` instances up with its alarm.
 */
/** The Container class a Worker exports under `container.class_name`. */
export type FlowContainerClass = new <Env = unknown>(
  ctx: ConstructorParameters<typeof Container>[0],
  env: Env,
) => Container<Env> & ContainerInstance;

/** What the runtime itself needs in its environment; nothing else may replace these. */
const RUNTIME_ENV = { FLOWS_BUS_URL: DEFAULT_BUS_URL };

export function createContainerClass<WorkerBindings extends WorkerEnv = WorkerEnv>(
  settings: ContainerSettings,
  busOutbound: OutboundHandler<WorkerEnv>,
  containerEnv?: ContainerEnvBuilder<WorkerBindings>,
): FlowContainerClass {
  class FlowContainer<Env = unknown> extends Container<Env> implements ContainerInstance {
    override defaultPort = settings.port;
    override sleepAfter: string | number = settings.sleepAfter;
    override enableInternet = settings.enableInternet;
    // Without secrets: those are added at each start (below), so they exist only in the start call.
    override envVars: Record<string, string> = { ...settings.env, ...RUNTIME_ENV };
    readonly #ledger = createContainerLedger(this.ctx.storage.sql, settings.crashLoop);
    readonly #grants = createBusGrants();
    readonly #host: ForwardHost = {
      getState: () => this.getState(),
      running: () => this.ctx.container?.running === true,
      start: () => this.#start(),
      name: () => this.ctx.id.name ?? this.#ledger.name() ?? this.ctx.id.toString(),
      alwaysOn: () => settings.alwaysOn.includes(this.#host.name()),
      fetch: (request) => this.containerFetch(request),
    };
    readonly #lifecycle = createLifecycle(settings, this.#ledger, this.#host);
    readonly #reconciler = createReconciler(this.#ledger, this.#lifecycle, this.#host, this.ctx.storage);
    readonly #forwarding = createForwarding({
      settings,
      ledger: this.#ledger,
      lifecycle: this.#lifecycle,
      grants: this.#grants,
      inFlight: createInFlight(),
      host: this.#host,
    });

    /**
     * Starts the process with the whole environment: the manifest's env, the named Worker secrets
     * and the per-instance builder's variables. Kept as `envVars` too, so a start the library
     * makes by itself (a request racing a crash) gets the same, never one without the secrets.
     */
    async #start(): Promise<void> {
      const envVars = await startEnvironment(
        settings,
        { PORT: String(settings.port), ...RUNTIME_ENV },
        // The class is generic over Env for the library; it is the Worker's env all the same.
        this.env as unknown as WorkerBindings,
        this.#host.name(),
        containerEnv,
      );
      this.envVars = envVars;
      await this.startAndWaitForPorts({ startOptions: { envVars, enableInternet: settings.enableInternet } });
    }

    async call(call: ContainerCall): Promise<ContainerAnswer> {
      this.#ledger.setName(call.instance);
      return this.#forwarding.call(call);
    }

    async cancel(meta: FlowsMeta, node?: string): Promise<{ calls: number; reached: boolean }> {
      return this.#forwarding.cancel(meta, node);
    }

    async busGrant(runId: string): Promise<BusGrant | null> {
      return this.#grants.of(runId);
    }

    async status(instance: string): Promise<ContainerStatus> {
      this.#ledger.setName(instance);
      const state = await this.getState();
      if (!this.#host.running()) this.#lifecycle.observe(state);
      return this.#lifecycle.status(state);
    }

    async reset(instance: string): Promise<ContainerStatus> {
      this.#ledger.setName(instance);
      this.#ledger.reset();
      log({ level: "info", message: "container crash history reset", instance });
      if (this.#host.alwaysOn()) await this.#lifecycle.ensureRunning();
      return this.#lifecycle.status(await this.getState());
    }

    /** Starts an always_on instance when it is down and arms the reconciliation alarm. */
    async keepAlive(instance: string): Promise<ContainerStatus> {
      this.#ledger.setName(instance);
      if (this.#host.alwaysOn()) {
        await this.#lifecycle.ensureRunning();
        await this.#reconciler.arm();
      }
      return this.#lifecycle.status(await this.getState());
    }

    override onStart(): void {
      this.#ledger.started();
      log({ level: "info", message: "container started", instance: this.#host.name() });
    }

    override async onStop(params: StopParams): Promise<void> {
      const state = await this.getState();
      this.#lifecycle.stopped(String(state.lastChange), params.exitCode);
    }

    /** Start failures: a process that exited before it was healthy counts as a crash. */
    override async onError(error: unknown): Promise<unknown> {
      log({
        level: "error",
        message: "container error",
        instance: this.#host.name(),
        error: error instanceof Error ? error.message : String(error),
      });
      if (!this.#host.running()) await this.#lifecycle.observeSettled();
      return error;
    }

    /** Idle instances sleep, except always_on ones; a requested stop is not a crash. */
    override async onActivityExpired(): Promise<void> {
      if (this.#host.alwaysOn()) {
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
      await this.#reconciler.reconcile();
    }
  }
  // The library keys outbound handlers by class name; the exported name is the manifest's.
  Object.defineProperty(FlowContainer, "name", { value: settings.className });
  // Needed: the library types handlers by the project's global Cloudflare.Env, which WorkerEnv cannot name.
  FlowContainer.outboundByHost = { [BUS_HOST]: busOutbound as unknown as OutboundHandler };
  return FlowContainer;
}

/** A container instance as its Durable Object namespace serves it. */
export type FlowContainerObject = InstanceType<ReturnType<typeof createContainerClass>>;
