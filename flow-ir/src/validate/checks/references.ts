import { edgeLabel } from "../../diagnostics/diagnostic";
import type { Check } from "../context";

/**
 * DAG202: edges must name existing nodes. CTRL135 (a warning, since Lattice reads no surface's
 * `targets` this way): surface targets should name nodes or existing edges.
 */
export const checkReferences: Check = ({ flow, nodes, edgeFrom, edgeTo, hasEdge, report }) => {
  // An edge naming an unknown node still exists as far as a surface target is concerned (the
  // edge itself gets the DAG202), so its label is kept; such edges are rare.
  const unresolved = new Set<string>();
  flow.edges.forEach((edge, index) => {
    if ((edgeFrom[index] as number) >= 0 && (edgeTo[index] as number) >= 0) return;
    unresolved.add(edgeLabel(edge.from, edge.to));
    for (const end of ["from", "to"] as const) {
      const alias = edge[end];
      if (nodes.has(alias)) continue;
      report({
        code: "DAG202",
        severity: "error",
        message: `edge ${edgeLabel(edge.from, edge.to)} names unknown node "${alias}" in "${end}": use the alias of a node in this flow`,
        path: `/edges/${index}/${end}`,
        edge: edgeLabel(edge.from, edge.to),
      });
    }
  });

  // Labels are split and looked up in the shared edge index (which the surface checks build
  // anyway) rather than matched against a "from->to" string built for every edge of the flow:
  // at 100k edges those strings outweighed every other reference check. Aliases may contain
  // "->" themselves, so every split is tried.
  const isEdgeLabel = (target: string) => {
    if (unresolved.has(target)) return true;
    for (let cut = target.indexOf("->"); cut !== -1; cut = target.indexOf("->", cut + 1)) {
      if (hasEdge(target.slice(0, cut), target.slice(cut + 2))) return true;
    }
    return false;
  };
  flow.control_surfaces.forEach((surface, index) => {
    surface.targets.forEach((target, position) => {
      if (nodes.has(target) || isEdgeLabel(target)) return;
      report({
        code: "CTRL135",
        severity: "warning",
        message: `control surface "${surface.id}" targets unknown "${target}": targets should be node aliases (or "from->to" of an existing edge)`,
        path: `/control_surfaces/${index}/targets/${position}`,
      });
    });
  });
};
