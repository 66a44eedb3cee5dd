import { doCapability } from "@flows/cap-do";
import { cloudflareDoProvider } from "@flows/cap-do/workers";
import { kvCapability } from "@flows/cap-kv";
import { cloudflareKvProvider } from "@flows/cap-kv/workers";
import { queueCapability } from "@flows/cap-queue";
import { cloudflareQueueProvider } from "@flows/cap-queue/workers";
import { r2Capability } from "@flows/cap-r2";
import { cloudflareR2Provider } from "@flows/cap-r2/workers";
import { createCapabilityRegistry } from "@flows/caps";

/**
 * Every bundled capability (KV, R2, Queues, Durable Objects) with its Cloudflare binding
 * provider. Its own entry point, so a Worker that registers only what it uses never bundles
 * the rest.
 */
export const workersCapabilities = createCapabilityRegistry(
  [kvCapability, r2Capability, queueCapability, doCapability],
  {
    providers: [cloudflareKvProvider, cloudflareR2Provider, cloudflareQueueProvider, cloudflareDoProvider],
  },
);
