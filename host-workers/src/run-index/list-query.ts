import type { RunStatus } from "@flows/kernel";
import { decodeCursor, type Position } from "./cursor";
import { RUN_STATUSES } from "./summary";

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

/** A `GET /runs` request, checked. */
export interface ListQuery {
  readonly flow?: string;
  readonly statuses?: readonly RunStatus[];
  /** Inclusive, epoch ms. */
  readonly since?: number;
  /** Exclusive, epoch ms. */
  readonly until?: number;
  readonly after?: Position;
  readonly limit: number;
}

export type Checked = { ok: true; query: ListQuery } | { ok: false; parameter: string; message: string };

/** A time as epoch milliseconds or an ISO 8601 date and time. */
function readTime(value: string): number | undefined {
  if (/^-?\d{1,16}$/.test(value)) return Number(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : at;
}

/** Reads `flow`, `status`, `since`, `until`, `cursor` and `limit`; a bad value names its parameter. */
export function readListQuery(params: URLSearchParams): Checked {
  const bad = (parameter: string, message: string): Checked => ({ ok: false, parameter, message });
  const query: { -readonly [K in keyof ListQuery]: ListQuery[K] } = { limit: DEFAULT_LIMIT };
  const flow = params.get("flow");
  if (flow !== null) {
    if (flow === "" || flow.length > 256) return bad("flow", "flow must be a flow id or name (1–256 characters)");
    query.flow = flow;
  }
  const status = params.get("status");
  if (status !== null) {
    const statuses = status.split(",");
    const unknown = statuses.find((value) => !RUN_STATUSES.includes(value as RunStatus));
    if (unknown !== undefined) {
      return bad(
        "status",
        `status "${unknown}" is not one of ${RUN_STATUSES.join(", ")} (comma-separated for several)`,
      );
    }
    query.statuses = statuses as RunStatus[];
  }
  for (const name of ["since", "until"] as const) {
    const value = params.get(name);
    if (value === null) continue;
    const at = readTime(value);
    if (at === undefined) return bad(name, `${name} must be epoch milliseconds or an ISO 8601 time, not "${value}"`);
    query[name] = at;
  }
  if (query.since !== undefined && query.until !== undefined && query.since >= query.until) {
    return bad("since", "since must be before until");
  }
  const cursor = params.get("cursor");
  if (cursor !== null) {
    const after = decodeCursor(cursor);
    if (after === undefined) return bad("cursor", "cursor must be a next_cursor this API returned");
    query.after = after;
  }
  const limit = params.get("limit");
  if (limit !== null) {
    const value = /^\d{1,4}$/.test(limit) ? Number(limit) : Number.NaN;
    if (!(value >= 1 && value <= MAX_LIMIT)) return bad("limit", `limit must be a whole number from 1 to ${MAX_LIMIT}`);
    query.limit = value;
  }
  return { ok: true, query };
}
