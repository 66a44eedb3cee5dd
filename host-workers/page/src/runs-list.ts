import { ApiError, api, type RunSummary } from "./api";
import { announce, h } from "./dom";
import { formatAgo, formatDuration, formatTime } from "./format";

/** How often the list asks again: live enough to watch runs start and end, cheap for the index. */
const POLL_MS = 2000;
const STATUSES = ["running", "suspended", "halted", "completed", "failed", "cancelled"] as const;

function statusBadge(status: string): HTMLElement {
  return h("span", { class: `badge status-${status}` }, status);
}

function row(run: RunSummary, now: number): HTMLTableRowElement {
  const ended = run.finished_at ?? null;
  const took = run.started_at == null ? null : (ended ?? now) - run.started_at;
  return h(
    "tr",
    { "data-run": run.run_id, "data-status": run.status },
    h("td", {}, h("a", { href: `#/runs/${encodeURIComponent(run.run_id)}`, class: "mono" }, run.run_id)),
    h("td", {}, run.flow),
    h(
      "td",
      {},
      statusBadge(run.status),
      run.checkpoint ? h("span", { class: "muted" }, ` at ${run.checkpoint}`) : null,
    ),
    h("td", {}, run.trigger ?? "—"),
    h("td", { title: formatTime(run.started_at) }, formatAgo(run.started_at, now)),
    h("td", {}, formatDuration(took)),
    h("td", { class: "mono" }, run.error_code ?? ""),
  );
}

/** The runs list with its filters; polls while shown. Returns what stops it. */
export function showRunsList(main: HTMLElement, query: URLSearchParams): () => void {
  const flow = query.get("flow") ?? "";
  const status = query.get("status") ?? "";
  const flowSelect = h("select", { id: "filter-flow", name: "flow" }, h("option", { value: "" }, "All flows"));
  const statusSelect = h(
    "select",
    { id: "filter-status", name: "status" },
    h("option", { value: "" }, "Any status"),
    ...STATUSES.map((name) => h("option", { value: name, selected: name === status }, name)),
  );
  const filters = h(
    "form",
    { class: "filters", role: "search", "aria-label": "Filter runs" },
    h("label", { for: "filter-flow" }, "Flow"),
    flowSelect,
    h("label", { for: "filter-status" }, "Status"),
    statusSelect,
  );
  const applyFilters = () => {
    const next = new URLSearchParams();
    if (flowSelect.value) next.set("flow", flowSelect.value);
    if (statusSelect.value) next.set("status", statusSelect.value);
    const text = next.toString();
    location.hash = text === "" ? "#/" : `#/?${text}`;
  };
  flowSelect.addEventListener("change", applyFilters);
  statusSelect.addEventListener("change", applyFilters);
  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    applyFilters();
  });

  const body = h("tbody");
  const state = h("p", { class: "muted", id: "runs-state" }, "Loading runs…");
  const table = h(
    "table",
    { class: "runs", "aria-describedby": "runs-state" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ...["Run", "Flow", "Status", "Trigger", "Started", "Duration", "Error"].map((name) =>
          h("th", { scope: "col" }, name),
        ),
      ),
    ),
    body,
  );
  const more = h("button", { type: "button", id: "older-runs", hidden: true }, "Older runs");
  main.replaceChildren(
    h(
      "div",
      { class: "heading" },
      h("h1", {}, "Runs"),
      h("span", { class: "live-dot", title: "updates live" }, "live"),
    ),
    filters,
    state,
    table,
    h("p", {}, more),
  );

  void api
    .flows()
    .then(({ flows }) => {
      for (const item of flows) flowSelect.append(h("option", { value: item.id, selected: item.id === flow }, item.id));
    })
    .catch(() => {});

  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let known = new Set<string>();
  // Page size: 50 unless the address asks for another (1–200, as GET /runs takes).
  const limit = Number(query.get("limit") ?? "50");
  const filter = {
    ...(flow ? { flow } : {}),
    ...(status ? { status } : {}),
    limit: Number.isInteger(limit) && limit >= 1 && limit <= 200 ? limit : 50,
  };
  // The newest page is polled; older pages, read on request, stay as they were read.
  let newest: readonly RunSummary[] = [];
  let older: readonly RunSummary[] = [];
  let cursor: string | null = null;
  let olderCursor: string | null | undefined;
  const nextCursor = () => (olderCursor === undefined ? cursor : olderCursor);
  const draw = () => {
    const now = Date.now();
    const shown = new Set(newest.map((run) => run.run_id));
    const rest = older.filter((run) => !shown.has(run.run_id));
    body.replaceChildren(...newest.map((run) => row(run, now)), ...rest.map((run) => row(run, now)));
    more.hidden = nextCursor() === null;
  };
  more.addEventListener("click", () => {
    const next = nextCursor();
    if (next === null) return;
    more.disabled = true;
    api
      .runs({ ...filter, cursor: next })
      .then((page) => {
        older = [...older, ...page.runs];
        olderCursor = page.next_cursor;
        draw();
      })
      .catch(() => {})
      .finally(() => {
        more.disabled = false;
      });
  });
  const refresh = async () => {
    try {
      const list = await api.runs(filter);
      if (stopped) return;
      newest = list.runs;
      cursor = list.next_cursor;
      draw();
      const fresh = list.runs.filter((run) => !known.has(run.run_id));
      if (known.size > 0 && fresh.length > 0) announce(`${fresh.length} new run${fresh.length === 1 ? "" : "s"}`);
      known = new Set(list.runs.map((run) => run.run_id));
      state.textContent =
        list.runs.length === 0
          ? "No runs yet."
          : `${list.runs.length} run${list.runs.length === 1 ? "" : "s"}${list.next_cursor ? " (newest first; more exist)" : ""}`;
    } catch (error) {
      if (stopped) return;
      state.textContent =
        error instanceof ApiError && error.code === "ROUTE404"
          ? "This Worker does not list runs (GET /runs is missing)."
          : `Could not load runs: ${error instanceof Error ? error.message : String(error)}`;
    }
    if (!stopped) timer = setTimeout(() => void refresh(), POLL_MS);
  };
  void refresh();
  return () => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
  };
}
