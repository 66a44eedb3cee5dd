export { assertFlow, type CheckOptions, checkFlow, type LocatedDiagnostic, locate } from "./check";
export type { Checkpoint, CheckpointOptions, CheckpointsOf, DetailsOf, ResumeOf } from "./checkpoint";
export { type Claims, deriveClaims, registryFor } from "./claims";
export type { FlowContext } from "./context";
export { toTypeScript } from "./convert";
export {
  type DefinedFlow,
  defineFlow,
  type EmitOptions,
  type FlowOptions,
  isDefinedFlow,
} from "./define-flow";
export type { FlowDocument, SourceMap } from "./emit";
export { DEFINE_ERROR_CODES, type DefineErrorCode, DefinitionError, formatLocation, isDefinitionError } from "./errors";
export type {
  CaseRoute,
  FlowBuilder,
  ForEachOptions,
  IfRoutes,
  RawSurface,
  SubflowTarget,
  SwitchRoutes,
  TriggerOptions,
} from "./flow";
export type { SourceLocation } from "./location";
export type { CommonOptions, ErrorHandling, IdempotencyOptions, NodeOptions } from "./options";
export type { AtPointer, CaseKey, KeyField, PointerOf, ScalarField } from "./paths";
export { type AnySchema, type JsonSchema, portOf } from "./ports";
export {
  type After,
  type BufferOptions,
  type EdgeOptions,
  type EdgeRef,
  edge,
  type InputOf,
  type NodeRef,
  type RouteRef,
} from "./refs";
export { type AccessOf, type AnyUse, type CapabilityUse, type CapsOf, type HintsOf, use } from "./use";
