import { type EdgeLabel, type GraphLabel, graphlib, layout, type NodeLabel } from "@dagrejs/dagre";
import type { GraphNode, NodeStatus, NodeView } from "./api";
import { s } from "./dom";

const NODE_HEIGHT = 46;
const CHAR_WIDTH = 7.5;

/** A node's state in the run: its own view, or pending when the run has not reached it. */
export function nodeState(node: GraphNode, views: ReadonlyMap<string, NodeView>): NodeStatus {
  return (views.get(node.id) ?? (node.alias === undefined ? undefined : views.get(node.alias)))?.status ?? "pending";
}

/**
 * The flow's graph as SVG, laid out by dagre (ranks left to right), each node a button coloured
 * and labelled with its state. `selected` is outlined; choosing a node calls `onSelect`.
 */
export function drawGraph(
  graph: { readonly nodes: readonly GraphNode[]; readonly edges: readonly { from: string; to: string }[] },
  views: ReadonlyMap<string, NodeView>,
  selected: string | undefined,
  onSelect: (node: GraphNode) => void,
): SVGSVGElement {
  const g = new graphlib.Graph<GraphLabel, NodeLabel, EdgeLabel>();
  g.setGraph({ rankdir: "LR", nodesep: 24, ranksep: 56, marginx: 12, marginy: 12 });
  g.setDefaultEdgeLabel((): EdgeLabel => ({}));
  for (const node of graph.nodes) {
    const label = node.alias ?? node.id;
    g.setNode(node.id, { width: Math.max(120, 24 + label.length * CHAR_WIDTH), height: NODE_HEIGHT });
  }
  // Edges name nodes by id or by alias (Flow IR edges use aliases).
  const ids = new Map<string, string>();
  for (const node of graph.nodes) {
    ids.set(node.id, node.id);
    if (node.alias !== undefined && !ids.has(node.alias)) ids.set(node.alias, node.id);
  }
  for (const edge of graph.edges) {
    const from = ids.get(edge.from);
    const to = ids.get(edge.to);
    if (from !== undefined && to !== undefined) g.setEdge(from, to);
  }
  layout(g);
  const size = g.graph();
  const width = Math.ceil(size.width ?? 200);
  const height = Math.ceil(size.height ?? 100);

  const svg = s("svg", {
    class: "graph",
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: "group",
    "aria-label": "Flow graph: each node with its state; choose one for its details",
  });
  svg.append(
    s(
      "defs",
      {},
      s(
        "marker",
        { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto" },
        s("path", { d: "M0,0 L10,5 L0,10 z", class: "arrow-head" }),
      ),
    ),
  );
  for (const edge of g.edges()) {
    const points = g.edge(edge).points ?? [];
    if (points.length === 0) continue;
    const d = points.map((point, index) => `${index === 0 ? "M" : "L"}${point.x},${point.y}`).join(" ");
    svg.append(s("path", { d, class: "edge", "marker-end": "url(#arrow)" }));
  }
  for (const node of graph.nodes) {
    const box = g.node(node.id);
    const x = (box.x ?? 0) - box.width / 2;
    const y = (box.y ?? 0) - box.height / 2;
    const state = nodeState(node, views);
    const label = node.alias ?? node.id;
    const item = s(
      "g",
      {
        class: `node state-${state}${node.id === selected ? " selected" : ""}`,
        transform: `translate(${x},${y})`,
        role: "button",
        tabindex: 0,
        "data-node": node.id,
        "data-state": state,
        "aria-label": `${label}: ${state}`,
        "aria-pressed": node.id === selected ? "true" : "false",
      },
      s("title", {}, `${label} (${node.kind ?? "node"}): ${state}`),
      s("rect", { width: box.width, height: box.height, rx: 6, ry: 6 }),
      s("text", { x: 12, y: 19, class: "node-label" }, label),
      s("text", { x: 12, y: 36, class: "node-state" }, state),
    );
    const choose = () => onSelect(node);
    item.addEventListener("click", choose);
    item.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        choose();
      }
    });
    svg.append(item);
  }
  return svg;
}
