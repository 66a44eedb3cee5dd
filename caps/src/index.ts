export { type BindingProblem, checkBinding, type Environment } from "./binding-check";
export { callOperation } from "./call";
export {
  type AnyCapability,
  type ApiOf,
  type Capability,
  type CapabilityDescriptor,
  capabilityHints,
  type OperationSpec,
  type OperationsOf,
  type OperationTable,
  type ProviderOf,
} from "./capability";
export { type CapClock, systemCapClock } from "./clock";
export {
  createEffectIds,
  type EffectId,
  type EffectIds,
  type RecordsEffects,
  recordsEffects,
  WITH_EFFECTS,
} from "./effects";
export { CAP_ERROR_CODES, CapError, type CapErrorCode, type CapErrorData, isCapError, toCapError } from "./errors";
export { type Covers, hintCovers } from "./hint-match";
export { canonicalJson, type JsonValue } from "./json";
export { checkKey, checkLimit, checkPrefix, type KeyRule } from "./keys";
export { createKeyedLock, type KeyedLock } from "./lock";
export {
  boundCapabilities,
  type CapabilityEntry,
  capabilityEntry,
  type ManifestLike,
  manifestSecrets,
} from "./manifest";
export { type PreflightInput, type PreflightResult, preflight } from "./preflight";
export type { AnyProviderPlugin, ProviderContext, ProviderPlugin } from "./provider";
export {
  type CapabilityRegistry,
  type CapabilityRegistryOptions,
  createCapabilityRegistry,
  hintRegistryFor,
} from "./registry";
export {
  type CapabilityApis,
  type ResolvedCapabilities,
  type ResolveInput,
  resolveCapabilities,
  resolveProviders,
} from "./resolve";
export { type GrantedOperations, type ScopedCapabilities, scopeCapabilities } from "./scope";
export { decodeEnvelope, decodeJson, decodeText, encodeEnvelope, encodeJson, encodeText } from "./store/codec";
export { createMemoryTableStore } from "./store/memory";
export type { TableStore } from "./store/table-store";
export { compareUtf8, fitsUtf8, utf8Length } from "./utf8";
