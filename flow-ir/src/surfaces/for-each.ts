import * as v from "valibot";
import { DEFAULT_FOR_EACH_CONCURRENCY } from "./defaults";
import { alias, type ConfigResult, jsonPointer, parseConfig, positiveInteger, version } from "./parse-config";

export const ForEachConfigSchema = v.looseObject({
  v: version,
  source: alias("source"),
  body_entry: alias("body_entry"),
  items_pointer: jsonPointer("items_pointer"),
  concurrency: v.optional(positiveInteger("concurrency"), DEFAULT_FOR_EACH_CONCURRENCY),
});

export type ForEachConfig = v.InferOutput<typeof ForEachConfigSchema>;

/**
 * `for_each`: the `body_entry` node runs once per element of the array found at
 * `items_pointer` in the source's output, at most `concurrency` at a time; its output is the
 * array of results in input order.
 */
export function parseForEachConfig(config: unknown): ConfigResult<ForEachConfig> {
  return parseConfig(ForEachConfigSchema, config);
}
