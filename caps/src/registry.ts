import { BUILTIN_HINTS, createHintRegistry, type HintRegistry } from "@flows/flow-ir";
import type { AnyCapability, CapabilityDescriptor } from "./capability";
import { CapError } from "./errors";
import type { AnyProviderPlugin } from "./provider";

/** The hint registry a validator enforces once these capabilities are installed. */
export function hintRegistryFor(capabilities: readonly CapabilityDescriptor[]): HintRegistry {
  return createHintRegistry([...BUILTIN_HINTS, ...capabilities.flatMap((capability) => capability.hints)]);
}

export interface CapabilityRegistry<C extends AnyCapability = AnyCapability> {
  readonly capabilities: readonly C[];
  /** Built-in hints plus every registered capability's hints: what `validate` enforces. */
  readonly hints: HintRegistry;
  get(name: string): C | undefined;
  /** The plugin that backs `capability` with `kind`, when one is registered. */
  provider(capability: string, kind: string): AnyProviderPlugin | undefined;
  /** Kinds with a registered plugin for `capability`, for messages that list the choices. */
  providerKinds(capability: string): readonly string[];
  /**
   * Capabilities a hint requires: the `capability` field of every constraint that applies to
   * it, the same mapping the validator uses for DAG203 (so `resource::kv::write` → `kv`,
   * `resource::dedupe::orders` → `do`).
   */
  capabilitiesForHint(hint: string): readonly string[];
}

export interface CapabilityRegistryOptions {
  /** Provider plugins for the registered capabilities (from each package's runtime subpaths). */
  readonly providers?: readonly AnyProviderPlugin[];
}

/**
 * A typed, explicit set of capabilities and their provider plugins. Registering a capability
 * registers its hints with the validator through `hints`.
 */
export function createCapabilityRegistry<const C extends readonly AnyCapability[]>(
  capabilities: C,
  options: CapabilityRegistryOptions = {},
): CapabilityRegistry<C[number]> {
  const byName = new Map<string, C[number]>();
  for (const capability of capabilities) {
    if (byName.has(capability.name)) {
      throw new CapError("CAP400", `capability "${capability.name}" is registered twice`, {
        capability: capability.name,
      });
    }
    byName.set(capability.name, capability);
  }
  const plugins = new Map<string, AnyProviderPlugin>();
  for (const plugin of options.providers ?? []) {
    const capability = byName.get(plugin.capability);
    if (!capability) {
      throw new CapError(
        "CAP400",
        `provider "${plugin.kind}" backs capability "${plugin.capability}", which is not registered`,
        { provider: plugin.kind, capability: plugin.capability },
      );
    }
    if (!capability.providerKinds.includes(plugin.kind)) {
      throw new CapError(
        "CAP400",
        `capability "${plugin.capability}" does not list provider kind "${plugin.kind}" (it lists ${capability.providerKinds.join(", ")})`,
        { provider: plugin.kind, capability: plugin.capability },
      );
    }
    plugins.set(`${plugin.capability}\u0000${plugin.kind}`, plugin);
  }
  const hints = hintRegistryFor(capabilities);
  const forHint = new Map<string, readonly string[]>();
  return Object.freeze({
    capabilities: Object.freeze([...capabilities]),
    hints,
    get: (name: string) => byName.get(name),
    provider: (capability: string, kind: string) => plugins.get(`${capability}\u0000${kind}`),
    providerKinds: (capability: string) =>
      [...plugins.values()].filter((plugin) => plugin.capability === capability).map((plugin) => plugin.kind),
    capabilitiesForHint(hint: string) {
      const known = forHint.get(hint);
      if (known) return known;
      const names = [
        ...new Set(
          hints
            .constraintsFor(hint)
            .map((constraint) => constraint.capability)
            .filter((name): name is string => name !== undefined && byName.has(name)),
        ),
      ];
      forHint.set(hint, names);
      return names;
    },
  });
}
