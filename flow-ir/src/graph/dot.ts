import type { FlowIR } from "../ir/types";
import { type EdgeStyle, graphModel } from "./model";

/**
 * A DOT quoted string. Backslashes are doubled so `\n`, `\l` or `\N` in a name stay literal in
 * labels; real line breaks become DOT's centred line break.
 */
export function quoteDot(text: string): string {
  return `"${text
    .replaceAll("\\", "\\\\")
    .replaceAll('"', '\\"')
    .replace(/\r\n|\r|\n/g, "\\n")}"`;
}

const SHAPES: Readonly<Record<string, string>> = {
  trigger: "oval",
  subflow: "box3d",
  activity: "box",
  inline: "box",
  unknown: "hexagon",
};

const STYLES: Readonly<Record<EdgeStyle, readonly string[]>> = {
  solid: [],
  bold: ["style=bold", "penwidth=2"],
  dashed: ["style=dashed"],
};

/** The flow as a Graphviz digraph (`dot -Tsvg`), with the same content as `toMermaid`. */
export function toDot(flow: FlowIR): string {
  const model = graphModel(flow);
  const lines = [
    `digraph ${quoteDot(model.title)} {`,
    "  rankdir=LR;",
    '  node [fontname="Helvetica", shape=box, style=rounded];',
    '  edge [fontname="Helvetica", fontsize=10];',
  ];
  for (const node of model.nodes) {
    const label = [node.alias, node.kind, ...node.notes].join("\n");
    lines.push(`  ${quoteDot(node.alias)} [label=${quoteDot(label)}, shape=${SHAPES[node.kind] ?? "box"}];`);
  }
  for (const edge of model.edges) {
    const attributes = [...STYLES[edge.style]];
    if (edge.labels.length > 0) attributes.unshift(`label=${quoteDot(edge.labels.join("\n"))}`);
    const suffix = attributes.length > 0 ? ` [${attributes.join(", ")}]` : "";
    lines.push(`  ${quoteDot(edge.from)} -> ${quoteDot(edge.to)}${suffix};`);
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}
