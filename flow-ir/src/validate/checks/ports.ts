import { edgeLabel } from "../../diagnostics/diagnostic";
import type { Check } from "../context";

/** DAG201: a named output schema must meet the same named input schema; opaque meets anything. */
export const checkPorts: Check = ({ flow, edgeFrom, edgeTo, report }) => {
  flow.edges.forEach((edge, index) => {
    const source = flow.nodes[edgeFrom[index] as number];
    const target = flow.nodes[edgeTo[index] as number];
    if (!source || !target) return;
    const out = source.out_schema;
    const input = target.in_schema;
    if (out.kind !== "named" || input.kind !== "named" || out.name === input.name) return;
    report({
      code: "DAG201",
      severity: "error",
      message: `edge ${edgeLabel(edge.from, edge.to)} connects output "${out.name}" of "${edge.from}" to input "${input.name}" of "${edge.to}": make the schema names match, or declare one side opaque`,
      path: `/edges/${index}`,
      edge: edgeLabel(edge.from, edge.to),
    });
  });
};
