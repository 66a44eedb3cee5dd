import type { RateLimit } from "@flows/flow-ir";
import type { Clock } from "./host";

export interface RateLimiter {
  acquire(signal?: AbortSignal): Promise<void>;
}

/**
 * A start waits until the limit allows it. Waiting uses the host's clock, so a Worker host can
 * back it with alarms and tests with a fake clock.
 */
export function createRateLimiter(limit: RateLimit, clock: Clock): RateLimiter {
  return limit.kind === "token_bucket"
    ? tokenBucket(limit.capacity, limit.refillPerMs, clock)
    : slidingWindow(limit.limit, limit.windowMs, clock);
}

/** Lattice's rate_limit: `burst` tokens, refilled at `qps` per second; a start takes one. */
function tokenBucket(capacity: number, refillPerMs: number, clock: Clock): RateLimiter {
  let tokens = capacity;
  let refilledAt = clock.now();
  return {
    async acquire(signal) {
      for (;;) {
        const now = clock.now();
        tokens = Math.min(capacity, tokens + (now - refilledAt) * refillPerMs);
        refilledAt = now;
        if (tokens >= 1) {
          tokens -= 1;
          return;
        }
        await clock.sleep(Math.ceil((1 - tokens) / refillPerMs), signal);
      }
    },
  };
}

/** The earlier `{ limit, window_ms }`: at most `limit` starts in any `windowMs`. */
function slidingWindow(limit: number, windowMs: number, clock: Clock): RateLimiter {
  const starts: number[] = [];
  return {
    async acquire(signal) {
      for (;;) {
        const now = clock.now();
        while (starts.length > 0 && (starts[0] as number) <= now - windowMs) starts.shift();
        if (starts.length < limit) {
          starts.push(now);
          return;
        }
        await clock.sleep((starts[0] as number) + windowMs - now, signal);
      }
    },
  };
}
