import * as v from "valibot";
import { type ConfigResult, parseConfig, positiveInteger } from "./parse-config";

export const RateLimitConfigSchema = v.looseObject({
  limit: positiveInteger("limit"),
  window_ms: positiveInteger("window_ms"),
});

export type RateLimitConfig = v.InferOutput<typeof RateLimitConfigSchema>;

/** `rate_limit`: at most `limit` starts of the target nodes per sliding `window_ms`. */
export function parseRateLimitConfig(config: unknown): ConfigResult<RateLimitConfig> {
  return parseConfig(RateLimitConfigSchema, config);
}
