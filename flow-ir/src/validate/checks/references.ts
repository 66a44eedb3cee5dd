import { edgeLabel } from "../../diagnostics/diagnostic";
import type { Check } from "../context";

/** DAG202: edges and surface targets must name existing nodes (or, for targets, existing edges). */
export const checkReferences: Check = ({ flow, nodes, report }) => {
  const edgeLabels = new Set(flow.edges.map((edge) => edgeLabel(edge.from, edge.to)));
  flow.edges.forEach((edge, index) => {
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
      if (nodes.has(target) || edgeLabels.has(target)) return;
      report({
        code: "DAG202",
        severity: "error",
        message: `control surface "${surface.id}" targets unknown "${target}": targets must be node aliases (or "from->to" of an existing edge)`,
        path: `/control_surfaces/${index}/targets/${position}`,
      });
    });
  });
};
