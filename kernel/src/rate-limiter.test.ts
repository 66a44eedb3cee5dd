import { describe, expect, it } from "vitest";
import type { Clock } from "./host";
import { createRateLimiter } from "./rate-limiter";

/** A clock that only moves when something sleeps on it, so schedules are exact. */
function fakeClock(): Clock {
  let now = 0;
  return {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
  };
}

async function schedule(limiter: ReturnType<typeof createRateLimiter>, clock: Clock, starts: number) {
  const at: number[] = [];
  for (let index = 0; index < starts; index += 1) {
    await limiter.acquire();
    at.push(clock.now());
  }
  return at;
}

describe("rate limiter", () => {
  it("token bucket: burst starts at once, then one per 1000/qps ms", async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter(
      { kind: "token_bucket", targets: ["n"], capacity: 2, refillPerMs: 50 / 1000 },
      clock,
    );
    expect(await schedule(limiter, clock, 6)).toEqual([0, 0, 20, 40, 60, 80]);
  });

  it("token bucket: refills while idle, never above the burst", async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter(
      { kind: "token_bucket", targets: ["n"], capacity: 3, refillPerMs: 1 / 10 },
      clock,
    );
    expect(await schedule(limiter, clock, 3)).toEqual([0, 0, 0]);
    await clock.sleep(1_000);
    // A second of idling refills 100 tokens' worth, but the bucket holds 3.
    expect(await schedule(limiter, clock, 4)).toEqual([1_000, 1_000, 1_000, 1_010]);
  });

  it("earlier sliding window: at most limit starts in any window", async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ kind: "sliding_window", targets: ["n"], limit: 2, windowMs: 40 }, clock);
    expect(await schedule(limiter, clock, 6)).toEqual([0, 0, 40, 40, 80, 80]);
  });
});
