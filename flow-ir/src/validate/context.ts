import type { Diagnostic } from "../diagnostics/diagnostic";
import type { HintRegistry } from "../hints/registry";
import type { FlowIR, NodeIR } from "../ir/types";
import type { ProjectManifest } from "../manifest/manifest";
import type { SuccessorTable } from "./successors";

/** What every check sees: the parsed flow, lookups built once, and a sink for findings. */
export interface CheckContext {
  readonly flow: FlowIR;
  readonly registry: HintRegistry;
  readonly manifest: ProjectManifest | undefined;
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

/**
 * Calls `visit` for every hint a node carries, in either list, each once, with a function that
 * builds the path of its first mention (only diagnostics need it, so it is not built eagerly).
 */
export function forEachNodeHint(node: NodeIR, index: number, visit: (hint: string, path: () => string) => void): void {
  const effects = node.effectHints;
  const determinism = node.determinismHints;
  for (let position = 0; position < effects.length; position += 1) {
    const hint = effects[position] as string;
    if (effects.indexOf(hint) !== position) continue;
    visit(hint, () => `/nodes/${index}/effectHints/${position}`);
  }
  for (let position = 0; position < determinism.length; position += 1) {
    const hint = determinism[position] as string;
    if (determinism.indexOf(hint) !== position || effects.includes(hint)) continue;
    visit(hint, () => `/nodes/${index}/determinismHints/${position}`);
  }
}
