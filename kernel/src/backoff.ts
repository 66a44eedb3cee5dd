export interface RetryPolicy {
  /** Retries after the first attempt. */
  readonly maxRetries: number;
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
  readonly jitter: boolean;
}

/**
 * Exponential backoff before retry number `retry` (1-based). Jitter spreads retries of
 * many runs over [50%, 100%] of the delay so they do not arrive in lockstep.
 */
export function backoffDelay(policy: RetryPolicy, retry: number, random: () => number): number {
  const exponential = policy.backoffMs * 2 ** Math.max(0, retry - 1);
  const capped = Math.min(policy.maxBackoffMs, exponential);
  return policy.jitter ? Math.round(capped * (0.5 + random() / 2)) : capped;
}
