import { type JournalEntry, systemClock } from "@flows/kernel";
import { bindingNames, type FlowWorkerConfig, type ReadingConfig, type WorkerEnv } from "../config";
import { DEFAULT_SHARDS } from "./address";
import { indexRoute as route } from "./internal-routes";
import { RunIndexReporter } from "./reporter";

export type { RunIndexReporter } from "./reporter";

/** The run namespace, where index shards and the directory live beside the runs. */
function runNamespace<Env extends WorkerEnv>(env: Env, config: ReadingConfig<Env>): DurableObjectNamespace {
  const name = bindingNames(config as FlowWorkerConfig<never>).runs;
  const namespace = env[name] as DurableObjectNamespace | undefined;
  if (namespace === undefined) throw new Error(`the Durable Object binding ${name} is missing`);
  return namespace;
}

/** A run object's index side, from the Worker's configuration. */
export function createIndexReporter<Env extends WorkerEnv>(
  ctx: DurableObjectState,
  env: Env,
  config: ReadingConfig<Env>,
  read: (runId: string) => Promise<readonly JournalEntry[]>,
): RunIndexReporter {
  const beforePush = config.index?.beforePush;
  return new RunIndexReporter({
    storage: ctx.storage,
    namespace: () => runNamespace(env, config),
    shards: config.index?.shards ?? DEFAULT_SHARDS,
    now: () => (config.clock ?? systemClock).now(),
    read,
    ...(beforePush === undefined ? {} : { beforePush: () => beforePush(env) }),
  });
}

/** An internal `/index/...` request to this object (a shard, the directory, or a run's refresh). */
export function indexRoute<Env extends WorkerEnv>(
  request: Request,
  path: string,
  ctx: DurableObjectState,
  env: Env,
  config: ReadingConfig<Env>,
  reporter: () => RunIndexReporter,
): Promise<Response> {
  return route(request, path, { storage: ctx.storage, namespace: () => runNamespace(env, config), reporter });
}
