import type { FlowIR } from "../ir/types";
import { graphModel } from "./model";

// Mermaid labels are quoted strings; these characters would end or break them.
const escapeLabel = (text: string) =>
  text.replaceAll("&", "#amp;").replaceAll('"', "#quot;").replaceAll("<", "#lt;").replaceAll(">", "#gt;");

/** The flow as a Mermaid flowchart, left to right; triggers are stadiums, subflows subroutines. */
export function toMermaid(flow: FlowIR): string {
  const model = graphModel(flow);
  const ids = new Map(model.nodes.map((node, index) => [node.alias, `n${index}`]));
  const lines = ["flowchart LR", `  %% ${escapeLabel(model.title)}`];
  for (const node of model.nodes) {
    const label = [`<b>${escapeLabel(node.alias)}</b>`, escapeLabel(node.kind), ...node.notes.map(escapeLabel)].join(
      "<br/>",
    );
    const [open, close] =
      node.kind === "trigger" ? ['(["', '"])'] : node.kind === "subflow" ? ['[["', '"]]'] : ['["', '"]'];
    lines.push(`  ${ids.get(node.alias)}${open}${label}${close}`);
  }
  for (const edge of model.edges) {
    const from = ids.get(edge.from) ?? escapeLabel(edge.from);
    const to = ids.get(edge.to) ?? escapeLabel(edge.to);
    const arrow = edge.exactlyOnce ? "==>" : "-->";
    const text = edge.labels.map(escapeLabel).join("<br/>");
    lines.push(text === "" ? `  ${from} ${arrow} ${to}` : `  ${from} ${arrow}|"${text}"| ${to}`);
  }
  return `${lines.join("\n")}\n`;
}
