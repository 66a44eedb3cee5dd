import { BUILTIN_HINTS, createHintRegistry, type HintRegistry } from "@flows/flow-ir";
import type { CapabilityDescriptor } from "./capability";

/** The hint registry a validator enforces once these capabilities are installed. */
export function hintRegistryFor(capabilities: readonly CapabilityDescriptor[]): HintRegistry {
  return createHintRegistry([...BUILTIN_HINTS, ...capabilities.flatMap((capability) => capability.hints)]);
}
