/** Requests the Worker sends to a run's Durable Object (internal, never exposed to clients). */
export interface InvokeRequest {
  readonly flow: string;
  readonly runId: string;
  readonly trigger?: string;
  readonly capture?: string;
  readonly payload?: unknown;
  readonly timeoutMs?: number;
  readonly metadata?: Record<string, unknown>;
  /** Waits longer than this suspend the run (see `Invocation.suspendAfterMs`). */
  readonly suspendAfterMs?: number;
  /** How the run was started, as the run index shows it: "queue", "cron" (default "http" for /invoke, "async" for /start). */
  readonly origin?: string;
}

export interface ResumeRunRequest {
  readonly runId: string;
  readonly checkpoint: string;
  readonly halt: string;
  readonly payload?: unknown;
}

export interface EventRunRequest {
  readonly runId: string;
  readonly name: string;
  readonly payload?: unknown;
  readonly id?: string;
}

export const RUN_ORIGIN = "https://flow-run.internal";
