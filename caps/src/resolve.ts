import { checkBinding, type Environment } from "./binding-check";
import type { AnyCapability, ApiOf } from "./capability";
import { CapError } from "./errors";
import { boundCapabilities, capabilityEntry, type ManifestLike } from "./manifest";
import type { CapabilityRegistry } from "./registry";

/** Every capability's API, keyed by name; what `scopeCapabilities` narrows per node. */
export type CapabilityApis<C extends AnyCapability> = { readonly [K in C as K["name"]]?: ApiOf<K> };

export interface ResolvedCapabilities<C extends AnyCapability = AnyCapability> {
  readonly registry: CapabilityRegistry<C>;
  readonly apis: CapabilityApis<C>;
}

export interface ResolveInput<C extends AnyCapability> {
  readonly registry: CapabilityRegistry<C>;
  readonly manifest: ManifestLike;
  readonly env: Environment;
  /** Only these capabilities (e.g. `preflight(...).required`); default: every bound one the registry knows. */
  readonly only?: readonly string[];
}

/**
 * Creates the provider each capability's manifest entry names, unbound: what a command-bus
 * dispatcher serves. Throws a CapError (CAP101, DAG203) on the first problem preflight would
 * have reported.
 */
export async function resolveProviders<C extends AnyCapability>(
  input: ResolveInput<C>,
): Promise<ReadonlyMap<string, { readonly capability: C; readonly provider: unknown }>> {
  const { registry, manifest, env } = input;
  const names = input.only ?? boundCapabilities(manifest).filter((name) => registry.get(name) !== undefined);
  const providers = new Map<string, { capability: C; provider: unknown }>();
  for (const name of names) {
    const capability = registry.get(name);
    if (!capability) {
      throw new CapError("CAP101", `capability "${name}" is not registered in this host`, { capability: name });
    }
    const [problem] = checkBinding(registry, manifest, env, name);
    if (problem) throw new CapError(problem.code, problem.message, { capability: name });
    const entry = capabilityEntry(manifest, name);
    const kind = entry?.provider ?? "";
    const plugin = registry.provider(name, kind);
    if (!entry || !plugin) throw new CapError("CAP101", `capability "${name}" has no provider`, { capability: name });
    const secretNames = [...entry.secrets, ...(plugin.secretsFor?.(entry.options) ?? [])];
    const secrets: Record<string, string> = {};
    for (const secret of secretNames) secrets[secret] = String(env[secret]);
    const provider = await plugin.create({
      capability: name,
      kind,
      bindingName: entry.binding,
      binding: entry.binding === undefined ? undefined : env[entry.binding],
      secrets,
      options: entry.options,
    });
    providers.set(name, { capability, provider });
  }
  return providers;
}

/**
 * Creates a provider for each capability from the manifest and binds it to the capability's
 * API. Throws a CapError (CAP101, DAG203) on the first problem preflight would have reported.
 */
export async function resolveCapabilities<C extends AnyCapability>(
  input: ResolveInput<C>,
): Promise<ResolvedCapabilities<C>> {
  const apis: Record<string, object> = {};
  for (const [name, { capability, provider }] of await resolveProviders(input)) {
    // The registry checked that this plugin backs this capability, so the provider fits `bind`.
    apis[name] = (capability.bind as (provider: unknown) => object)(provider);
  }
  return { registry: input.registry, apis: apis as CapabilityApis<C> };
}
