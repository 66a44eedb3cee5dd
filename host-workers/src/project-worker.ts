import { doCapability } from "@flows/cap-do";
import { cloudflareDoProvider } from "@flows/cap-do/workers";
import { kvCapability } from "@flows/cap-kv";
import { cloudflareKvProvider } from "@flows/cap-kv/workers";
import { queueCapability } from "@flows/cap-queue";
import { cloudflareQueueProvider } from "@flows/cap-queue/workers";
import { r2Capability } from "@flows/cap-r2";
import { cloudflareR2Provider } from "@flows/cap-r2/workers";
import { createCapabilityRegistry, type ManifestLike } from "@flows/caps";
import { type FlowIR, validate } from "@flows/flow-ir";
import { bindingNames, type FlowWorkerConfig, type WorkerEnv } from "./config";
import { createBusOutbound } from "./container/bus-outbound";
import { createContainerClass } from "./container/container-class";
import { createPlacement } from "./container/placement";
import { containerRoutes } from "./container/routes";
import { containerSettings } from "./container/settings";
import { createFlowWorker } from "./create-flow-worker";
import { errorResponse } from "./envelope";
import { withFlowSources } from "./flow-sources";

/** Every bundled capability with its Cloudflare binding provider. */
export const workersCapabilities = createCapabilityRegistry(
  [kvCapability, r2Capability, queueCapability, doCapability],
  {
    providers: [cloudflareKvProvider, cloudflareR2Provider, cloudflareQueueProvider, cloudflareDoProvider],
  },
);

/**
 * The default entry for a whole project: its flows, node implementations and manifest, with
 * every bundled capability (KV, R2, Queues, Durable Objects) served by the bindings the
 * manifest names. `flows publish workers` generates a module that calls this.
 *
 * With a `container` section in the manifest it also returns `FlowContainer`, the Container
 * class to export under `container.class_name` (export `ContainerProxy` from
 * "@cloudflare/containers" beside it): container nodes and flows then run there.
 */
export function createProjectWorker<Env extends WorkerEnv>(
  given: Omit<FlowWorkerConfig<Env>, "caps" | "capabilities" | "manifest"> & { readonly manifest: ManifestLike },
) {
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
  const config: FlowWorkerConfig<Env> = {
    ...project,
    caps: workersCapabilities,
    queues,
    ...(crons === undefined ? {} : { crons }),
  };
  const settings = containerSettings(project.manifest);
  if (settings === undefined) return { ...createFlowWorker<Env>(config), FlowContainer: undefined };

  const flows = project.flows.flatMap((document) => {
    const flow = validate(document).flow;
    return flow === undefined ? [] : [flow as FlowIR];
  });
  const placement = createPlacement(settings, flows, workersCapabilities);
  const own = project.nodes;
  const worker = createFlowWorker<Env>(
    { ...config, nodes: (env) => placement.nodes(env, typeof own === "function" ? own(env) : own) },
    {
      remote: {
        handles: placement.isContainerFlow,
        run: placement.run,
        stream: placement.stream,
        resume: placement.resume,
      },
      routes: containerRoutes(placement),
      preflight: (env) =>
        env[settings.binding] === undefined
          ? errorResponse({
              code: "DAG203",
              message: `the manifest places work in a container but the Durable Object binding ${settings.binding} is missing: bind the Container class (${settings.className}) under that name`,
              details: { binding: settings.binding },
            })
          : undefined,
    },
  );
  const FlowContainer = createContainerClass(
    settings,
    createBusOutbound({
      registry: workersCapabilities,
      manifest: project.manifest,
      containerBinding: settings.binding,
      runsBinding: bindingNames(config as FlowWorkerConfig<never>).runs,
    }),
  );

  // always_on instances are started by the first request or cron an isolate sees; from then
  // on each one's own alarm keeps it up.
  let kicked = false;
  const keepAlive = (env: Env, waitUntil: (promise: Promise<unknown>) => void) => {
    // Without the binding the first request answers DAG203 (preflight); nothing to keep alive.
    if (kicked || settings.alwaysOn.length === 0 || env[settings.binding] === undefined) return;
    kicked = true;
    waitUntil(
      Promise.all(settings.alwaysOn.map((name) => placement.instance(env, name).keepAlive(name))).catch((error) => {
        kicked = false;
        console.log(JSON.stringify({ level: "error", message: "always_on start failed", error: String(error) }));
      }),
    );
  };

  return {
    ...worker,
    FlowContainer,
    fetch(request: Request, env: Env, ctx?: ExecutionContext): Promise<Response> {
      if (ctx !== undefined) keepAlive(env, (promise) => ctx.waitUntil(promise));
      return worker.fetch(request, env);
    },
    scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
      keepAlive(env, (promise) => ctx.waitUntil(promise));
      return worker.scheduled(controller, env, ctx);
    },
  };
}

/** The `triggers` section of flows.config.json, as the manifest schema defines it. */
interface ManifestTriggers {
  readonly queues?: Readonly<
    Record<string, { flow: string; dead_letter_queue?: string; max_retries?: number; retry_delay_seconds?: number }>
  >;
  readonly crons?: Readonly<Record<string, readonly string[]>>;
}
