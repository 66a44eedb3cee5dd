/**
 * Cloudflare Containers instance sizes as documented under "Limits and Instance Types"
 * (developers.cloudflare.com/containers/platform/limits/). Kept here so `flows validate` refuses
 * a size before wrangler or the deploy would, and points at the manifest line that names it.
 */

/** The named instance types a `containers[].instance_type` takes today. */
export const NAMED_INSTANCE_TYPES = ["lite", "basic", "standard-1", "standard-2", "standard-3", "standard-4"] as const;

/** Older names wrangler still accepts, with the type that replaced each. */
export const DEPRECATED_INSTANCE_TYPES: Readonly<Record<string, string>> = { dev: "lite", standard: "standard-1" };

/** A custom size, as wrangler writes it under `instance_type`. */
export interface CustomInstanceType {
  readonly vcpu: number;
  readonly memory_mib: number;
  readonly disk_mb: number;
}

/** The documented bounds of a custom size. */
export const CUSTOM_INSTANCE_BOUNDS = {
  minVcpu: 1,
  maxVcpu: 4,
  maxMemoryMib: 12 * 1024,
  maxDiskMb: 20_000,
  /** At least 3 GiB of memory per vCPU. */
  minMemoryMibPerVcpu: 3 * 1024,
  /** At most 2 GB of disk per GiB of memory. */
  maxDiskMbPerMemoryGib: 2_000,
} as const;

/** Every documented bound a custom size breaks, each as a sentence naming the field. */
export function customInstanceProblems(size: CustomInstanceType): string[] {
  const b = CUSTOM_INSTANCE_BOUNDS;
  const problems: string[] = [];
  const vcpuFits = size.vcpu >= b.minVcpu && size.vcpu <= b.maxVcpu;
  if (!vcpuFits) {
    problems.push(
      `vcpu must be between ${b.minVcpu} and ${b.maxVcpu} (for less than 1 vCPU use the named types lite or basic)`,
    );
  }
  if (!Number.isInteger(size.memory_mib) || size.memory_mib < 1 || size.memory_mib > b.maxMemoryMib) {
    problems.push(`memory_mib must be a whole number of MiB, at most ${b.maxMemoryMib} (12 GiB)`);
  } else if (vcpuFits && size.memory_mib < size.vcpu * b.minMemoryMibPerVcpu) {
    problems.push(
      `memory_mib must be at least 3 GiB per vCPU: ${size.vcpu * b.minMemoryMibPerVcpu} for ${size.vcpu} vCPU`,
    );
  }
  const diskLimit = Math.floor((size.memory_mib / 1024) * b.maxDiskMbPerMemoryGib);
  if (!Number.isInteger(size.disk_mb) || size.disk_mb < 1 || size.disk_mb > b.maxDiskMb) {
    problems.push(`disk_mb must be a whole number of MB, at most ${b.maxDiskMb} (20 GB)`);
  } else if (size.disk_mb > diskLimit) {
    problems.push(`disk_mb must be at most 2 GB per GiB of memory: ${diskLimit} for ${size.memory_mib} MiB`);
  }
  return problems;
}
