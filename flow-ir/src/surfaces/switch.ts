import * as v from "valibot";
import { alias, type ConfigResult, jsonPointer, parseConfig, version } from "./parse-config";

export const SwitchConfigSchema = v.looseObject({
  v: version,
  source: alias("source"),
  selector_pointer: jsonPointer("selector_pointer"),
  // The array test comes first: valibot's record() would accept an array and copy it into an object.
  cases: v.pipe(
    v.unknown(),
    v.check((cases) => !Array.isArray(cases), "cases must be an object mapping values to node aliases, not an array"),
    v.record(v.string(), alias("each case target"), "cases must be an object mapping values to node aliases"),
  ),
  default: v.optional(alias("default")),
});

export type SwitchConfig = v.InferOutput<typeof SwitchConfigSchema>;

/** `switch`: routes the source's output to the case matching the value at `selector_pointer`. */
export function parseSwitchConfig(config: unknown): ConfigResult<SwitchConfig> {
  return parseConfig(SwitchConfigSchema, config);
}

/** Every alias a switch may route to, each once, cases first. */
export function switchBranches(config: SwitchConfig): string[] {
  const branches = new Set(Object.values(config.cases));
  if (config.default !== undefined) branches.add(config.default);
  return [...branches];
}

/** The case key a selected value matches: strings as they are, anything else as JSON. */
export function switchCaseKey(selected: unknown): string {
  return typeof selected === "string" ? selected : JSON.stringify(selected ?? null);
}
