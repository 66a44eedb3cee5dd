import { api, type NodeView, type WireError } from "./api";
import { h } from "./dom";
import { formatDuration, formatJson, formatTime } from "./format";

function valueBlock(title: string, value: unknown): HTMLElement {
  return h("section", {}, h("h3", {}, title), h("pre", { class: "value", tabindex: 0 }, formatJson(value)));
}

function errorBlock(error: WireError): HTMLElement {
  const stack = error.details?.stack;
  return h(
    "section",
    { class: "node-error" },
    h("h3", {}, "Error"),
    h("p", {}, h("code", {}, error.code), " ", error.message, error.retryable ? " (retryable)" : ""),
    typeof stack === "string"
      ? h("pre", { class: "stack", tabindex: 0, "aria-label": "Stack trace" }, stack)
      : h("p", { class: "muted" }, "No stack recorded."),
  );
}

/**
 * One node of the run: state, attempts, timing, error with its stack, input and output. The
 * detail's values are capped; the whole ones are fetched from GET /runs/:id/nodes/:node.
 */
export function showNodePanel(panel: HTMLElement, runId: string, nodeId: string, view: NodeView | undefined): void {
  const label = view?.alias ?? nodeId;
  const values = h("div", { class: "node-values" }, h("p", { class: "muted" }, "Loading input and output…"));
  panel.replaceChildren(
    h("h2", { id: "node-title", tabindex: -1 }, `Node ${label}`),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, "State"),
      h("dd", {}, h("span", { class: `badge status-${view?.status ?? "pending"}` }, view?.status ?? "pending")),
      h("dt", {}, "Node id"),
      h("dd", { class: "mono" }, nodeId),
      h("dt", {}, "Attempts"),
      h("dd", {}, String(view?.attempts ?? 0)),
      h("dt", {}, "Started"),
      h("dd", {}, formatTime(view?.started_at)),
      h("dt", {}, "Duration"),
      h("dd", {}, formatDuration(view?.duration_ms)),
    ),
    view?.error ? errorBlock(view.error) : "",
    values,
  );
  panel.hidden = false;
  void api
    .node(runId, nodeId)
    .then((whole) => {
      values.replaceChildren(
        whole.error && !view?.error ? errorBlock(whole.error) : "",
        valueBlock("Input", whole.input),
        valueBlock("Output", whole.output),
      );
    })
    .catch(() => {
      // The whole values are not to be had (no such route, a node not reached): show the detail's.
      values.replaceChildren(valueBlock("Input", view?.input), valueBlock("Output", view?.output));
    });
}
