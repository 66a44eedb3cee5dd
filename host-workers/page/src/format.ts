/** A moment as local date and time, to the second. */
export function formatTime(at: number | null | undefined): string {
  if (at === null || at === undefined) return "—";
  return new Date(at).toLocaleString(undefined, { dateStyle: "short", timeStyle: "medium" });
}

/** A duration the way people read it: 850 ms, 4.2 s, 3 min 5 s, 2 h 10 min. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** How long ago, short: "5 s ago", "3 min ago". */
export function formatAgo(at: number | null | undefined, now = Date.now()): string {
  if (at === null || at === undefined) return "—";
  return `${formatDuration(Math.max(0, now - at))} ago`;
}

/** A value as indented JSON for a <pre>. */
export function formatJson(value: unknown): string {
  if (value === undefined) return "—";
  return JSON.stringify(value, null, 2);
}
