import type { Determinism, Effects } from "../ir/enums";

/**
 * What a hint demands of the node that carries it. Registered per hint id; a constraint on
 * `resource::kv` applies to `resource::kv::write` too, and a trailing `::*` means the same.
 */
export interface HintConstraint {
  readonly hint: string;
  /** The node's `effects` must be at least this. */
  readonly minEffects?: Effects;
  /** The node's `determinism` may claim at most this (strongest allowed). */
  readonly maxDeterminism?: Determinism;
  /** Tells the author what to change. */
  readonly guidance: string;
  /** The capability that serves this hint; a manifest must bind it (DAG203). */
  readonly capability?: string;
  /** Who registered it: "builtin" or a capability name. */
  readonly source: string;
}
