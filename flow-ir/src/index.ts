export { DIAGNOSTIC_CODES, type DiagnosticCode } from "./diagnostics/codes";
export { countBySeverity, type Diagnostic, edgeLabel, type Severity } from "./diagnostics/diagnostic";
export * from "./graph/index";
export { BUILTIN_HINTS } from "./hints/builtin";
export type { HintConstraint } from "./hints/constraint";
export { forEachNodeHint } from "./hints/node-hints";
export { createHintRegistry, type HintRegistry, normalizeHintId } from "./hints/registry";
export * from "./ir/enums";
export { determinismAtMost, effectsAtLeast } from "./ir/lattice";
export * from "./ir/schema";
export type * from "./ir/types";
export { type ParseResult, parseJson } from "./json/parse";
export { decodePointer, encodePointer, resolvePointer } from "./json/pointer";
export { createPositionLocator, positionAt, type SourcePosition } from "./json/position";
export { checkManifestText, type ManifestCheck } from "./manifest/check";
export {
  CUSTOM_INSTANCE_BOUNDS,
  type CustomInstanceType,
  customInstanceProblems,
  DEPRECATED_INSTANCE_TYPES,
  NAMED_INSTANCE_TYPES,
} from "./manifest/instance-types";
export { ManifestSchema, type ProjectManifest, type ProjectManifestInput } from "./manifest/manifest";
export { FLOW_IR_SCHEMA_ID, flowIrJsonSchema, MANIFEST_SCHEMA_ID, manifestJsonSchema } from "./schema/json-schema";
export { closest } from "./suggest/closest";
export * from "./surfaces/index";
export { MIN_EXACTLY_ONCE_TTL_MS } from "./validate/checks/exactly-once";
export { type ValidateOptions, type ValidationResult, validate } from "./validate/validate";
