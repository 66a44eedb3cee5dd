import * as v from "valibot";
import { refuseArrays } from "../ir/refuse-arrays";

// The part of `flows.config.json` the validator reads: which capabilities are bound and
// which secrets exist. Deployment facts live here, never in the Flow IR itself.

const CapabilityBindingSchema = v.looseObject({
  provider: v.optional(v.string("provider must be a string")),
  binding: v.optional(v.string("binding must be a string")),
  secrets: v.optional(v.array(v.string("each secret must be a name"), "secrets must be an array of names")),
  /** Provider settings, e.g. the OpenDAL root or the S3 endpoint and bucket. */
  options: v.optional(v.record(v.string(), v.unknown(), "options must be an object of provider settings")),
});

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

const TriggersSchema = v.looseObject({
  queues: v.optional(refuseArrays(v.record(v.string(), QueueTriggerSchema, "queues must map queue names to triggers"))),
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

const name = (what: string) =>
  v.pipe(v.string(`${what} must be a string`), v.minLength(1, `${what} must not be empty`));

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
  /** A registry image reference; without it `flows publish` builds from the emitted Dockerfile. */
  image: v.optional(name("image")),
  instance_type: v.optional(name("instance_type")),
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
  /** Plain environment variables for the container process (secrets are listed by name in `secrets`). */
  env: v.optional(
    refuseArrays(v.record(v.string(), v.string("env values must be strings"), "env must map names to strings")),
  ),
});

export const ManifestSchema = v.looseObject({
  $schema: v.optional(v.string()),
  name: v.optional(v.string("name must be a string")),
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
