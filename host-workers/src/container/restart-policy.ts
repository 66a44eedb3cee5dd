import type { RestartPolicy } from "./settings";

/** Whether a stop is followed by a restart without waiting for the next request. */
export function restartsAfter(
  policy: RestartPolicy,
  stop: { crash: boolean; requested: boolean; tripped: boolean },
): boolean {
  if (stop.tripped || stop.requested) return false;
  if (policy === "always") return true;
  if (policy === "on_failure") return stop.crash;
  return false;
}
