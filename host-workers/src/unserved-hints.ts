import type { CapabilityRegistry } from "@flows/caps";
import { type Diagnostic, type FlowIR, forEachNodeHint } from "@flows/flow-ir";

/**
 * Hint namespaces of the capabilities that ship with flows, and what serves each. A node that
 * declares one of them expects `ctx.caps` to carry that capability; a Worker that was not given
 * it would run the node without it.
 */
const KV = { capability: "kv", module: "@flows/cap-kv", plugin: "kvCapability", provider: "cloudflareKvProvider" };
const R2 = { capability: "r2", module: "@flows/cap-r2", plugin: "r2Capability", provider: "cloudflareR2Provider" };
const QUEUE = {
  capability: "queue",
  module: "@flows/cap-queue",
  plugin: "queueCapability",
  provider: "cloudflareQueueProvider",
};
const DO = { capability: "do", module: "@flows/cap-do", plugin: "doCapability", provider: "cloudflareDoProvider" };

export const BUNDLED_CAPABILITY_NAMESPACES: Readonly<Record<string, typeof KV>> = {
  "resource::kv": KV,
  "resource::blob": R2,
  "resource::queue": QUEUE,
  "resource::do": DO,
  "resource::dedupe": DO,
};

const namespaceOf = (hint: string) => hint.split("::").slice(0, 2).join("::");

/**
 * CAP101 for each capability a flow's nodes declare through a bundled capability's hints that
 * `registry` does not register (reported once, at the first node that needs it).
 */
export function unservedHints(flow: FlowIR, registry: CapabilityRegistry): Diagnostic[] {
  const reported = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  flow.nodes.forEach((node, index) => {
    forEachNodeHint(node, index, (hint, path) => {
      const bundled = BUNDLED_CAPABILITY_NAMESPACES[namespaceOf(hint)];
      if (bundled === undefined || reported.has(bundled.capability)) return;
      if (registry.capabilitiesForHint(hint).length > 0) return;
      reported.add(bundled.capability);
      diagnostics.push({
        code: "CAP101",
        severity: "error",
        message: `node "${node.alias}" (hint "${hint}") needs the ${bundled.capability} capability, which this Worker was not given: pass \`caps: createCapabilityRegistry([${bundled.plugin}], { providers: [${bundled.provider}] })\` (from ${bundled.module} and ${bundled.module}/workers) and a \`manifest\` naming its binding`,
        path: path(),
        node: node.alias,
        hint,
      });
    });
  });
  return diagnostics;
}
