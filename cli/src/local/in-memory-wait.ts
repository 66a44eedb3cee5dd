/**
 * How long a local run waits in memory for a sleep or a retry before it suspends (ends with
 * `suspended` and its wake time; `flows wake` continues it when due). FLOWS_IN_MEMORY_WAIT_MS
 * changes it, for scripts and tests that want suspensions without long sleeps.
 */
const DEFAULT_IN_MEMORY_WAIT_MS = 10_000;

export function localSuspendAfterMs(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const raw = env.FLOWS_IN_MEMORY_WAIT_MS;
  const value = raw === undefined ? Number.NaN : Number(raw);
  return Number.isFinite(value) && value >= 0 ? value : DEFAULT_IN_MEMORY_WAIT_MS;
}
