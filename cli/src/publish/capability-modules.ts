import { createCapabilityRegistry } from "@flows/caps";
import { forEachNodeHint } from "@flows/flow-ir";
import { BUNDLED_CAPABILITIES } from "../validate/registry";
import type { Project } from "./project";

/** Where a Worker imports each bundled capability and its Cloudflare provider from. */
export const WORKER_CAPABILITY_MODULES = {
  kv: { module: "@flows/cap-kv", capability: "kvCapability", provider: "cloudflareKvProvider" },
  r2: { module: "@flows/cap-r2", capability: "r2Capability", provider: "cloudflareR2Provider" },
  queue: { module: "@flows/cap-queue", capability: "queueCapability", provider: "cloudflareQueueProvider" },
  do: { module: "@flows/cap-do", capability: "doCapability", provider: "cloudflareDoProvider" },
} as const;

export type BundledCapabilityName = keyof typeof WORKER_CAPABILITY_MODULES;

const registry = createCapabilityRegistry(BUNDLED_CAPABILITIES);

/**
 * The capabilities a project's Worker must serve: those a node of one of its flows requires
 * through its hints (the mapping the validator and preflight use), in a fixed order so the
 * same project gives the same bundle.
 */
export function usedCapabilities(project: Project): readonly BundledCapabilityName[] {
  const used = new Set<string>();
  for (const { flow } of project.flows) {
    flow.nodes.forEach((node, index) => {
      forEachNodeHint(node, index, (hint) => {
        for (const name of registry.capabilitiesForHint(hint)) used.add(name);
      });
    });
  }
  return (Object.keys(WORKER_CAPABILITY_MODULES) as BundledCapabilityName[]).filter((name) => used.has(name));
}
