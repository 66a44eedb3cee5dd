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
});

export type ProjectManifest = v.InferOutput<typeof ManifestSchema>;
export type ProjectManifestInput = v.InferInput<typeof ManifestSchema>;
