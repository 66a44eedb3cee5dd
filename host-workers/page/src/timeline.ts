import type { NodeView, RunDetail } from "./api";
import { h } from "./dom";
import { formatDuration, formatTime } from "./format";

/**
 * The node executions on one time axis from the run's start: a bar per node that ran, as long
 * as it took (a running node's bar grows to now), with start and duration in words beside it.
 */
export function drawTimeline(run: RunDetail, now: number): HTMLElement {
  const ran = (run.nodes ?? []).filter(
    (node): node is NodeView & { started_at: number } => typeof node.started_at === "number",
  );
  if (ran.length === 0) return h("p", { class: "muted" }, "No node has run yet.");
  const origin = Math.min(run.started_at ?? Number.POSITIVE_INFINITY, ...ran.map((node) => node.started_at));
  const end = (node: NodeView & { started_at: number }) =>
    node.started_at + (node.duration_ms ?? (node.status === "running" ? now - node.started_at : 0));
  const last = Math.max(run.finished_at ?? 0, ...ran.map(end));
  const span = Math.max(1, last - origin);
  const rows = [...ran]
    .sort((a, b) => a.started_at - b.started_at)
    .map((node) => {
      const left = ((node.started_at - origin) / span) * 100;
      const width = Math.max(0.6, ((end(node) - node.started_at) / span) * 100);
      const label = node.alias ?? node.node;
      const bar = h("span", { class: `timeline-bar state-${node.status}` });
      // Through the style object, not a style attribute: the page's CSP refuses inline styles.
      bar.style.left = `${left.toFixed(2)}%`;
      bar.style.width = `${width.toFixed(2)}%`;
      return h(
        "li",
        { class: "timeline-row", "data-node": node.node },
        h("span", { class: "timeline-label" }, label),
        h("span", { class: "timeline-track", "aria-hidden": "true" }, bar),
        h(
          "span",
          { class: "timeline-figures" },
          `+${formatDuration(node.started_at - origin)} · ${formatDuration(node.duration_ms)} · ${node.status}` +
            (node.attempts !== undefined && node.attempts > 1 ? ` · ${node.attempts} attempts` : ""),
        ),
      );
    });
  return h(
    "div",
    {},
    h("p", { class: "muted" }, `From ${formatTime(origin)}, ${formatDuration(span)} in all.`),
    h("ol", { class: "timeline", "aria-label": "Node executions in time order" }, ...rows),
  );
}
