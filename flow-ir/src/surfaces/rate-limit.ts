import * as v from "valibot";
import { alias, type ConfigResult, parseConfig, positiveInteger, version } from "./parse-config";

/** Lattice's shape: a token bucket of `burst` tokens refilled at `qps` per second, on `target`. */
export const RateLimitConfigSchema = v.looseObject({
  v: version,
  target: alias("target"),
  qps: positiveInteger("qps"),
  burst: positiveInteger("burst"),
});

export type RateLimitConfig = v.InferOutput<typeof RateLimitConfigSchema>;

/** This project's earlier shape: at most `limit` starts per `window_ms` on the surface's targets. */
export const EarlierRateLimitConfigSchema = v.looseObject({
  limit: positiveInteger("limit"),
  window_ms: positiveInteger("window_ms"),
});

/** What a kernel enforces, in the shape the config was written in. */
export type RateLimit =
  /** Lattice's: `capacity` tokens (the bucket starts full), `refillPerMs` added per millisecond. */
  | {
      readonly kind: "token_bucket";
      readonly targets: readonly string[];
      readonly capacity: number;
      readonly refillPerMs: number;
    }
  /** This project's earlier shape: at most `limit` starts in any `windowMs`. */
  | {
      readonly kind: "sliding_window";
      readonly targets: readonly string[];
      readonly limit: number;
      readonly windowMs: number;
    };

export function parseRateLimitConfig(config: unknown): ConfigResult<RateLimitConfig> {
  return parseConfig(RateLimitConfigSchema, config);
}

/**
 * `rate_limit`: starts of the target wait for a token. A config still written in the earlier
 * `{ limit, window_ms }` keeps its meaning (a sliding window on the surface's targets), which
 * whole-number qps could not express for slow limits such as 5 per minute.
 */
export function readRateLimit(config: unknown, targets: readonly string[]): ConfigResult<RateLimit> {
  const earlier = v.safeParse(EarlierRateLimitConfigSchema, config);
  if (earlier.success) {
    const { limit, window_ms: windowMs } = earlier.output;
    return { ok: true, config: { kind: "sliding_window", targets, limit, windowMs } };
  }
  const parsed = parseRateLimitConfig(config);
  if (!parsed.ok) return parsed;
  const { target, qps, burst } = parsed.config;
  return { ok: true, config: { kind: "token_bucket", targets: [target], capacity: burst, refillPerMs: qps / 1000 } };
}
