import type { ProjectManifest, ProjectManifestInput } from "@flows/flow-ir";

/** One `capabilities.<name>` entry of flows.config.json, with defaults filled in. */
export interface CapabilityEntry {
  readonly provider: string | undefined;
  readonly binding: string | undefined;
  readonly secrets: readonly string[];
  /** Provider settings: `root` for opendal.fs, `endpoint`/`bucket`/`region` for opendal.s3, … */
  readonly options: Readonly<Record<string, unknown>>;
}

export type ManifestLike = ProjectManifest | ProjectManifestInput;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);
const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

/**
 * Reads the capability entries of a manifest. The manifest schema keeps unknown fields, so
 * `options` arrives here unchecked; each provider checks its own options.
 */
export function capabilityEntry(manifest: ManifestLike, name: string): CapabilityEntry | undefined {
  const capabilities: unknown = manifest.capabilities;
  if (!isRecord(capabilities)) return undefined;
  const entry = capabilities[name];
  if (!isRecord(entry)) return undefined;
  return {
    provider: text(entry.provider),
    binding: text(entry.binding),
    secrets: strings(entry.secrets),
    options: isRecord(entry.options) ? entry.options : {},
  };
}

export function manifestSecrets(manifest: ManifestLike): ReadonlySet<string> {
  return new Set(strings(manifest.secrets));
}

export function boundCapabilities(manifest: ManifestLike): readonly string[] {
  const capabilities: unknown = manifest.capabilities;
  return isRecord(capabilities) ? Object.keys(capabilities) : [];
}
