/**
 * The run shapes on the wire (snake_case, times in epoch ms): what the Worker's run routes
 * answer and what `flows runs`, `inspect` and `logs --format json` print, locally or remotely.
 */

export type WireRunStatus = "running" | "suspended" | "halted" | "completed" | "failed" | "cancelled";

export interface WireError {
  readonly code: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
  readonly retryable?: boolean;
}

/** One row of the run index (`GET /runs` items). */
export interface WireRunSummary {
  readonly run_id: string;
  readonly flow: string | null;
  readonly status: WireRunStatus | (string & {});
  readonly trigger: string | null;
  readonly started_at: number | null;
  readonly updated_at: number | null;
  readonly finished_at: number | null;
  readonly checkpoint: string | null;
  readonly wake_at: number | null;
  readonly error_code: string | null;
}

/** `GET /runs` */
export interface WireRunList {
  readonly runs: readonly WireRunSummary[];
  readonly next_cursor: string | null;
}

export interface WireNode {
  readonly node: string;
  readonly alias?: string | null;
  readonly status: string;
  readonly attempts: number;
  readonly started_at?: number | null;
  readonly duration_ms?: number | null;
  readonly error?: WireError | null;
  readonly input?: unknown;
  readonly output?: unknown;
}

export interface WireResume {
  readonly node: string;
  readonly checkpoint: string;
  readonly token: string;
  readonly deadline_at?: number | null;
  readonly event?: string | null;
}

/** `GET /runs/:id` */
export interface WireRunDetail {
  readonly run_id: string;
  readonly flow: string | null;
  readonly flow_version?: string | null;
  readonly status: WireRunStatus | (string & {});
  readonly trigger?: string | null;
  readonly started_at: number | null;
  readonly updated_at?: number | null;
  readonly finished_at?: number | null;
  readonly checkpoint?: string | null;
  readonly wake_at?: number | null;
  readonly error?: WireError | null;
  readonly input?: unknown;
  readonly output?: unknown;
  readonly resume?: WireResume | null;
  readonly nodes: readonly WireNode[];
  readonly events?: readonly Readonly<Record<string, unknown>>[];
  readonly graph?: unknown;
}

/** A journal entry in wire form (`GET /runs/:id/events` data): its own keys in snake_case. */
export type WireEntry = Readonly<Record<string, unknown>> & { readonly type: string };

export const FINISHED_STATUSES: ReadonlySet<string> = new Set(["completed", "failed", "cancelled"]);
