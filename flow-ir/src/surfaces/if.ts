import * as v from "valibot";
import { alias, type ConfigResult, jsonPointer, parseConfig, version } from "./parse-config";

export const IfConfigSchema = v.looseObject({
  v: version,
  source: alias("source"),
  selector_pointer: jsonPointer("selector_pointer"),
  then: alias("then"),
  else: alias("else"),
});

export type IfConfig = v.InferOutput<typeof IfConfigSchema>;

/** `if`: routes the source's output to `then` when the selected value is truthy, else to `else`. */
export function parseIfConfig(config: unknown): ConfigResult<IfConfig> {
  return parseConfig(IfConfigSchema, config);
}

export function ifBranches(config: IfConfig): string[] {
  return config.else === config.then ? [config.then] : [config.then, config.else];
}
