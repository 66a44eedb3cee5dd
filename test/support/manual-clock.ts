import type { Clock } from "@flows/kernel";

/** A clock tests move by hand; sleeps resolve when time is advanced past them. */
export function manualClock(start = 1_000_000) {
  let now = start;
  const sleepers: { until: number; resolve: () => void }[] = [];
  const clock: Clock = {
    now: () => now,
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const sleeper = { until: now + ms, resolve };
        sleepers.push(sleeper);
        signal?.addEventListener("abort", () => {
          sleepers.splice(sleepers.indexOf(sleeper), 1);
          reject(signal.reason);
        });
      }),
  };
  const advance = (ms: number) => {
    now += ms;
    for (const sleeper of sleepers.filter((s) => s.until <= now)) {
      sleepers.splice(sleepers.indexOf(sleeper), 1);
      sleeper.resolve();
    }
  };
  return { clock, advance };
}
