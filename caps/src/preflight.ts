import { type Diagnostic, type FlowIR, forEachNodeHint } from "@flows/flow-ir";
import { checkBinding, type Environment } from "./binding-check";
import type { ManifestLike } from "./manifest";
import type { CapabilityRegistry } from "./registry";

export interface PreflightInput {
  readonly flow: FlowIR;
  readonly registry: CapabilityRegistry;
  readonly manifest: ManifestLike;
  readonly env: Environment;
}

export interface PreflightResult {
  readonly ok: boolean;
  readonly diagnostics: readonly Diagnostic[];
  /** Capabilities the flow's nodes require, in first-use order. */
  readonly required: readonly string[];
}

/**
 * Checks, before any effect, that every capability the flow's nodes require can be provided:
 * CAP101 when no usable provider is bound, DAG203 when a binding or secret is missing. A node
 * requires a capability through its hints (see `CapabilityRegistry.capabilitiesForHint`).
 * Each problem is reported once, at the first node that needs the capability.
 */
export function preflight({ flow, registry, manifest, env }: PreflightInput): PreflightResult {
  const firstUse = new Map<string, { node: string; hint: string; path: string }>();
  flow.nodes.forEach((node, index) => {
    forEachNodeHint(node, index, (hint, path) => {
      for (const name of registry.capabilitiesForHint(hint)) {
        if (!firstUse.has(name)) firstUse.set(name, { node: node.alias, hint, path: path() });
      }
    });
  });
  const diagnostics: Diagnostic[] = [];
  for (const [name, use] of firstUse) {
    for (const problem of checkBinding(registry, manifest, env, name)) {
      diagnostics.push({
        code: problem.code,
        severity: "error",
        message: `node "${use.node}" (hint "${use.hint}"): ${problem.message}`,
        path: use.path,
        node: use.node,
        hint: use.hint,
      });
    }
  }
  return { ok: diagnostics.length === 0, diagnostics, required: [...firstUse.keys()] };
}
