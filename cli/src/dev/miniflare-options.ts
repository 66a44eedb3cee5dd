import { dirname, join } from "node:path";
import {
  DEFAULT_COMPATIBILITY_DATE,
  DEFAULT_COMPATIBILITY_FLAGS,
  DEFAULT_CONTAINER_BINDING,
  DEFAULT_CONTAINER_CLASS,
  kebab,
  RUNS_BINDING,
  RUNS_CLASS,
  STATE_CLASS,
} from "../publish/names";
import type { Project } from "../publish/project";

export interface DevSettings {
  readonly scriptPath: string;
  readonly stateDir: string;
  readonly port: number;
  readonly host: string;
  /** Secrets and vars from .dev.vars and the environment. */
  readonly secrets: Readonly<Record<string, string>>;
}

/**
 * The Miniflare options serving a project the way its wrangler.jsonc declares it: the same
 * bindings (KV, R2, queues, Durable Objects on SQLite), vars and compatibility settings, with
 * every store persisted under the state directory so data survives a restart.
 */
export function miniflareOptions(project: Project, settings: DevSettings) {
  const { manifest } = project;
  const caps = manifest.capabilities;
  const kv = caps.kv?.binding;
  const r2 = caps.r2?.binding;
  const queue = caps.queue?.binding;
  const state = caps.do?.binding;
  const producers: Record<string, string> = {};
  if (queue !== undefined) producers[queue] = caps.queue?.queue_name ?? kebab(queue);
  const consumers: Record<string, { maxBatchTimeout: number; maxRetries?: number }> = {};
  for (const [name, trigger] of Object.entries(manifest.triggers?.queues ?? {})) {
    consumers[name] = {
      maxBatchTimeout: 1,
      ...(trigger.max_retries === undefined ? {} : { maxRetries: trigger.max_retries + 1 }),
    };
    if (trigger.dead_letter_queue !== undefined)
      producers[trigger.dead_letter_queue] ??= kebab(trigger.dead_letter_queue);
  }
  // Event queues: each message is an event for a run; the Worker acks or retries it itself.
  for (const name of manifest.triggers?.event_queues ?? []) consumers[name] ??= { maxBatchTimeout: 1 };
  const container = manifest.container;
  return {
    modules: true,
    scriptPath: settings.scriptPath,
    modulesRoot: dirname(settings.scriptPath),
    // The bundle imports its trimmed source map (worker.map.txt) as text, as wrangler attaches it.
    modulesRules: [{ type: "Text" as const, include: ["**/*.txt"] }],
    compatibilityDate: manifest.compatibility_date ?? DEFAULT_COMPATIBILITY_DATE,
    compatibilityFlags: [...(manifest.compatibility_flags ?? DEFAULT_COMPATIBILITY_FLAGS)],
    host: settings.host,
    port: settings.port,
    cf: false,
    // Crons run on request: GET /cdn-cgi/handler/scheduled?cron=<expression>.
    unsafeTriggerHandlers: true,
    ...(kv === undefined ? {} : { kvNamespaces: [kv] }),
    ...(r2 === undefined ? {} : { r2Buckets: [r2] }),
    ...(Object.keys(producers).length === 0 ? {} : { queueProducers: producers }),
    ...(Object.keys(consumers).length === 0 ? {} : { queueConsumers: consumers }),
    durableObjects: {
      [RUNS_BINDING]: { className: RUNS_CLASS, useSQLite: true },
      ...(state === undefined ? {} : { [state]: { className: STATE_CLASS, useSQLite: true } }),
      ...(container === undefined
        ? {}
        : {
            [container.binding ?? DEFAULT_CONTAINER_BINDING]: {
              className: container.class_name ?? DEFAULT_CONTAINER_CLASS,
              useSQLite: true,
            },
          }),
    },
    bindings: { ...manifest.vars, FLOWS_VERSION: "dev", ...settings.secrets },
    defaultPersistRoot: join(settings.stateDir, "state"),
    kvPersist: true,
    r2Persist: true,
    durableObjectsPersist: true,
    cachePersist: true,
  };
}
