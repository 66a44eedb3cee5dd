import * as v from "valibot";
import { refuseArrays } from "../ir/refuse-arrays";
import {
  type CustomInstanceType,
  customInstanceProblems,
  DEPRECATED_INSTANCE_TYPES,
  NAMED_INSTANCE_TYPES,
} from "./instance-types";

// `flows.config.json`: the project around the flows. Which capabilities are bound and which
// secrets exist (the validator reads these), and what `flows publish workers` turns into
// wrangler.jsonc. Deployment facts live here, never in the Flow IR itself.

const CapabilityBindingSchema = v.looseObject({
  provider: v.optional(v.string("provider must be a string")),
  binding: v.optional(v.string("binding must be a string")),
  secrets: v.optional(v.array(v.string("each secret must be a name"), "secrets must be an array of names")),
  /** Provider settings, e.g. the OpenDAL root or the S3 endpoint and bucket. */
  options: v.optional(v.record(v.string(), v.unknown(), "options must be an object of provider settings")),
  // What `flows publish workers` declares in wrangler.jsonc for the binding. Local runs use
  // `provider`; a published Worker always serves the capability from the binding.
  /** KV: the namespace id (omitted: wrangler provisions one on first deploy). */
  namespace_id: v.optional(v.string("namespace_id must be a string")),
  /** R2: the bucket name (default: the binding name in kebab case). */
  bucket_name: v.optional(v.string("bucket_name must be a string")),
  /** Queues: the queue the producer binding sends to (default: the binding name in kebab case). */
  queue_name: v.optional(v.string("queue_name must be a string")),
});

const name = (what: string) =>
  v.pipe(v.string(`${what} must be a string`), v.minLength(1, `${what} must not be empty`));

const count = (what: string) =>
  v.pipe(
    v.number(`${what} must be a number`),
    v.integer(`${what} must be a whole number`),
    v.minValue(0, `${what} must not be negative`),
  );

/** A queue whose messages each start a run of `flow`; failed runs are retried, then dead-lettered. */
const QueueTriggerSchema = v.looseObject({
  flow: v.string("flow must name a flow"),
  dead_letter_queue: v.optional(v.string("dead_letter_queue must name a Queue binding")),
  max_retries: v.optional(count("max_retries")),
  retry_delay_seconds: v.optional(count("retry_delay_seconds")),
});

/** A Workers route: a pattern string, or an object as wrangler.jsonc takes it. */
const RouteSchema = v.union(
  [
    name("route"),
    v.looseObject({
      pattern: name("pattern"),
      zone_name: v.optional(name("zone_name")),
      zone_id: v.optional(name("zone_id")),
      custom_domain: v.optional(v.boolean("custom_domain must be true or false")),
    }),
  ],
  'each route must be a pattern string or { "pattern", "zone_name" | "zone_id" | "custom_domain" }',
);

const TriggersSchema = v.looseObject({
  /** Where the Worker answers HTTP besides workers.dev. */
  routes: v.optional(v.array(RouteSchema, "routes must be an array")),
  queues: v.optional(refuseArrays(v.record(v.string(), QueueTriggerSchema, "queues must map queue names to triggers"))),
  /** Queues whose messages are events for runs (`{ run_id, name, payload, id? }`), not new runs. */
  event_queues: v.optional(v.array(v.string("each event queue must be a queue name"), "event_queues must be an array")),
  crons: v.optional(
    refuseArrays(
      v.record(
        v.string(),
        v.array(v.string(), "each cron lists flow names"),
        "crons must map cron expressions to flows",
      ),
    ),
  ),
});

/** What the container's process sees as an environment variable name. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A Debian package, optionally pinned (`git`, `git=1:2.39.5-0+deb12u2`); nothing a shell would read. */
const DEBIAN_PACKAGE = /^[a-z0-9][a-z0-9+.-]+(?:=[A-Za-z0-9.+:~-]+)?$/;
/** An image reference on one line: it goes into the Dockerfile's FROM. */
const IMAGE_REFERENCE = /^[A-Za-z0-9][A-Za-z0-9._/:@-]*$/;

/** A secret the container gets: a name the process reads, none of the names the runtime owns. */
const ContainerSecretName = v.pipe(
  v.string("each container secret must be a name"),
  v.regex(ENV_NAME, "each container secret must be an environment variable name (letters, digits, _)"),
  v.check(
    (secret) => secret !== "PORT" && !secret.startsWith("FLOWS_"),
    "PORT and FLOWS_* are the container runtime's own variables, not secrets",
  ),
);

/**
 * The generated image extended (`base`, `packages`), or a Dockerfile of the user's own
 * (`dockerfile`, relative to the manifest), which flows then never writes.
 */
const ContainerImageSchema = v.pipe(
  v.looseObject({
    dockerfile: v.optional(name("dockerfile")),
    base: v.optional(
      v.pipe(
        name("base"),
        v.regex(IMAGE_REFERENCE, "base must be an image reference such as node:20.20.0-bookworm (one word)"),
      ),
    ),
    packages: v.optional(
      v.array(
        v.pipe(
          v.string("each package must be a Debian package name"),
          v.regex(DEBIAN_PACKAGE, "each package must be a Debian package name such as git or git=1:2.39.5-0+deb12u2"),
        ),
        "packages must list Debian package names",
      ),
    ),
  }),
  v.check(
    (image) => image.dockerfile === undefined || (image.base === undefined && image.packages === undefined),
    "a dockerfile is the whole image: base and packages extend only the Dockerfile flows generates",
  ),
);

