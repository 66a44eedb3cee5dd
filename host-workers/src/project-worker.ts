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
  return createFlowWorker<Env>({ ...project, caps: workersCapabilities });
}
