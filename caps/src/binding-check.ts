import type { ManifestLike } from "./manifest";
import { capabilityEntry, manifestSecrets } from "./manifest";
import type { CapabilityRegistry } from "./registry";

export type Environment = Readonly<Record<string, unknown>>;

export interface BindingProblem {
  readonly code: "CAP101" | "DAG203";
  readonly message: string;
}

/**
 * Everything that must hold before a capability can be used, checked without touching the
 * provider: a provider kind is bound and available here, its options make sense, its binding
 * and secrets exist. Preflight reports these as diagnostics; resolution throws the first.
 */
export function checkBinding(
  registry: CapabilityRegistry,
  manifest: ManifestLike,
  env: Environment,
  name: string,
): BindingProblem[] {
  const entry = capabilityEntry(manifest, name);
  const kinds = registry.providerKinds(name);
  const choices = kinds.length > 0 ? kinds.join(", ") : "none registered in this host";
  if (!entry?.provider) {
    return [
      {
        code: "CAP101",
        message: `capability "${name}" has no provider bound: set "capabilities": { "${name}": { "provider": … } } in flows.config.json (available here: ${choices})`,
      },
    ];
  }
  const plugin = registry.provider(name, entry.provider);
  if (!plugin) {
    return [
      {
        code: "CAP101",
        message: `capability "${name}" is bound to provider "${entry.provider}", which this host does not offer (available here: ${choices})`,
      },
    ];
  }
  const problems: BindingProblem[] = [];
  const optionProblem = plugin.checkOptions?.(entry.options);
  if (optionProblem !== undefined) {
    problems.push({
      code: "CAP101",
      message: `capability "${name}" (provider "${entry.provider}") is misconfigured: ${optionProblem}`,
    });
  }
  if (plugin.needsBinding) {
    if (entry.binding === undefined) {
      problems.push({
        code: "DAG203",
        message: `capability "${name}" uses provider "${entry.provider}", which needs a binding: set "binding" on its entry in flows.config.json`,
      });
    } else if (env[entry.binding] === undefined || env[entry.binding] === null) {
      problems.push({
        code: "DAG203",
        message: `capability "${name}" needs binding "${entry.binding}", which this environment does not have: add it to wrangler.jsonc (or the host's env)`,
      });
    }
  }
  const listed = manifestSecrets(manifest);
  const secrets = new Set([...entry.secrets, ...(plugin.secretsFor?.(entry.options) ?? [])]);
  for (const secret of secrets) {
    if (!listed.has(secret)) {
      problems.push({
        code: "DAG203",
        message: `capability "${name}" needs secret "${secret}", which flows.config.json does not list: add it to "secrets"`,
      });
    } else if (typeof env[secret] !== "string") {
      problems.push({
        code: "DAG203",
        message: `capability "${name}" needs secret "${secret}", which is not set in this environment`,
      });
    }
  }
  return problems;
}
