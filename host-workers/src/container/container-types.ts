import type { FlowsMeta } from "@flows/caps/bus";
import type { ContainerFailure } from "./errors";
import type { ContainerSettings } from "./settings";

/** Work for the container: `/run` or `/resume` a whole flow or one `/node`, for one run. */
export interface ContainerCall {
  readonly path: "/run" | "/resume" | "/node";
  /** The node alias of a `/node` call, so a cancellation of that node alone reaches it. */
  readonly node?: string;
  /** The instance name the Worker addressed (its key, `instance-<n>` or an always_on name). */
  readonly instance: string;
  readonly meta: FlowsMeta;
  readonly body: unknown;
  /** Capabilities the bus serves for this run while the call lasts (what the flow or node declared). */
  readonly capabilities: readonly string[];
  /** Whether the run's journal is reachable over the bus (whole flows journal there). */
  readonly journal: boolean;
  /** Repeating the call after the process died changes nothing that already happened. */
  readonly replaySafe: boolean;
  /** What to send instead when repeating after a restart (a resume continues as a `/run`). */
  readonly repeat?: { readonly path: "/run"; readonly body: unknown };
  /** Ask for a streamed answer (NDJSON), which the runtime gives when there are values to stream. */
  readonly stream?: boolean;
}

export interface ContainerAnswer {
  readonly status: number;
  readonly body: unknown;
  /** A streamed answer's NDJSON lines; the bus keeps serving the run until it ends. */
  readonly stream?: ReadableStream<Uint8Array>;
}

/** What the bus may serve to a container for one run: only while the Worker has work there. */
export interface BusGrant {
  readonly flow_id: string;
  readonly capabilities: readonly string[];
  readonly journal: boolean;
}

export interface ContainerStatus {
  readonly name: string;
  readonly state: string;
  readonly running: boolean;
  readonly policy: ContainerSettings["restartPolicy"];
  readonly always_on: boolean;
  readonly crashes: number;
  readonly crashes_total: number;
  readonly crash_loop: { readonly max_crashes: number; readonly window_ms: number; readonly tripped_at: string | null };
  readonly last_exit: { readonly code: number; readonly at: string; readonly crash: boolean } | null;
  /** When the process last became ready (ISO time), and for how long it has run since (null while down). */
  readonly last_start: string | null;
  readonly uptime_ms: number | null;
  readonly starts_total: number;
}

/** What an operator route answers: the instance's status, or why the action was refused. */
export type OperatorAnswer = { readonly status: ContainerStatus } | { readonly failure: ContainerFailure };

/** The RPC surface of a container instance, as the Worker's routes and nodes call it. */
export interface ContainerInstance {
  call(call: ContainerCall): Promise<ContainerAnswer>;
  /**
   * Cancels the run's calls in flight here (only those of `node`, when given): the runtime aborts
   * their signals (`POST /cancel`), or, when it cannot be reached, the calls are cut off.
   */
  cancel(meta: FlowsMeta, node?: string): Promise<{ readonly calls: number; readonly reached: boolean }>;
  busGrant(runId: string): Promise<BusGrant | null>;
  status(instance: string): Promise<ContainerStatus>;
  reset(instance: string): Promise<ContainerStatus>;
  keepAlive(instance: string): Promise<ContainerStatus>;
  /** Starts the process (and releases an operator's stop); refused while crash-loop protection holds. */
  startInstance(instance: string): Promise<OperatorAnswer>;
  /** Stops the process gracefully (SIGTERM, then SIGKILL after a grace period) and keeps it down. */
  stopInstance(instance: string): Promise<OperatorAnswer>;
  /** Stops the process and forgets the instance: crash history, starts, protection, an operator's stop. */
  removeInstance(instance: string): Promise<OperatorAnswer>;
  /** Carries out now what the alarm would: a restart the policy scheduled, an always_on instance that is down. */
  reconcileInstance(instance: string): Promise<OperatorAnswer>;
}
