import type { CapabilityRegistry, ManifestLike } from "@flows/caps";
import { validatingFlowReader } from "@flows/kernel";
import type { FlowWorkerConfig, ReadingConfig, WorkerEnv } from "./config";
import type { FlowContainerClass } from "./container/container-class";
import type { ContainerEnvBuilder } from "./container/start-env";
import { buildFlowWorker } from "./create-flow-worker";
import { withFlowSources } from "./flow-sources";

/** What a whole project hands to `createProjectWorker`. */
export interface ProjectWorkerConfig<Env extends WorkerEnv = WorkerEnv>
  extends Omit<FlowWorkerConfig<Env>, "caps" | "capabilities" | "manifest"> {
  /** The project manifest (flows.config.json): bindings, secrets, triggers, container. */
  readonly manifest: ManifestLike;
  /**
   * The capabilities the flows use, each with its Cloudflare provider, e.g.
   * `createCapabilityRegistry([kvCapability], { providers: [cloudflareKvProvider] })`.
   * Only what is registered here is bundled.
   */
  readonly caps: CapabilityRegistry;
  /**
   * Container support, `containers` from "@flows/host-workers/container": needed when the
   * manifest has a `container` section, and the only import that brings in
   * `@cloudflare/containers`.
   */
  readonly containers?: ProjectContainers;
  /**
   * Extra environment variables for each container instance, by its name (e.g. a token scoped
   * to that tenant), computed when the instance starts. They join the manifest's `env` and the
   * secrets `container.secrets` names; `PORT` and `FLOWS_*` stay the runtime's own.
   */
  readonly containerEnv?: ContainerEnvBuilder<Env>;
}

/** A project's Worker: the handlers, the run Durable Object class and, with a container, its class. */
export type ProjectWorker<Env extends WorkerEnv> = ReturnType<typeof buildFlowWorker<Env>> & {
  readonly FlowContainer: FlowContainerClass | undefined;
  fetch(request: Request, env: Env, ctx?: ExecutionContext): Promise<Response>;
};

/** Builds a project's Worker with its container (the manifest has a `container` section). */
export type ProjectContainers = <Env extends WorkerEnv>(config: ProjectFlowConfig<Env>) => ProjectWorker<Env>;

/** The Flow Worker configuration of a project, with the manifest and capabilities required. */
export type ProjectFlowConfig<Env extends WorkerEnv> = ReadingConfig<Env> & {
  readonly manifest: ManifestLike;
  readonly caps: CapabilityRegistry;
  readonly containerEnv?: ContainerEnvBuilder<Env>;
};

/**
 * The entry for a whole project: its flows, node implementations and manifest, with the
 * capabilities given in `caps` served by the bindings the manifest names. The first request
 * checks every flow's capabilities (CAP101, DAG203) before anything runs. `flows publish
 * workers` generates a module that calls this with exactly the capabilities its flows use.
 *
 * With a `container` section in the manifest, pass `containers` from
 * "@flows/host-workers/container": the result then has `FlowContainer`, the Container class to
 * export under `container.class_name` (export `ContainerProxy` from "@cloudflare/containers"
 * beside it), and container nodes and flows run there.
 */
export function createProjectWorker<Env extends WorkerEnv>(given: ProjectWorkerConfig<Env>): ProjectWorker<Env> {
  return buildProjectWorker<Env>({ ...given, readFlow: validatingFlowReader });
}

/** `createProjectWorker` with the way of reading flow documents settled (see `./published`). */
export function buildProjectWorker<Env extends WorkerEnv>(
  given: ProjectWorkerConfig<Env> & { readonly readFlow: ReadingConfig<Env>["readFlow"] },
): ProjectWorker<Env> {
  const project = withFlowSources<Env, typeof given>(given);
  const triggers = (project.manifest as { triggers?: ManifestTriggers }).triggers;
  const queues =
    project.queues ??
    Object.fromEntries(
      Object.entries(triggers?.queues ?? {}).map(([name, queue]) => [
        name,
        {
          flow: queue.flow,
          ...(queue.max_retries === undefined ? {} : { maxRetries: queue.max_retries }),
          ...(queue.retry_delay_seconds === undefined ? {} : { retryDelaySeconds: queue.retry_delay_seconds }),
          ...(queue.dead_letter_queue === undefined ? {} : { deadLetterQueue: queue.dead_letter_queue }),
        },
      ]),
    );
  const crons = project.crons ?? triggers?.crons;
  const eventQueues = project.eventQueues ?? triggers?.event_queues;
  const { containers, ...rest } = project;
  const config: ProjectFlowConfig<Env> = {
    ...rest,
    queues,
    ...(crons === undefined ? {} : { crons }),
    ...(eventQueues === undefined ? {} : { eventQueues }),
  };
  if ((project.manifest as { container?: unknown }).container === undefined) {
    return { ...buildFlowWorker<Env>(config), FlowContainer: undefined };
  }
  if (containers !== undefined) return containers(config);
  // Answering on the first request (not throwing while the module loads) keeps the Worker up
  // and says what to change.
  const worker = buildFlowWorker<Env>(config, {
    preflight: () => ({
      code: "HOST501",
      message:
        'the manifest has a container section but createProjectWorker was not given container support: pass `containers` from "@flows/host-workers/container"',
    }),
  });
  return { ...worker, FlowContainer: undefined };
}

/** The `triggers` section of flows.config.json, as the manifest schema defines it. */
interface ManifestTriggers {
  readonly queues?: Readonly<
    Record<string, { flow: string; dead_letter_queue?: string; max_retries?: number; retry_delay_seconds?: number }>
  >;
  readonly crons?: Readonly<Record<string, readonly string[]>>;
  readonly event_queues?: readonly string[];
}
