import type { Diagnostic } from "../diagnostics/diagnostic";
import type { HintRegistry } from "../hints/registry";
import type { FlowIR } from "../ir/types";
import type { ManifestBindings } from "./manifest-bindings";
import type { SuccessorTable } from "./successors";

/** What every check sees: the parsed flow, lookups built once, and a sink for findings. */
export interface CheckContext {
  readonly flow: FlowIR;
  readonly registry: HintRegistry;
  readonly manifest: ManifestBindings | undefined;
  /** Alias → position in `flow.nodes` of the first node declared under it (duplicates: DAG205). */
  readonly nodes: ReadonlyMap<string, number>;
  /**
   * For edge i, the position in `flow.nodes` of the node named by its `from` / `to`
   * (the first node with that alias), or -1 when no node has it. Resolved once for every check.
   */
  readonly edgeFrom: Int32Array;
  readonly edgeTo: Int32Array;
  /** Successors of every node position, built on first use and shared by the checks. */
  successors(): SuccessorTable;
  /** Whether an edge from → to exists (the index behind it is built on first use). */
  hasEdge(from: string, to: string): boolean;
  report(diagnostic: Diagnostic): void;
}

export type Check = (context: CheckContext) => void;

export function edgeKey(from: string, to: string): string {
  return `${from}\u0000${to}`;
}
