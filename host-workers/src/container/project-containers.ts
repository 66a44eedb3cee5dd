import { bindingNames, type FlowWorkerConfig, type WorkerEnv } from "../config";
import { buildFlowWorker, readFlows } from "../create-flow-worker";
import type { ProjectFlowConfig, ProjectWorker } from "../project-worker";
import { createBusOutbound } from "./bus-outbound";
import { createContainerClass } from "./container-class";
import { createPlacement } from "./placement";
import { containerRoutes } from "./routes";
import { type ContainerSettings, containerSettings } from "./settings";

/**
 * Container support for `createProjectWorker`: container nodes and whole flows are placed in
 * the Container class it returns as `FlowContainer`, their capability calls served over the
 * host command bus from the Worker's own bindings.
 */
export function containers<Env extends WorkerEnv>(config: ProjectFlowConfig<Env>): ProjectWorker<Env> {
  const settings = containerSettings(config.manifest);
  if (settings === undefined) return { ...buildFlowWorker<Env>(config), FlowContainer: undefined };

  const flows = readFlows(config);
  const placement = createPlacement(settings, flows, config.caps);
  const own = config.nodes;
  const worker = buildFlowWorker<Env>(
    { ...config, nodes: (env) => placement.nodes(env, typeof own === "function" ? own(env) : (own ?? {})) },
    {
      remote: {
        handles: placement.isContainerFlow,
        run: placement.run,
        stream: placement.stream,
        resume: placement.resume,
      },
      routes: containerRoutes(placement),
      preflight: (env) => containerPreflight(settings, env),
    },
  );
  const FlowContainer = createContainerClass<Env>(
    settings,
    createBusOutbound({
      registry: config.caps,
      manifest: config.manifest,
      containerBinding: settings.binding,
      runsBinding: bindingNames(config as FlowWorkerConfig<never>).runs,
    }),
    config.containerEnv,
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

/** DAG203 before any work: the Container class's binding, and every secret the container is to get. */
function containerPreflight(settings: ContainerSettings, env: WorkerEnv) {
  if (env[settings.binding] === undefined) {
    return {
      code: "DAG203",
      message: `the manifest places work in a container but the Durable Object binding ${settings.binding} is missing: bind the Container class (${settings.className}) under that name`,
      details: { binding: settings.binding },
    };
  }
  const missing = settings.secrets.filter((name) => typeof env[name] !== "string" || env[name] === "");
  if (missing.length === 0) return undefined;
  return {
    code: "DAG203",
    message: `container.secrets names ${missing.join(", ")}, not set in the Worker: set each with \`wrangler secret put <NAME>\` (or in .dev.vars locally)`,
    details: { secrets: missing },
  };
}
