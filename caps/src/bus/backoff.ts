/** How a retried bus call waits between attempts. */
export interface RetryBackoff {
  /** The wait before the first retry, before jitter (default 50 ms). */
  readonly baseMs?: number;
  /** No wait is longer than this, jitter included (default 2 s). */
  readonly maxMs?: number;
}

export const DEFAULT_BACKOFF_BASE_MS = 50;
export const DEFAULT_BACKOFF_MAX_MS = 2_000;

/**
 * The wait before retry number `retry` (0 for the first): exponential, `base · 2^retry`, capped
 * at `maxMs`, then "equal jitter": half of it fixed, half drawn from `random` in [0, 1). Retries of
 * many containers that failed together spread out instead of hitting the Worker at once, and no
 * wait is zero, so a retry never lands in the same instant as the failure it answers.
 */
export function retryDelayMs(retry: number, random: () => number, backoff: RetryBackoff = {}): number {
  const base = backoff.baseMs ?? DEFAULT_BACKOFF_BASE_MS;
  const max = backoff.maxMs ?? DEFAULT_BACKOFF_MAX_MS;
  const capped = Math.min(max, base * 2 ** Math.max(0, retry));
  const draw = Math.min(Math.max(random(), 0), 1);
  return Math.round(capped / 2 + (capped / 2) * draw);
}

/** Waits `ms`, or rejects with `signal`'s reason when it aborts first. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
