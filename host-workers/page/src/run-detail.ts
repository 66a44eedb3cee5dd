import { drawActions } from "./actions";
import { ApiError, api, type GraphNode, type NodeView, type RunDetail, TERMINAL } from "./api";
import { announce, h } from "./dom";
import { formatDuration, formatJson, formatTime } from "./format";
import { drawGraph } from "./graph";
import { followRun } from "./live";
import { showNodePanel } from "./node-panel";
import { drawTimeline } from "./timeline";

function facts(run: RunDetail): HTMLElement {
  const items: [string, string | Node][] = [
    ["Status", h("span", { class: `badge status-${run.status}`, id: "run-status" }, run.status)],
    ["Flow", `${run.flow}${run.flow_version ? ` (${run.flow_version.slice(0, 12)})` : ""}`],
    ["Trigger", run.trigger ?? "—"],
    ["Started", formatTime(run.started_at)],
    ["Finished", formatTime(run.finished_at)],
    [
      "Duration",
      formatDuration(
        run.started_at == null ? null : (run.finished_at ?? run.updated_at ?? Date.now()) - run.started_at,
      ),
    ],
  ];
  if (run.checkpoint) items.push(["Checkpoint", run.checkpoint]);
  if (run.wake_at) items.push(["Wakes", formatTime(run.wake_at)]);
  if (run.error) items.push(["Error", h("span", {}, h("code", {}, run.error.code), ` ${run.error.message}`)]);
  return h(
    "dl",
    { class: "facts run-facts" },
    ...items.flatMap(([term, value]) => [h("dt", {}, term), h("dd", {}, value)]),
  );
}

function eventsList(run: RunDetail): HTMLElement {
  const events = run.events ?? [];
  if (events.length === 0) return h("p", { class: "muted" }, "No halts, resumes or events.");
  return h(
    "ol",
    { class: "events" },
    ...events.map((event) =>
      h(
        "li",
        {},
        h("span", { class: "mono" }, formatTime(event.at)),
        " ",
        h("strong", {}, event.type),
        event.node ? ` at ${event.node}` : "",
        typeof event.checkpoint === "string" ? ` (${event.checkpoint})` : "",
      ),
    ),
  );
}

/** The nodes of the graph: the detail's own, or, without one, the nodes it reports. */
function graphOf(run: RunDetail) {
  if (run.graph && run.graph.nodes.length > 0) return run.graph;
  return {
    nodes: (run.nodes ?? []).map(
      (node): GraphNode => ({ id: node.node, ...(node.alias ? { alias: node.alias } : {}) }),
    ),
    edges: [],
  };
}

/** One run: its facts, actions, graph, the chosen node, timeline and events; live until it ends. */
export function showRunDetail(main: HTMLElement, runId: string): () => void {
  const title = h("h1", { class: "mono" }, runId);
  const summary = h("div", { class: "summary" }, h("p", { class: "muted" }, "Loading the run…"));
  const actions = h("div");
  const graphBox = h("div", { class: "graph-box" });
  const panel = h("aside", { class: "node-panel", "aria-labelledby": "node-title", hidden: true });
  const timeline = h("div");
  const events = h("div");
  const io = h("div", { class: "run-io" });
  main.replaceChildren(
    h("p", {}, h("a", { href: "#/" }, "← All runs")),
    h("div", { class: "heading" }, title),
    summary,
    actions,
    h(
      "section",
      { class: "graph-section", "aria-label": "Graph" },
      h("h2", {}, "Graph"),
      h("div", { class: "graph-layout" }, graphBox, panel),
    ),
    h("section", { "aria-label": "Timeline" }, h("h2", {}, "Timeline"), timeline),
    h("section", { "aria-label": "Events" }, h("h2", {}, "Halts, resumes and events"), events),
    io,
  );

  let stopped = false;
  let selected: string | undefined;
  let actionsKey = "";
  let panelKey = "";
  let latest: RunDetail | undefined;
  let stopFollowing: (() => void) | undefined;
  let pending: ReturnType<typeof setTimeout> | undefined;

  const views = (run: RunDetail) => new Map((run.nodes ?? []).map((node): [string, NodeView] => [node.node, node]));

  const select = (node: GraphNode) => {
    selected = node.id;
    if (latest) render(latest);
    document.getElementById("node-title")?.focus();
  };

  const render = (run: RunDetail) => {
    latest = run;
    const byId = views(run);
    summary.replaceChildren(facts(run));
    const key = `${run.status}:${run.resume?.token ?? ""}`;
    if (key !== actionsKey) {
      actionsKey = key;
      actions.replaceChildren(drawActions(run, () => void refresh()));
    }
    graphBox.replaceChildren(drawGraph(graphOf(run), byId, selected, select));
    if (selected !== undefined) {
      const view = byId.get(selected);
      const nextKey = `${selected}:${view?.status}:${view?.attempts}`;
      if (nextKey !== panelKey) {
        panelKey = nextKey;
        showNodePanel(panel, run.run_id, selected, view);
      }
    }
    timeline.replaceChildren(drawTimeline(run, Date.now()));
    events.replaceChildren(eventsList(run));
    io.replaceChildren(
      h(
        "section",
        { "aria-label": "Run input and output" },
        h("h2", {}, "Input and output"),
        h("h3", {}, "Input"),
        h("pre", { class: "value", tabindex: 0 }, formatJson(run.input)),
        h("h3", {}, "Output"),
        h("pre", { class: "value", tabindex: 0 }, formatJson(run.output)),
      ),
    );
  };

  let lastStatus = "";
  const refresh = async () => {
    try {
      const run = await api.run(runId);
      if (stopped) return;
      if (lastStatus !== "" && run.status !== lastStatus) announce(`Run ${run.status}`);
      lastStatus = run.status;
      render(run);
      if (TERMINAL.has(run.status)) {
        stopFollowing?.();
        stopFollowing = undefined;
      } else if (stopFollowing === undefined) {
        stopFollowing = followRun(api.eventsUrl(runId), later);
      }
    } catch (error) {
      if (stopped) return;
      summary.replaceChildren(
        h(
          "p",
          { class: "notice error" },
          error instanceof ApiError ? `${error.code}: ${error.message}` : `Could not load the run: ${String(error)}`,
        ),
      );
    }
  };
  // Entries come in bursts (a node's completion, then the next); one refresh per burst.
  const later = () => {
    if (pending === undefined && !stopped) {
      pending = setTimeout(() => {
        pending = undefined;
        void refresh();
      }, 150);
    }
  };
  void refresh();
  return () => {
    stopped = true;
    stopFollowing?.();
    if (pending !== undefined) clearTimeout(pending);
  };
}
