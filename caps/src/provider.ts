/** What a provider sees of the manifest entry and the environment when it is created. */
export interface ProviderContext {
  /** The capability's name in the manifest ("kv"). */
  readonly capability: string;
  readonly kind: string;
  /** The manifest's `binding` name, when it gives one. */
  readonly bindingName: string | undefined;
  /** `env[bindingName]`: the Workers binding, or whatever the host put under that name. */
  readonly binding: unknown;
  /** Values of the secrets the entry and the provider name, read from the environment. */
  readonly secrets: Readonly<Record<string, string>>;
  /** The manifest entry's `options` (root, endpoint, bucket, …), unchecked. */
  readonly options: Readonly<Record<string, unknown>>;
}

/**
 * A way to back one capability: a plain object in the registry, never a class wired up by
 * import side effects. Runtime-specific plugins live behind their package's runtime subpaths
 * (`@flows/cap-kv/workers`, `@flows/cap-kv/opendal`) so a Worker bundle never pulls a native addon.
 */
export interface ProviderPlugin<Provider = unknown> {
  /** "cloudflare.kv", "opendal.fs", "memory", … */
  readonly kind: string;
  /** The capability it backs ("kv"). */
  readonly capability: string;
  /** True when the manifest must name a binding that exists in the environment. */
  readonly needsBinding: boolean;
  /** Secrets this configuration needs beyond those the manifest entry lists. */
  secretsFor?(options: Readonly<Record<string, unknown>>): readonly string[];
  /** A problem with the options, said so a person can fix flows.config.json; undefined when fine. */
  checkOptions?(options: Readonly<Record<string, unknown>>): string | undefined;
  create(context: ProviderContext): Provider | Promise<Provider>;
}

/** Lets a typed plugin list sit in a registry of plugins for other capabilities. */
export type AnyProviderPlugin = ProviderPlugin<unknown>;
