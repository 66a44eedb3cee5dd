import type { NodeRegistry } from "./nodes";

/**
 * A flow given as code rather than as a document: anything that can emit its Flow IR and
 * carries the implementations of its nodes (what `defineFlow` from `@flows/define` returns).
 * Hosts accept these wherever they accept documents.
 */
export interface FlowSource {
  toFlowIR(): unknown;
  nodeRegistry?(): NodeRegistry;
  /** Flows it runs as subflows; they are registered alongside it. */
  subflows?(): readonly unknown[];
}

export function isFlowSource(value: unknown): value is FlowSource {
  return (
    value !== null && typeof value === "object" && typeof (value as { toFlowIR?: unknown }).toFlowIR === "function"
  );
}

/**
 * Documents and implementations from a mix of documents and flow sources. Subflows come
 * along, each flow once. Implementations given explicitly win over those a source carries,
 * so a host can replace a node's effects (a test double, a binding-backed variant).
 */
export function readFlowSources(
  flows: readonly unknown[],
  nodes: NodeRegistry = {},
): { readonly documents: unknown[]; readonly nodes: NodeRegistry } {
  const documents: unknown[] = [];
  const carried: Record<string, NodeRegistry[string]> = {};
  const seen = new Set<unknown>();
  const visit = (flow: unknown) => {
    if (seen.has(flow)) return;
    seen.add(flow);
    if (!isFlowSource(flow)) {
      documents.push(flow);
      return;
    }
    documents.push(flow.toFlowIR());
    Object.assign(carried, flow.nodeRegistry?.() ?? {});
    for (const sub of flow.subflows?.() ?? []) visit(sub);
  };
  for (const flow of flows) visit(flow);
  return { documents, nodes: { ...carried, ...nodes } };
}
