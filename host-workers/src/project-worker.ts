import { doCapability } from "@flows/cap-do";
import { cloudflareDoProvider } from "@flows/cap-do/workers";
import { kvCapability } from "@flows/cap-kv";
import { cloudflareKvProvider } from "@flows/cap-kv/workers";
import { queueCapability } from "@flows/cap-queue";
import { cloudflareQueueProvider } from "@flows/cap-queue/workers";
import { r2Capability } from "@flows/cap-r2";
import { cloudflareR2Provider } from "@flows/cap-r2/workers";
import { createCapabilityRegistry, type ManifestLike } from "@flows/caps";
import type { FlowWorkerConfig, WorkerEnv } from "./config";
import { createFlowWorker } from "./create-flow-worker";

/** Every bundled capability with its Cloudflare binding provider. */
export const workersCapabilities = createCapabilityRegistry(
  [kvCapability, r2Capability, queueCapability, doCapability],
  {
    providers: [cloudflareKvProvider, cloudflareR2Provider, cloudflareQueueProvider, cloudflareDoProvider],
  },
);

/**
 * The default entry for a whole project: its flows, node implementations and manifest, with
 * every bundled capability (KV, R2, Queues, Durable Objects) served by the bindings the
 * manifest names. `flows publish workers` generates a module that calls this.
 */
export function createProjectWorker<Env extends WorkerEnv>(
  project: Omit<FlowWorkerConfig<Env>, "caps" | "capabilities" | "manifest"> & { readonly manifest: ManifestLike },
) {
  const triggers = (project.manifest as { triggers?: ManifestTriggers }).triggers;
  const queues =
    project.queues ??
    Object.fromEntries(
      Object.entries(triggers?.queues ?? {}).map(([name, queue]) => [
        name,
        {
          flow: queue.flow,
          ...(queue.max_retries === undefined ? {} : { maxRetries: queue.max_retries }),
          ...(queue.retry_delay_seconds === undefined ? {} : { retryDelaySeconds: queue.retry_delay_seconds }),
          ...(queue.dead_letter_queue === undefined ? {} : { deadLetterQueue: queue.dead_letter_queue }),
        },
      ]),
    );
  const crons = project.crons ?? triggers?.crons;
  return createFlowWorker<Env>({
    ...project,
    caps: workersCapabilities,
    queues,
    ...(crons === undefined ? {} : { crons }),
  });
}

/** The `triggers` section of flows.config.json, as the manifest schema defines it. */
interface ManifestTriggers {
  readonly queues?: Readonly<
    Record<string, { flow: string; dead_letter_queue?: string; max_retries?: number; retry_delay_seconds?: number }>
  >;
  readonly crons?: Readonly<Record<string, readonly string[]>>;
}
