import type { EdgeIR, FlowIR } from "../ir/types";
import { surfaceMarks } from "./surfaces";

export interface GraphNode {
  readonly alias: string;
  /** The node kind, or `unknown` for an alias an edge or surface names but no node declares. */
  readonly kind: string;
  /** Surface facts shown with the node: selectors, timeouts, retries, rate limits. */
  readonly notes: readonly string[];
}

/**
 * `solid` a plain edge, `bold` an exactly-once edge, `dashed` a route a surface declares with no
 * edge under it (the validator reports it; the diagram still shows where it was meant to go).
 */
export type EdgeStyle = "solid" | "bold" | "dashed";

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  /** Branch labels (then, else, case values, for each) first, then the edge's own settings. */
  readonly labels: readonly string[];
  readonly style: EdgeStyle;
}

export interface GraphModel {
  readonly title: string;
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

const key = (from: string, to: string) => JSON.stringify([from, to]);

function edgeSettings(edge: EdgeIR): string[] {
  const settings: string[] = [];
  if (edge.delivery !== "at_least_once") settings.push(edge.delivery.replaceAll("_", " "));
  if (typeof edge.timeout_ms === "number") settings.push(`timeout ${edge.timeout_ms} ms`);
  if (typeof edge.buffer.max_items === "number") settings.push(`buffer ${edge.buffer.max_items}`);
  return settings;
}

/** What a diagram of the flow shows, independent of the diagram language. */
export function graphModel(flow: FlowIR): GraphModel {
  const nodes = new Map<string, { kind: string; notes: string[] }>();
  for (const node of flow.nodes) if (!nodes.has(node.alias)) nodes.set(node.alias, { kind: node.kind, notes: [] });
  const ensure = (alias: string) => {
    let node = nodes.get(alias);
    if (node === undefined) {
      node = { kind: "unknown", notes: [] };
      nodes.set(alias, node);
    }
    return node;
  };

  const branchLabels = new Map<string, string[]>();
  const branchOrder: { from: string; to: string }[] = [];
  for (const surface of flow.control_surfaces) {
    const { branches, notes } = surfaceMarks(surface);
    for (const note of notes) nodes.get(note.alias)?.notes.push(note.text);
    for (const branch of branches) {
      const labels = branchLabels.get(key(branch.from, branch.to));
      if (labels === undefined) {
        branchLabels.set(key(branch.from, branch.to), [branch.label]);
        branchOrder.push({ from: branch.from, to: branch.to });
      } else if (!labels.includes(branch.label)) labels.push(branch.label);
    }
  }

  const edges: GraphEdge[] = [];
  const drawn = new Set<string>();
  for (const edge of flow.edges) {
    ensure(edge.from);
    ensure(edge.to);
    const id = key(edge.from, edge.to);
    // A branch labels only the first of parallel edges, so it is not repeated.
    const branches = drawn.has(id) ? [] : (branchLabels.get(id) ?? []);
    drawn.add(id);
    edges.push({
      from: edge.from,
      to: edge.to,
      labels: [...branches, ...edgeSettings(edge)],
      style: edge.delivery === "exactly_once" ? "bold" : "solid",
    });
  }
  for (const { from, to } of branchOrder) {
    if (drawn.has(key(from, to))) continue;
    ensure(from);
    ensure(to);
    edges.push({ from, to, labels: branchLabels.get(key(from, to)) ?? [], style: "dashed" });
  }

  return {
    title: flow.name,
    nodes: [...nodes].map(([alias, node]) => ({ alias, kind: node.kind, notes: node.notes })),
    edges,
  };
}
