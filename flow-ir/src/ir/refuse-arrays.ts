import * as v from "valibot";

/**
 * The same schema, refusing arrays. valibot's object and record schemas accept arrays (and copy
 * them into an object before any pipe action could object), while JSON Schema's
 * "type": "object" does not. The schema keeps its type, so the JSON Schema export and the fast
 * path see it unchanged; `refusesArrays` tells the fast path to refuse arrays too.
 */
export function refuseArrays<S extends v.GenericSchema>(schema: S): S & { readonly refusesArrays: true } {
  return {
    ...schema,
    refusesArrays: true,
    "~run"(dataset: Parameters<S["~run"]>[0], config: Parameters<S["~run"]>[1]) {
      if (Array.isArray(dataset.value)) {
        v._addIssue(this as unknown as S, "type", dataset, config, { received: "Array" });
        // valibot marks a dataset that failed its type check this way.
        (dataset as { typed: boolean }).typed = false;
        return dataset as unknown as ReturnType<S["~run"]>;
      }
      return schema["~run"](dataset, config);
    },
  };
}
