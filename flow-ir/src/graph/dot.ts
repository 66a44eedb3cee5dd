import type { FlowIR } from "../ir/types";
import { graphModel } from "./model";

const quote = (text: string) => `"${text.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n")}"`;

const SHAPES: Record<string, string> = { trigger: "oval", subflow: "box3d", activity: "box", inline: "box" };

/** The flow as a Graphviz digraph (`dot -Tsvg`). */
export function toDot(flow: FlowIR): string {
  const model = graphModel(flow);
  const lines = [
    `digraph ${quote(model.title)} {`,
    "  rankdir=LR;",
    '  node [fontname="Helvetica", shape=box, style=rounded];',
    '  edge [fontname="Helvetica", fontsize=10];',
  ];
  for (const node of model.nodes) {
    const label = [node.alias, node.kind, ...node.notes].join("\n");
    lines.push(`  ${quote(node.alias)} [label=${quote(label)}, shape=${SHAPES[node.kind] ?? "box"}];`);
  }
  for (const edge of model.edges) {
    const attributes: string[] = [];
    if (edge.labels.length > 0) attributes.push(`label=${quote(edge.labels.join("\n"))}`);
    if (edge.exactlyOnce) attributes.push("penwidth=2");
    const suffix = attributes.length > 0 ? ` [${attributes.join(", ")}]` : "";
    lines.push(`  ${quote(edge.from)} -> ${quote(edge.to)}${suffix};`);
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}
