import type { ManifestLike } from "@flows/caps";

export type RestartPolicy = "always" | "on_failure" | "never";

/** The manifest's `container` section with every default filled in. */
export interface ContainerSettings {
  readonly nodes: readonly string[];
  readonly flows: readonly string[];
  readonly binding: string;
  readonly className: string;
  readonly sleepAfter: string;
  readonly restartPolicy: RestartPolicy;
  readonly crashLoop: { readonly maxCrashes: number; readonly windowMs: number };
  readonly instances: number;
  readonly alwaysOn: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Worker secrets, by name, the process gets as environment variables when it starts. */
  readonly secrets: readonly string[];
  /** Whether the process may reach the internet (the library's `enableInternet`). */
  readonly enableInternet: boolean;
  /** The port the container runtime listens on (its `PORT`). */
  readonly port: number;
}

export const DEFAULT_CONTAINER_BINDING = "FLOW_CONTAINER";
export const DEFAULT_CONTAINER_CLASS = "FlowContainer";
const DEFAULT_PORT = 8080;

interface ContainerSection {
  readonly nodes?: readonly string[];
  readonly flows?: readonly string[];
  readonly binding?: string;
  readonly class_name?: string;
  readonly sleep_after?: string;
  readonly restart_policy?: RestartPolicy;
  readonly crash_loop?: { readonly max_crashes?: number; readonly window_ms?: number };
  readonly instances?: number;
  readonly always_on?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly secrets?: readonly string[];
  readonly enable_internet?: boolean;
}

/** Undefined when the manifest runs everything in the Worker. */
export function containerSettings(manifest: ManifestLike | undefined): ContainerSettings | undefined {
  const section = (manifest as { container?: ContainerSection } | undefined)?.container;
  if (section === undefined) return undefined;
  return {
    nodes: section.nodes ?? [],
    flows: section.flows ?? [],
    binding: section.binding ?? DEFAULT_CONTAINER_BINDING,
    className: section.class_name ?? DEFAULT_CONTAINER_CLASS,
    sleepAfter: section.sleep_after ?? "10m",
    restartPolicy: section.restart_policy ?? "on_failure",
    crashLoop: { maxCrashes: section.crash_loop?.max_crashes ?? 3, windowMs: section.crash_loop?.window_ms ?? 60_000 },
    instances: Math.max(1, section.instances ?? 1),
    alwaysOn: section.always_on ?? [],
    // PORT is the runtime's; the manifest may not move it away from the port the class probes.
    env: { ...section.env, PORT: String(DEFAULT_PORT) },
    secrets: section.secrets ?? [],
    enableInternet: section.enable_internet ?? true,
    port: DEFAULT_PORT,
  };
}
