/** Journal entry types the run's event stream names (`event:` lines). */
const ENTRY_TYPES = [
  "started",
  "completed",
  "skipped",
  "failed",
  "retrying",
  "suspended",
  "value",
  "halted",
  "expired",
  "event",
  "received",
  "resumed",
  "finished",
] as const;

const POLL_MS = 1500;

/**
 * Calls `changed` whenever the run may have changed: on each entry of its event stream
 * (GET /runs/:id/events, Server-Sent Events; the session cookie goes with it), or, where the
 * stream cannot be had, every 1.5 s. Returns what stops it.
 */
export function followRun(eventsUrl: string, changed: () => void): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setInterval> | undefined;
  const poll = () => {
    if (timer === undefined && !stopped) timer = setInterval(changed, POLL_MS);
  };
  let source: EventSource | undefined;
  if (typeof EventSource === "function") {
    source = new EventSource(eventsUrl);
    for (const type of ENTRY_TYPES) source.addEventListener(type, changed);
    source.addEventListener("message", changed);
    source.addEventListener("error", () => {
      // The stream ends after `finished`, or the Worker has none: stop it retrying, poll instead.
      source?.close();
      changed();
      poll();
    });
  } else {
    poll();
  }
  return () => {
    stopped = true;
    source?.close();
    if (timer !== undefined) clearInterval(timer);
  };
}
