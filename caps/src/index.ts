export { type CapabilityDescriptor, capabilityHints } from "./capability";
export { hintRegistryFor } from "./registry";