const CustomInstanceTypeSchema = v.pipe(
  v.strictObject(
    {
      vcpu: v.number("vcpu must be a number"),
      memory_mib: v.number("memory_mib must be a number"),
      disk_mb: v.number("disk_mb must be a number"),
    },
    "a custom instance_type is { vcpu, memory_mib, disk_mb }",
  ),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    for (const problem of customInstanceProblems(dataset.value as CustomInstanceType)) {
      addIssue({ message: `instance_type: ${problem}` });
    }
  }),
);

const InstanceTypeSchema = v.union(
  [v.picklist([...NAMED_INSTANCE_TYPES, ...Object.keys(DEPRECATED_INSTANCE_TYPES)]), CustomInstanceTypeSchema],
  (issue) =>
    `instance_type ${JSON.stringify(issue.input)} is not a Cloudflare Containers instance type: name one of ${NAMED_INSTANCE_TYPES.join(", ")}, or give a custom size { "vcpu", "memory_mib", "disk_mb" }`,
);

/**
 * Where the amd64 container comes in (DESIGN §7): which node identifiers and which whole flows
 * run there, and how the Worker-side Container class starts, keeps and restarts instances.
 */
const ContainerSchema = v.looseObject({
  /** Node identifiers executed in the container; every other node runs in the Worker. */
  nodes: v.optional(v.array(name("each container node identifier"), "nodes must list node identifiers")),
  /** Flow ids run whole inside the container (their journal still lives in the Worker). */
  flows: v.optional(v.array(name("each container flow id"), "flows must list flow ids")),
  /** Durable Object binding and class name of the Container class. */
  binding: v.optional(name("binding")),
  class_name: v.optional(name("class_name")),
  /**
   * A registry image reference; or how to build the image: the generated Dockerfile extended
   * (`{ base, packages }`), or the user's own (`{ dockerfile }`). Without it, the generated one.
   */
  image: v.optional(
    v.union(
      [name("image"), ContainerImageSchema],
      'image must be a registry reference, { "base", "packages" } or { "dockerfile" }',
    ),
  ),
  /** A named Cloudflare instance type, or a custom size within the documented bounds. */
  instance_type: v.optional(InstanceTypeSchema),
  /** Whether the process may reach the internet (the Container class's enableInternet; default true). */
  enable_internet: v.optional(v.boolean("enable_internet must be true or false")),
  max_instances: v.optional(count("max_instances")),
  /** How long an idle instance stays up, e.g. "5m" (the Container class's sleepAfter). */
  sleep_after: v.optional(name("sleep_after")),
  restart_policy: v.optional(
    v.picklist(["always", "on_failure", "never"], "restart_policy must be always, on_failure or never"),
  ),
  /** `max_crashes` inside `window_ms` stop restarts (CrashLoopDetected). */
  crash_loop: v.optional(v.looseObject({ max_crashes: count("max_crashes"), window_ms: count("window_ms") })),
  /** Instances chosen at random among `instances` when a run names no key. */
  instances: v.optional(count("instances")),
  /** Named instances kept running by periodic reconciliation. */
  always_on: v.optional(v.array(name("each always_on instance name"), "always_on must list instance names")),
  /**
   * Worker secrets, by name, handed to the process as environment variables when it starts;
   * never written into the image, the wrangler config or a log line.
   */
  secrets: v.optional(v.array(ContainerSecretName, "secrets must list Worker secret names")),
  /** Plain environment variables for the container process (secrets are listed by name in `secrets`). */
  env: v.optional(
    refuseArrays(v.record(v.string(), v.string("env values must be strings"), "env must map names to strings")),
  ),
});

/** What wrangler accepts as a Worker name. */
const WORKER_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

const paths = (what: string) => v.array(name(`each ${what} path`), `${what} must be an array of paths`);

export const ManifestSchema = v.looseObject({
  $schema: v.optional(v.string()),
  /** The Worker name: lowercase letters, digits and dashes. */
  name: v.optional(
    v.pipe(
      v.string("name must be a string"),
      v.regex(WORKER_NAME, "name must be lowercase letters, digits and dashes (at most 63), as a Worker name"),
    ),
  ),
  /** Flow IR files of the project, relative to the manifest. */
  flows: v.optional(paths("flows")),
  /** Node implementation modules (default export: identifier → function), relative to the manifest. */
  nodes: v.optional(paths("nodes")),
  compatibility_date: v.optional(
    v.pipe(
      v.string("compatibility_date must be a string"),
      v.regex(/^\d{4}-\d{2}-\d{2}$/, "compatibility_date must be a date like 2026-04-26"),
    ),
  ),
  compatibility_flags: v.optional(v.array(name("each compatibility flag"), "compatibility_flags must be an array")),
  /** Plain-text environment variables of the Worker (secrets go in `secrets`, by name). */
  vars: v.optional(
    refuseArrays(v.record(v.string(), v.string("vars values must be strings"), "vars must map names to strings")),
  ),
  capabilities: v.optional(
    refuseArrays(v.record(v.string(), CapabilityBindingSchema, "capabilities must map capability names to bindings")),
    {},
  ),
  secrets: v.optional(v.array(v.string("each secret must be a name"), "secrets must be an array of names"), []),
  /** What starts runs besides HTTP: queues (with their dead-letter queue) and crons. */
  triggers: v.optional(TriggersSchema),
  /** Container placement and settings; absent when everything runs in the Worker. */
  container: v.optional(ContainerSchema),
});

export type ProjectManifest = v.InferOutput<typeof ManifestSchema>;
export type ProjectManifestInput = v.InferInput<typeof ManifestSchema>;
