import type { FlowIR } from "@flows/flow-ir";
import type { Channel } from "./channel";
import type { DedupeStore } from "./dedupe";
import type { Host } from "./host";
import type { JournalEntry } from "./journal";
import type { RunMetadata } from "./nodes";
import type { FlowPlan } from "./plan";
import type { RateLimiter } from "./rate-limiter";
import type { RunAbort } from "./run-abort";
import type { RunState } from "./run-state";
import type { RunOutcome } from "./scheduler";

/** What one node execution reports to whoever watches the run (CLI progress, host logs). */
export type RunEvent =
  | { readonly type: "node-started"; readonly node: string; readonly attempt: number }
  | {
      readonly type: "node-retrying";
      readonly node: string;
      readonly attempt: number;
      readonly delayMs: number;
      readonly code: string;
    }
  | {
      readonly type: "node-finished";
      readonly node: string;
      readonly status: "completed" | "failed" | "skipped" | "replayed" | "halted" | "suspended";
      readonly attempts: number;
      readonly durationMs: number;
      readonly code?: string;
    };

/** Everything a run's scheduler and node executions share. Built once per execution of a run. */
export interface RunContext {
  readonly runId: string;
  readonly flow: FlowIR;
  readonly plan: FlowPlan;
  readonly host: Host;
  readonly dedupe: DedupeStore;
  readonly metadata: RunMetadata;
  readonly capture: string;
  /** The journal as it was when this execution started: what to replay. */
  readonly replay: RunState;
  /** Aborted when the run fails, is cancelled or misses its deadline. */
  readonly abort: RunAbort;
  readonly concurrency: number;
  /**
   * Retries due further away than this suspend the run instead of sleeping in memory; the host
   * wakes it (a Durable Object alarm) by invoking the run id again. Undefined: always sleep.
   */
  readonly suspendAfterMs: number | undefined;
  readonly limiters: Map<string, RateLimiter>;
  readonly channel: Channel<unknown> | undefined;
  /** Appends to the journal in call order; resolves once these entries are stored. */
  record(entries: readonly JournalEntry[]): Promise<void>;
  /** Set when someone watches the run; call it as `emit?.(…)` so no event is built for nobody. */
  readonly emit: ((event: RunEvent) => void) | undefined;
  /** Ids of events a wait of this execution took, before the journal says so; made on first use. */
  claimed: Set<string> | undefined;
  /** Runs another registered flow as a node of this one (one function per kernel). */
  readonly invokeSubflow: SubflowInvoker;
}

/** Runs a registered flow as a node of another run, to its outcome. */
export type SubflowInvoker = (
  flow: string,
  payload: unknown,
  runId: string,
  signal: AbortSignal,
  metadata: RunMetadata,
) => Promise<RunOutcome>;
