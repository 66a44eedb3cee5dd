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

export const ManifestSchema = v.looseObject({
  $schema: v.optional(v.string()),
  name: v.optional(v.string("name must be a string")),
  capabilities: v.optional(
    refuseArrays(v.record(v.string(), CapabilityBindingSchema, "capabilities must map capability names to bindings")),
    {},
  ),
  secrets: v.optional(v.array(v.string("each secret must be a name"), "secrets must be an array of names"), []),
});

export type ProjectManifest = v.InferOutput<typeof ManifestSchema>;
export type ProjectManifestInput = v.InferInput<typeof ManifestSchema>;
