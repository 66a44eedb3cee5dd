import type { CapabilityRegistry, ManifestLike } from "@flows/caps";
import type { NodeIR } from "@flows/flow-ir";
import type { Clock, EffectScope, FlowReader, NodeRegistry } from "@flows/kernel";
import type { InspectorPage } from "./inspector/page";
import type { SourceMapInput } from "./source-map/source-map";

export type WorkerEnv = Record<string, unknown>;

/** What a project hands to `createFlowWorker`. */
export interface FlowWorkerConfig<Env extends WorkerEnv = WorkerEnv> {
  /** Flow IR documents (parsed JSON) or defined flows (`defineFlow` from `@flows/define`). */
  readonly flows: readonly unknown[];
  /**
   * Node implementations by identifier, or a function of the environment returning them;
   * optional when every flow is a defined flow carrying its own (these win over those).
   */
  readonly nodes?: NodeRegistry | ((env: Env) => NodeRegistry);
  /**
   * Installed capabilities with their providers (e.g. `cloudflareKvProvider`); with `manifest`,
   * each node gets the operations its hints grant, and the first request checks every flow's
   * capabilities (CAP101, DAG203) before any effect.
   */
  readonly caps?: CapabilityRegistry;
  /** The project manifest: which provider and binding back each capability. */
  readonly manifest?: ManifestLike;
  /** Or hand nodes their capabilities yourself, already scoped to what each declared. */
  readonly capabilities?: (env: Env, node: NodeIR, effects?: EffectScope) => Readonly<Record<string, unknown>>;
  /**
   * Earlier versions of the flows (documents, read like `flows`): a run that started on one goes
   * on with that graph after the flow changed, instead of failing FLOW409. `flows publish
   * workers` embeds every version it has published (kept in `flows.versions.json`).
   */
  readonly earlierFlows?: readonly unknown[];
  /** Names in `env`: the run Durable Object namespace and the two secrets. */
  readonly bindings?: {
    readonly runs?: string;
    readonly apiToken?: string;
    readonly resumeSecret?: string;
  };
  /** How long a resume token stays valid; 7 days by default. */
  readonly resumeTokenTtlMs?: number;
  /** Request bodies larger than this are refused with 413 BODY413 before anything is stored (default 1 MiB). */
  readonly maxBodyBytes?: number;
  /**
   * Queues whose messages are events for runs, not new runs: each message is
   * `{ "run_id": "…", "name": "…", "payload": …, "id"?: "…" }` and is delivered like
   * `POST /runs/:id/events/:name` (the message id is the event id unless one is given, so a
   * redelivered message wakes the run once).
   */
  readonly eventQueues?: readonly string[];
  /**
   * The runs' clock: wake times, deadlines and journaled `ctx.now()`. The system clock unless
   * given; tests give one they move, to see a 30-day sleep end without waiting 30 days.
   */
  readonly clock?: Clock;
  /**
   * The least level of the runs' log lines printed: "info" by default; "debug" adds a line per
   * completed node (run id, node, attempts, duration), which costs about 28 µs of each durable
   * step in workerd.
   */
  readonly logLevel?: "debug" | "info" | "warn" | "error";
  /**
   * The run inspector page served at /_flows/, `inspector` from "@flows/host-workers/inspector"
   * (about 30 KiB gzipped, so a Worker carries it only when given). Sign-in and the session
   * cookie work without it.
   */
  readonly inspector?: InspectorPage;
  /**
   * The Worker bundle's source map (JSON text, parsed, or a function giving it): a node's bug
   * (NODE500) is journaled, answered and logged with its stack at the sources' positions
   * (`src/nodes.ts:12:7`) instead of the bundle's. Read and decoded on the first failure in an
   * isolate, then kept. `flows publish workers` and `flows dev` hand over the bundle's map
   * trimmed to the project's own sources.
   */
  readonly sourceMap?: SourceMapInput;
  /**
   * The run index behind `GET /runs` (see docs/workers.md "Run index"): rows live in index
   * shards, objects of the run Durable Object namespace, one per hour of start time and
   * `shards` per hour (8 by default; raise it for more than a few thousand run starts and
   * status changes a second). Changing it later is safe: each run keeps the shard it was put in.
   */
  readonly index?: {
    readonly shards?: number;
    /**
     * Awaited before each push of a run's row to its shard. For tests that stop workerd between
     * a run's first write and its index push (a long timer holds the push).
     */
    readonly beforePush?: (env: Env) => Promise<void> | void;
  };
  /** Cron expression → flows started on that schedule. */
  readonly crons?: Readonly<Record<string, readonly string[]>>;
  /**
   * Queue name → the flow each message starts. A failed run's message is retried after
   * `retryDelaySeconds`; after `maxRetries` retries it goes to the `deadLetterQueue` producer
   * binding (when named) and is acked.
   */
  readonly queues?: Readonly<
    Record<
      string,
      {
        readonly flow: string;
        readonly retryDelaySeconds?: number;
        readonly maxRetries?: number;
        readonly deadLetterQueue?: string;
      }
    >
  >;
}

/** A configuration whose way of reading flow documents is settled (validated, or trusted as published). */
export type ReadingConfig<Env extends WorkerEnv> = FlowWorkerConfig<Env> & { readonly readFlow: FlowReader };

export const DEFAULT_BINDINGS = {
  runs: "FLOW_RUNS",
  apiToken: "FLOWS_API_TOKEN",
  resumeSecret: "FLOWS_RESUME_SECRET",
} as const;

export const DEFAULT_RESUME_TOKEN_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export function bindingNames(config: FlowWorkerConfig<never>) {
  return { ...DEFAULT_BINDINGS, ...config.bindings };
}
