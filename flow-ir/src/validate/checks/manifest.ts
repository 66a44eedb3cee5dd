import { forEachNodeHint } from "../../hints/node-hints";
import type { Check } from "../context";

/** DAG203: every capability a node uses is bound in the manifest, and its secrets are listed. */
export const checkManifest: Check = ({ flow, registry, manifest, report }) => {
  if (!manifest) return;
  const declaredSecrets = new Set(manifest.secrets);
  const reportedSecrets = new Set<string>();
  flow.nodes.forEach((node, index) => {
    const reported = new Set<string>();
    forEachNodeHint(node, index, (hint, pathOf) => {
      const path = pathOf();
      for (const constraint of registry.constraintsFor(hint)) {
        const capability = constraint.capability;
        if (capability === undefined || reported.has(capability)) continue;
        reported.add(capability);
        const binding = manifest.capabilities[capability];
        if (!binding) {
          report({
            code: "DAG203",
            severity: "error",
            message: `node "${node.alias}" uses capability "${capability}" (hint "${hint}") but the manifest binds none: add "capabilities": { "${capability}": { "provider": …, "binding": … } } to flows.config.json`,
            path,
            node: node.alias,
            hint,
          });
          continue;
        }
        for (const secret of binding.secrets ?? []) {
          if (declaredSecrets.has(secret) || reportedSecrets.has(secret)) continue;
          reportedSecrets.add(secret);
          report({
            code: "DAG203",
            severity: "error",
            message: `capability "${capability}" (used by node "${node.alias}") needs secret "${secret}" which the manifest does not list: add it to "secrets" in flows.config.json`,
            path,
            node: node.alias,
            hint,
          });
        }
      }
    });
  });
};
