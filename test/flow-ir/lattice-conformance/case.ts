import type { DiagnosticCode } from "@flows/flow-ir";
import type { LatticeRegistryName } from "./registries";

/** Where a case comes from in the Lattice repository (PSU3D0/LatticeFlow). */
export type CaseSource = "kernel-plan unit tests" | "dag-macros tests" | "examples";

/**
 * One document and Lattice's verdict on it. `errors` is the set of codes Lattice's
 * `kernel_plan::validate` returns for the document, read from its source: the code the cited
 * test asserts, plus any other check of crates/kernel-plan/src/lib.rs the document trips
 * (empty: Lattice returns Ok).
 */
export interface ConformanceCase {
  readonly source: CaseSource;
  /** The Lattice file the document is taken from. */
  readonly file: string;
  /** The test (or flow) in that file. */
  readonly test: string;
  /** The hints registered when Lattice validates it (see registries.ts). */
  readonly registry: LatticeRegistryName;
  readonly document: unknown;
  readonly errors: readonly DiagnosticCode[];
}
