import type { Diagnostic } from "../diagnostics/diagnostic";
import type { HintRegistry } from "../hints/registry";
import type { FlowIR, NodeIR } from "../ir/types";
import type { ProjectManifest } from "../manifest/manifest";

export interface IndexedNode {
  readonly node: NodeIR;
  readonly index: number;
}

/** What every check sees: the parsed flow, lookups built once, and a sink for findings. */
export interface CheckContext {
  readonly flow: FlowIR;
  readonly registry: HintRegistry;
  readonly manifest: ProjectManifest | undefined;
  /** First node declared under each alias (duplicates are reported by DAG205). */
  readonly nodes: ReadonlyMap<string, IndexedNode>;
  /** `edgeKey(from, to)` of every edge. */
  readonly edgeKeys: ReadonlySet<string>;
  report(diagnostic: Diagnostic): void;
}

export type Check = (context: CheckContext) => void;

export function edgeKey(from: string, to: string): string {
  return `${from}\u0000${to}`;
}

/** Every hint a node carries, in either list, each once, with the path of its first mention. */
export function nodeHints(node: NodeIR, index: number): { hint: string; path: string }[] {
  const seen = new Set<string>();
  const out: { hint: string; path: string }[] = [];
  const lists = [
    ["effectHints", node.effectHints],
    ["determinismHints", node.determinismHints],
  ] as const;
  for (const [field, hints] of lists) {
    hints.forEach((hint, position) => {
      if (seen.has(hint)) return;
      seen.add(hint);
      out.push({ hint, path: `/nodes/${index}/${field}/${position}` });
    });
  }
  return out;
}
