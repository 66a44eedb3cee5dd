import type { ContainerImagePlan } from "./container-image";
import type { Migration } from "./migrations";
import {
  DEFAULT_COMPATIBILITY_DATE,
  DEFAULT_COMPATIBILITY_FLAGS,
  DEFAULT_CONTAINER_BINDING,
  DEFAULT_CONTAINER_CLASS,
  kebab,
  manifestSecretNames,
  OUT,
  RUNS_BINDING,
  RUNS_CLASS,
  STATE_CLASS,
} from "./names";
import type { Project } from "./project";

export interface WranglerOptions {
  readonly fingerprint: string;
  /** Durable Object migrations: the project's history plus a tag for classes new in this publish. */
  readonly migrations: readonly Migration[];
  /** wrangler's config schema, relative to the output directory (for editors). */
  readonly schema: string;
  /** The container image: the manifest's registry reference, or the Dockerfile to build. */
  readonly image?: ContainerImagePlan;
}

/**
 * Every secret the Worker reads, by name only: the host's two, the manifest's and those it hands
 * the container (the Container class passes them to the process as it starts it).
 */
export const secretNames = (project: Project) => manifestSecretNames(project.manifest);

/** The `containers[]` image fields: a Dockerfile of the user's builds in the output directory, by the bundle. */
function imageFields(plan: ContainerImagePlan | undefined): Record<string, string> {
  if (plan === undefined) return { image: `./${OUT.dockerfile}` };
  if (plan.kind === "user" && plan.image !== `./${OUT.dockerfile}`)
    return { image: plan.image, image_build_context: "." };
  return { image: plan.image };
}

/** The Durable Object classes a project's Worker exports, in a fixed order. */
export function durableObjectClasses(project: Project): readonly string[] {
  return durableObjectBindings(project).map((object) => object.class_name);
}

function durableObjectBindings(project: Project) {
  const { manifest } = project;
  const state = manifest.capabilities.do?.binding;
  const container = manifest.container;
  return [
    { name: RUNS_BINDING, class_name: RUNS_CLASS },
    ...(state === undefined ? [] : [{ name: state, class_name: STATE_CLASS }]),
    ...(container === undefined
      ? []
      : [
          {
            name: container.binding ?? DEFAULT_CONTAINER_BINDING,
            class_name: container.class_name ?? DEFAULT_CONTAINER_CLASS,
          },
        ]),
  ];
}

/** wrangler.jsonc for a checked project, as a plain object (keys in a fixed order). */
export function wranglerConfig(project: Project, options: WranglerOptions): Record<string, unknown> {
  const { manifest } = project;
  const caps = manifest.capabilities;
  const binding = (name: string) => caps[name]?.binding;
  const kv = binding("kv");
  const r2 = binding("r2");
  const queue = binding("queue");
  const container = manifest.container;
  const containerClass = container?.class_name ?? DEFAULT_CONTAINER_CLASS;

  const queueTriggers: [string, { max_retries?: number | undefined }][] = [
    ...Object.entries(manifest.triggers?.queues ?? {}),
    // Event queues: the Worker acks each message itself once delivered, or retries it.
    ...(manifest.triggers?.event_queues ?? []).map((name): [string, { max_retries?: number }] => [name, {}]),
  ];
  const producers = new Map<string, string>();
  if (queue !== undefined) producers.set(queue, caps.queue?.queue_name ?? kebab(queue));
  for (const [, trigger] of Object.entries(manifest.triggers?.queues ?? {})) {
    const dead = trigger.dead_letter_queue;
    if (dead !== undefined && !producers.has(dead)) producers.set(dead, kebab(dead));
  }
  const crons = Object.keys(manifest.triggers?.crons ?? {});
  return {
    $schema: options.schema,
    name: manifest.name,
    main: OUT.bundle,
    // The bundle is built (minified, with its source map) by flows and deployed as is.
    no_bundle: true,
    upload_source_maps: true,
    observability: { enabled: true },
    compatibility_date: manifest.compatibility_date ?? DEFAULT_COMPATIBILITY_DATE,
    compatibility_flags: manifest.compatibility_flags ?? [...DEFAULT_COMPATIBILITY_FLAGS],
    ...(manifest.triggers?.routes === undefined ? {} : { routes: manifest.triggers.routes }),
    ...(kv === undefined
      ? {}
      : {
          kv_namespaces: [
            { binding: kv, ...(caps.kv?.namespace_id === undefined ? {} : { id: caps.kv.namespace_id }) },
          ],
        }),
    ...(r2 === undefined ? {} : { r2_buckets: [{ binding: r2, bucket_name: caps.r2?.bucket_name ?? kebab(r2) }] }),
    ...(producers.size === 0 && queueTriggers.length === 0
      ? {}
      : {
          queues: {
            ...(producers.size === 0
              ? {}
              : { producers: [...producers].map(([name, queueName]) => ({ binding: name, queue: queueName })) }),
            ...(queueTriggers.length === 0
              ? {}
              : {
                  // The Worker retries and dead-letters itself; the platform must not give up first.
                  consumers: queueTriggers.map(([name, trigger]) => ({
                    queue: name,
                    ...(trigger.max_retries === undefined ? {} : { max_retries: trigger.max_retries + 1 }),
                  })),
                }),
          },
        }),
    durable_objects: { bindings: durableObjectBindings(project) },
    migrations: options.migrations,
    ...(container === undefined
      ? {}
      : {
          containers: [
            {
              class_name: containerClass,
              ...imageFields(options.image),
              ...(container.max_instances === undefined ? {} : { max_instances: container.max_instances }),
              ...(container.instance_type === undefined ? {} : { instance_type: container.instance_type }),
            },
          ],
        }),
    ...(crons.length === 0 ? {} : { triggers: { crons } }),
    vars: { ...manifest.vars, FLOWS_VERSION: options.fingerprint },
    secrets: { required: secretNames(project) },
  };
}

/** The JSONC text: a header saying where it came from and which secrets to set, then the config. */
export function wranglerJsonc(project: Project, config: Record<string, unknown>, fingerprint: string): string {
  const secrets = secretNames(project);
  return `// Generated by \`flows publish workers\` from flows.config.json; do not edit.
// Content fingerprint (IR, code, lock file): ${fingerprint}
// Secrets, by name only (set each once with \`wrangler secret put <NAME>\`): ${secrets.join(", ")}
${JSON.stringify(config, null, 2)}
`;
}
