import * as v from "valibot";

/** Lattices and enumerations of Flow IR 0.1, in the order their JSON Schema lists them. */
export const EFFECTS = ["pure", "read_only", "effectful"] as const;
export const DETERMINISM = ["strict", "stable", "best_effort", "nondeterministic"] as const;
export const NODE_KINDS = ["trigger", "inline", "activity", "subflow"] as const;
export const DELIVERY = ["at_least_once", "at_most_once", "exactly_once"] as const;
export const ORDERING = ["ordered", "unordered"] as const;
export const PROFILES = ["web", "queue", "temporal", "wasm", "dev"] as const;
export const IDEMPOTENCY_SCOPES = ["node", "edge", "partition"] as const;
export const CONTROL_SURFACE_KINDS = [
  "switch",
  "if",
  "loop",
  "for_each",
  "window",
  "partition",
  "timeout",
  "rate_limit",
  "error_handler",
] as const;

export type Effects = (typeof EFFECTS)[number];
export type Determinism = (typeof DETERMINISM)[number];
export type NodeKind = (typeof NODE_KINDS)[number];
export type Delivery = (typeof DELIVERY)[number];
export type Ordering = (typeof ORDERING)[number];
export type Profile = (typeof PROFILES)[number];
export type IdempotencyScope = (typeof IDEMPOTENCY_SCOPES)[number];
export type ControlSurfaceKind = (typeof CONTROL_SURFACE_KINDS)[number];

// Each schema below is marked pure: a bundle that uses only the lists (a Worker) leaves them out.
const oneOf = <const T extends readonly string[]>(values: T, what: string) =>
  v.picklist(values, `${what} must be one of ${values.map((x) => `"${x}"`).join(", ")}`);

export const EffectsSchema = /* @__PURE__ */ oneOf(EFFECTS, "effects");
export const DeterminismSchema = /* @__PURE__ */ oneOf(DETERMINISM, "determinism");
export const NodeKindSchema = /* @__PURE__ */ oneOf(NODE_KINDS, "kind");
export const DeliverySchema = /* @__PURE__ */ oneOf(DELIVERY, "delivery");
export const OrderingSchema = /* @__PURE__ */ oneOf(ORDERING, "ordering");
export const ProfileSchema = /* @__PURE__ */ oneOf(PROFILES, "profile");
export const IdempotencyScopeSchema = /* @__PURE__ */ oneOf(IDEMPOTENCY_SCOPES, "idempotency scope");
export const ControlSurfaceKindSchema = /* @__PURE__ */ oneOf(CONTROL_SURFACE_KINDS, "control surface kind");
