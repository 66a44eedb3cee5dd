import type { FlowsMeta } from "@flows/caps/bus";
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
}

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
}
