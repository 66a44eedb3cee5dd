import type { RunStatus } from "./run-state";
import type { WireError } from "./wire";

export type NodeStatus = "pending" | "running" | "retrying" | "halted" | "completed" | "failed" | "skipped";

/** A run in a list (`flows runs --format json`, `GET /runs` items). */
export interface WireRunSummary {
  readonly run_id: string;
  readonly flow: string;
  readonly status: RunStatus;
  readonly trigger: string;
  readonly started_at: number;
  readonly updated_at: number;
  readonly finished_at: number | null;
  readonly checkpoint: string | null;
  readonly wake_at: number | null;
  readonly error_code: string | null;
}

/** The run detail on the wire (`GET /runs/:id`, `flows inspect --format json`): the summary, its error whole. */
export interface RunDetail extends Omit<WireRunSummary, "error_code"> {
  /** The content hash of the flow document the run started on; null for runs journaled before it was recorded. */
  readonly flow_version: string | null;
  readonly error: WireError | null;
  /** Capped values (see `cappedValue`): the value, or a marker with its size and a preview. */
  readonly input: unknown;
  readonly output: unknown;
  readonly resume: ResumeView | null;
  readonly nodes: readonly NodeView[];
  readonly events: readonly RunViewEvent[];
  readonly graph: GraphView;
}

/** What answers a halted run: a resume with `token`, or the event named in `event`. */
export interface ResumeView {
  readonly node: string;
  readonly checkpoint: string;
  /** Null for an event wait, which an event answers. */
  readonly token: string | null;
  readonly deadline_at: number | null;
  readonly event: string | null;
}

export interface NodeView {
  /** The node's id in the flow document (its alias when the document is not at hand). */
  readonly node: string;
  readonly alias: string;
  readonly status: NodeStatus;
  readonly attempts: number;
  readonly started_at: number | null;
  readonly duration_ms: number | null;
  readonly error: WireError | null;
  /** Capped: what the node was given, null before every edge into it resolved. */
  readonly input: unknown;
  /** Capped: what it returned, null until it completed. */
  readonly output: unknown;
}

/** `GET /runs/:id/nodes/:node`: whole values. */
export interface NodeValues {
  readonly run_id: string;
  readonly node: string;
  readonly alias: string;
  readonly status: NodeStatus;
  readonly attempts: number;
  readonly input: unknown;
  readonly output: unknown;
  readonly error: WireError | null;
}

/** Waits, answers and retries along a run, in journal order. */
export type RunViewEvent =
  | {
      readonly type: "halted";
      readonly at: number;
      readonly node: string;
      readonly checkpoint: string;
      readonly details: unknown;
      readonly deadline_at: number | null;
      /** The event waited for, for an event wait. */
      readonly event: string | null;
    }
  | {
      readonly type: "resumed";
      readonly at: number;
      readonly node: string;
      readonly checkpoint: string;
      readonly payload: unknown;
    }
  | {
      readonly type: "expired";
      readonly at: number;
      readonly node: string;
      readonly checkpoint: string;
      readonly seq?: number;
    }
  | {
      readonly type: "event";
      readonly at: number;
      readonly node: null;
      readonly name: string;
      readonly id: string;
      readonly payload: unknown;
    }
  | {
      readonly type: "received";
      readonly at: number | null;
      readonly node: string;
      readonly seq: number;
      readonly id: string;
    }
  | { readonly type: "suspended"; readonly at: number; readonly node: null; readonly wake_at: number }
  | {
      readonly type: "retrying";
      /** Null in runs journaled before failure times were recorded. */
      readonly at: number | null;
      readonly node: string;
      readonly item?: number;
      readonly attempt: number;
      readonly error: WireError;
      readonly retry_at: number;
    };

export interface GraphView {
  readonly nodes: readonly {
    readonly id: string;
    readonly alias: string;
    readonly kind: string;
    readonly identifier: string;
  }[];
  readonly edges: readonly { readonly from: string; readonly to: string }[];
}
