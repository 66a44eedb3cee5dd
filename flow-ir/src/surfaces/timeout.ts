import * as v from "valibot";
import { type ConfigResult, parseConfig, positiveInteger } from "./parse-config";

export const TimeoutConfigSchema = v.looseObject({ timeout_ms: positiveInteger("timeout_ms") });

export type TimeoutConfig = v.InferOutput<typeof TimeoutConfigSchema>;

/** `timeout`: each target node must finish within `timeout_ms` per attempt. */
export function parseTimeoutConfig(config: unknown): ConfigResult<TimeoutConfig> {
  return parseConfig(TimeoutConfigSchema, config);
}
