import type { CapabilityRegistry } from "@flows/caps";
import { type Diagnostic, type FlowIR, forEachNodeHint } from "@flows/flow-ir";

/**
 * Hint namespaces of the capabilities that ship with flows, and the capability that serves each.
 * A node that declares one of them expects `ctx.caps` to carry that capability; a Worker that
 * was not given it would run the node without it.
 */
export const BUNDLED_CAPABILITY_NAMESPACES: Readonly<Record<string, string>> = {
  "resource::kv": "kv",
  "resource::blob": "r2",
  "resource::queue": "queue",
  "resource::do": "do",
  "resource::dedupe": "do",
};

/** How a Worker registers a bundled capability, e.g. `kvCapability` with `cloudflareKvProvider`. */
const registration = (name: string) =>
  `createCapabilityRegistry([${name}Capability], { providers: [cloudflare${name[0]?.toUpperCase()}${name.slice(1)}Provider] }) from @flows/cap-${name} and @flows/cap-${name}/workers`;

/**
 * CAP101 for each capability a flow's nodes declare through a bundled capability's hints that
 * `registry` does not register (reported once, at the first node that needs it).
 */
export function unservedHints(flow: FlowIR, registry: CapabilityRegistry): Diagnostic[] {
  const reported = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  flow.nodes.forEach((node, index) => {
    forEachNodeHint(node, index, (hint, path) => {
      const name = BUNDLED_CAPABILITY_NAMESPACES[hint.split("::").slice(0, 2).join("::")];
      if (name === undefined || reported.has(name) || registry.capabilitiesForHint(hint).length > 0) return;
      reported.add(name);
      diagnostics.push({
        code: "CAP101",
        severity: "error",
        message: `node "${node.alias}" (hint "${hint}") needs the ${name} capability, which this Worker was not given: pass it in \`caps\` (${registration(name)}) and name its binding in \`manifest\``,
        path: path(),
        node: node.alias,
        hint,
      });
    });
  });
  return diagnostics;
}
