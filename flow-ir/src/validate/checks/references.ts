import { edgeLabel } from "../../diagnostics/diagnostic";
import type { Check } from "../context";

/** DAG202: edges and surface targets must name existing nodes (or, for targets, existing edges). */
export const checkReferences: Check = ({ flow, nodes, edgeFrom, edgeTo, report }) => {
  // Only surface targets that are not node aliases need the edge labels; most flows have none.
  let edgeLabels: Set<string> | undefined;
  const isEdgeLabel = (target: string) => {
    edgeLabels ??= new Set(flow.edges.map((edge) => edgeLabel(edge.from, edge.to)));
    return edgeLabels.has(target);
  };
  flow.edges.forEach((edge, index) => {
    if ((edgeFrom[index] as number) >= 0 && (edgeTo[index] as number) >= 0) return;
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
  flow.control_surfaces.forEach((surface, index) => {
    surface.targets.forEach((target, position) => {
      if (nodes.has(target) || isEdgeLabel(target)) return;
      report({
        code: "DAG202",
        severity: "error",
        message: `control surface "${surface.id}" targets unknown "${target}": targets must be node aliases (or "from->to" of an existing edge)`,
        path: `/control_surfaces/${index}/targets/${position}`,
      });
    });
  });
};
