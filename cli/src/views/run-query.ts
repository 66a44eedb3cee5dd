import { UsageError } from "../exit";
import type { WireRunSummary } from "./wire";

/** The filters of `flows runs`, as `GET /runs` takes them (times in epoch ms). */
export interface RunQuery {
  readonly flow?: string;
  readonly status?: readonly string[];
  readonly since?: number;
  readonly until?: number;
  readonly limit: number;
  readonly cursor?: string;
}

export const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;
const STATUSES = ["running", "suspended", "halted", "completed", "failed", "cancelled"];
const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--since` / `--until`: an ISO 8601 time, epoch milliseconds, or an age such as 30m, 2h or 7d. */
export function readTime(raw: string, option: string, now: number): number {
  const age = /^(\d+)(ms|s|m|h|d)$/.exec(raw);
  if (age) return now - Number(age[1]) * (UNITS[age[2] as string] ?? 1);
  if (/^\d+$/.test(raw)) return Number(raw);
  const parsed = Date.parse(raw);
  if (Number.isNaN(parsed)) {
    throw new UsageError(
      "USAGE",
      `--${option} "${raw}" is not a time: use an ISO 8601 time, epoch milliseconds or an age such as 30m, 2h, 7d`,
    );
  }
  return parsed;
}

export interface RunQueryFlags {
  readonly flow?: string | undefined;
  readonly status?: string | undefined;
  readonly since?: string | undefined;
  readonly until?: string | undefined;
  readonly limit?: string | undefined;
  readonly cursor?: string | undefined;
}

/** The query the flags of `flows runs` ask for, checked before anything is read. */
export function readRunQuery(flags: RunQueryFlags, now: number): RunQuery {
  const limit = flags.limit === undefined ? DEFAULT_LIMIT : Number(flags.limit);
  if (!(Number.isInteger(limit) && limit >= 1 && limit <= MAX_LIMIT)) {
    throw new UsageError("USAGE", `--limit must be a whole number from 1 to ${MAX_LIMIT}`);
  }
  const status = flags.status?.split(",").map((part) => part.trim());
  for (const value of status ?? []) {
    if (!STATUSES.includes(value)) {
      throw new UsageError(
        "USAGE",
        `unknown --status "${value}": use ${STATUSES.join(", ")} (or several, comma-separated)`,
      );
    }
  }
  return {
    limit,
    ...(flags.flow === undefined ? {} : { flow: flags.flow }),
    ...(status === undefined ? {} : { status }),
    ...(flags.since === undefined ? {} : { since: readTime(flags.since, "since", now) }),
    ...(flags.until === undefined ? {} : { until: readTime(flags.until, "until", now) }),
    ...(flags.cursor === undefined ? {} : { cursor: flags.cursor }),
  };
}

/** Newest first, as the Worker's index lists: started_at, then run_id, both descending. */
export type RunPosition = Pick<WireRunSummary, "started_at" | "run_id">;

export function newestFirst(a: RunPosition, b: RunPosition): number {
  const byTime = b.started_at - a.started_at;
  if (byTime !== 0) return byTime;
  return a.run_id < b.run_id ? 1 : a.run_id > b.run_id ? -1 : 0;
}
