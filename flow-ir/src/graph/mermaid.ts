import type { FlowIR } from "../ir/types";
import { type EdgeStyle, type GraphNode, graphModel } from "./model";

// Mermaid labels are quoted strings read as HTML; these characters would end, break or be
// read as markup or entity codes. `#` goes first so the codes written here stay intact.
const ENTITIES: readonly (readonly [string, string])[] = [
  ["#", "#35;"],
  ["&", "#38;"],
  ['"', "#quot;"],
  ["<", "#lt;"],
  [">", "#gt;"],
  ["`", "#96;"],
  ["|", "#124;"],
];

export function escapeMermaid(text: string): string {
  let escaped = text;
  for (const [raw, code] of ENTITIES) escaped = escaped.replaceAll(raw, code);
  return escaped.replace(/\r\n|\r|\n/g, "<br/>");
}

function shape(node: GraphNode): readonly [string, string] {
  switch (node.kind) {
    case "trigger":
      return ['(["', '"])'];
    case "subflow":
      return ['[["', '"]]'];
    case "unknown":
      return ['{{"', '"}}'];
    default:
      return ['["', '"]'];
  }
}

const ARROWS: Readonly<Record<EdgeStyle, string>> = { solid: "-->", bold: "==>", dashed: "-.->" };

/**
 * The flow as a Mermaid flowchart, left to right. Nodes get generated ids (aliases may be
 * Mermaid keywords or hold any character) and show alias, kind and surface notes; triggers are
 * stadiums, subflows subroutines, undeclared aliases hexagons. Branches carry their labels;
 * exactly-once edges are thick, surface routes without an edge dotted.
 */
export function toMermaid(flow: FlowIR): string {
  const model = graphModel(flow);
  const ids = new Map(model.nodes.map((node, index) => [node.alias, `n${index}`]));
  const lines = ["flowchart LR", `  %% ${model.title.replace(/[\r\n]+/g, " ")}`];
  for (const node of model.nodes) {
    const label = [`<b>${escapeMermaid(node.alias)}</b>`, escapeMermaid(node.kind), ...node.notes.map(escapeMermaid)];
    const [open, close] = shape(node);
    lines.push(`  ${ids.get(node.alias)}${open}${label.join("<br/>")}${close}`);
  }
  for (const edge of model.edges) {
    const arrow = ARROWS[edge.style];
    const text = edge.labels.map(escapeMermaid).join("<br/>");
    const link = text === "" ? arrow : `${arrow}|"${text}"|`;
    lines.push(`  ${ids.get(edge.from)} ${link} ${ids.get(edge.to)}`);
  }
  return `${lines.join("\n")}\n`;
}
