import * as v from "valibot";
import { refuseArrays } from "../ir/refuse-arrays";

// The part of flows.config.json the validator reads for DAG203: which capabilities are bound and
// which secrets exist. The whole manifest is checked where it is read (`checkManifestText`,
// MANIFEST002); holding only this part keeps the project schema out of every Worker that
// validates its flows.

const BindingSecretsSchema = v.looseObject({
  secrets: v.optional(v.array(v.string("each secret must be a name"), "secrets must be an array of names"), []),
});

export const ManifestBindingsSchema = v.looseObject({
  capabilities: v.optional(
    refuseArrays(v.record(v.string(), BindingSecretsSchema, "capabilities must map capability names to bindings")),
    {},
  ),
  secrets: v.optional(v.array(v.string("each secret must be a name"), "secrets must be an array of names"), []),
});

export type ManifestBindings = v.InferOutput<typeof ManifestBindingsSchema>;
