import type { Clock } from "./host";

/**
 * Sliding-window limiter: at most `limit` starts in any `windowMs`. Waiting uses the host's
 * clock, so a Worker host can back it with alarms and tests with a fake clock.
 */
export function createRateLimiter(limit: number, windowMs: number, clock: Clock) {
  const starts: number[] = [];
  return {
    async acquire(signal?: AbortSignal): Promise<void> {
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

export type RateLimiter = ReturnType<typeof createRateLimiter>;
