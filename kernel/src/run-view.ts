import type { FlowIR } from "@flows/flow-ir";
import type { FlowError } from "./errors";
import type { JournalEntry } from "./journal";
import { joinedValue, rootInput, unchosenBranches } from "./node-input";
import { foldJournal, type RunState } from "./run-state";
import type { NodeStatus, NodeValues, NodeView, RunDetail, RunViewEvent, WireRunSummary } from "./run-view-wire";
import { type Router, readSurfaces } from "./surfaces";
import { cappedValue, errorWire } from "./wire";

/**
 * What happened in a run, for people and tools: every node with its status, attempts, times,
 * error, input and output, the waits and events along the way, and the flow's graph. Built
 * from the journal and the document of the run's version, whatever host recorded it.
 */

/** One node as the journal leaves it, with whole values. */
interface NodeRecord {
  readonly alias: string;
  id: string;
  status: NodeStatus | undefined;
  attempts: number;
  startedAt: number | undefined;
  durationMs: number | undefined;
  error: FlowError | undefined;
  /** Set once every incoming edge is resolved and at least one delivered. */
  input: { readonly value: unknown } | undefined;
  output: { readonly value: unknown } | undefined;
}

interface Walk {
  readonly state: RunState;
  readonly nodes: Map<string, NodeRecord>;
  readonly events: RunViewEvent[];
}

/** The graph the scheduler walks: predecessors, successors and routers by alias. */
interface Graph {
  readonly predecessors: ReadonlyMap<string, readonly string[]>;
  readonly successors: ReadonlyMap<string, readonly string[]>;
  readonly routers: ReadonlyMap<string, readonly Router[]>;
}

function graphOf(flow: FlowIR | undefined): Graph {
  const predecessors = new Map<string, Set<string>>();
  const successors = new Map<string, Set<string>>();
  for (const node of flow?.nodes ?? []) {
    predecessors.set(node.alias, new Set());
    successors.set(node.alias, new Set());
  }
  for (const edge of flow?.edges ?? []) {
    predecessors.get(edge.to)?.add(edge.from);
    successors.get(edge.from)?.add(edge.to);
  }
  const surfaces = flow === undefined ? undefined : readSurfaces(flow);
  const list = (map: Map<string, Set<string>>) => new Map([...map].map(([alias, set]) => [alias, [...set]]));
  return {
    predecessors: list(predecessors),
    successors: list(successors),
    routers: surfaces?.ok === true ? surfaces.routers : new Map(),
  };
}

const LIVE: ReadonlySet<string> = new Set(["running", "suspended"]);
const TERMINAL: ReadonlySet<NodeStatus | undefined> = new Set(["completed", "failed", "skipped"]);

function walk(runId: string, entries: readonly JournalEntry[], flow: FlowIR | undefined): Walk {
  const state = foldJournal(runId, entries);
  const graph = graphOf(flow);
  const nodes = new Map<string, NodeRecord>();
  const record = (alias: string): NodeRecord => {
    let found = nodes.get(alias);
    if (found === undefined) {
      found = {
        alias,
        id: alias,
        status: undefined,
        attempts: 0,
        startedAt: undefined,
        durationMs: undefined,
        error: undefined,
        input: undefined,
        output: undefined,
      };
      nodes.set(alias, found);
    }
    return found;
  };
  // The flow's nodes first, in its order; any the journal names beyond them (a run without its
  // document) after.
  for (const node of flow?.nodes ?? []) record(node.alias).id = node.id;

  // Inputs, rebuilt as the scheduler builds them: edges resolve in the order the journal
  // recorded their sources, and a join's object keys follow that order.
  const joins = new Map<string, { remaining: number; delivered: Map<string, unknown> }>();
  const resolveEdge = (target: string, from: string, value: unknown, delivered: boolean) => {
    const count = graph.predecessors.get(target)?.length ?? 0;
    if (count === 1) {
      if (delivered) record(target).input = { value };
      return;
    }
    let join = joins.get(target);
    if (join === undefined) {
      join = { remaining: count, delivered: new Map() };
      joins.set(target, join);
    }
    if (delivered) join.delivered.set(from, value);
    join.remaining -= 1;
    if (join.remaining === 0 && join.delivered.size > 0) record(target).input = { value: joinedValue(join.delivered) };
  };
  const resolved = new Set<string>();
  const resolveFrom = (alias: string, output: unknown, delivered: boolean) => {
    if (resolved.has(alias)) return;
    resolved.add(alias);
    const routers = graph.routers.get(alias) ?? [];
    const dead = delivered && routers.length > 0 ? unchosenBranches(routers, output) : undefined;
    for (const next of graph.successors.get(alias) ?? []) {
      resolveEdge(next, alias, output, delivered && (dead === undefined || !dead.has(next)));
    }
  };

  const events: RunViewEvent[] = [];
  for (const entry of entries) {
    switch (entry.type) {
      case "started":
        for (const node of flow?.nodes ?? []) {
          if ((graph.predecessors.get(node.alias)?.length ?? 0) > 0) continue;
          const input = rootInput(node, entry.trigger, entry.payload);
          if (!input.skipped) record(node.alias).input = { value: input.value };
        }
        break;
      case "completed": {
        const node = record(entry.node);
        node.status = "completed";
        node.attempts = entry.attempts;
        node.startedAt = entry.startedAt;
        node.durationMs = entry.durationMs;
        node.error = entry.error;
        node.output = { value: entry.output };
        resolveFrom(entry.node, entry.output, true);
        break;
      }
      case "failed": {
        const node = record(entry.node);
        node.status = "failed";
        node.attempts = entry.attempts;
        node.startedAt = entry.startedAt ?? node.startedAt;
        node.durationMs = entry.durationMs;
        node.error = entry.error;
        break;
      }
      case "skipped":
        record(entry.node).status = "skipped";
        resolveFrom(entry.node, undefined, false);
        break;
      case "retrying": {
        const node = record(entry.node);
        if (!TERMINAL.has(node.status)) {
          node.status = "retrying";
          node.attempts = Math.max(node.attempts, entry.attempt);
          node.error = entry.error;
        }
        events.push({
          type: "retrying",
          at: entry.at ?? null,
          node: entry.node,
          ...(entry.item === undefined ? {} : { item: entry.item }),
          attempt: entry.attempt,
          error: errorWire(entry.error),
          retry_at: entry.retryAt,
        });
        break;
      }
      case "halted":
        events.push({
          type: "halted",
          at: entry.at,
          node: entry.node,
          checkpoint: entry.checkpoint,
          details: cappedValue(entry.details),
          deadline_at: entry.deadline ?? null,
          event: entry.event?.name ?? null,
        });
        break;
      case "resumed":
        events.push({
          type: "resumed",
          at: entry.at,
          node: entry.node,
          checkpoint: entry.checkpoint,
          payload: cappedValue(entry.payload),
        });
        break;
      case "expired":
        events.push({
          type: "expired",
          at: entry.at,
          node: entry.node,
          checkpoint: entry.checkpoint,
          ...(entry.seq === undefined ? {} : { seq: entry.seq }),
        });
        break;
      case "event":
        events.push({
          type: "event",
          at: entry.at,
          node: null,
          name: entry.name,
          id: entry.id,
          payload: cappedValue(entry.payload),
        });
        break;
      case "received":
        events.push({ type: "received", at: entry.at ?? null, node: entry.node, seq: entry.seq, id: entry.id });
        break;
      case "suspended":
        events.push({ type: "suspended", at: entry.at, node: null, wake_at: entry.wakeAt });
        break;
      case "finished":
      case "value":
        break;
    }
  }

  const live = LIVE.has(state.status);
  for (const node of nodes.values()) {
    if (TERMINAL.has(node.status)) continue;
    if (state.halt?.node === node.alias) node.status = "halted";
    else if (node.status === "retrying" && live) continue;
    // Ready and not ended: under way while the run is; otherwise it never got its turn.
    else node.status = live && node.input !== undefined ? "running" : "pending";
  }
  return { state, nodes, events };
}

/**
 * The detail of a run, or undefined when the journal holds no run. `flow` is the document of
 * the run's version (its graph and inputs); without it the nodes are those the journal names.
 * `resume.token` is the kernel's halt token: a host that signs tokens puts its own there.
 */
export function runDetail(runId: string, entries: readonly JournalEntry[], flow?: FlowIR): RunDetail | undefined {
  const { state, nodes, events } = walk(runId, entries, flow);
  const started = state.started;
  if (started === undefined) return undefined;
  const finished = state.finished;
  const halt = state.halt;
  return {
    run_id: runId,
    flow: started.flow,
    flow_version: started.version ?? null,
    status: state.status,
    trigger: started.trigger,
    started_at: started.at,
    updated_at: lastTime(entries) ?? started.at,
    finished_at: finished?.at ?? null,
    checkpoint: halt?.checkpoint ?? null,
    wake_at: state.wakeAt ?? null,
    error: finished?.error === undefined ? null : errorWire(finished.error),
    input: cappedValue(started.payload),
    output: finished?.status === "completed" ? cappedValue(finished.output) : null,
    resume:
      halt === undefined
        ? null
        : {
            node: halt.node,
            checkpoint: halt.checkpoint,
            // An event wait is answered by sending the event, never by a resume token.
            token: halt.event === undefined ? halt.token : null,
            deadline_at: halt.deadline ?? null,
            event: halt.event?.name ?? null,
          },
    nodes: [...nodes.values()].map(
      (node): NodeView => ({
        node: node.id,
        alias: node.alias,
        status: node.status ?? "pending",
        attempts: node.attempts,
        started_at: node.startedAt ?? null,
        duration_ms: node.durationMs ?? null,
        error: node.error === undefined ? null : errorWire(node.error),
        input: node.input === undefined ? null : cappedValue(node.input.value),
        output: node.output === undefined ? null : cappedValue(node.output.value),
      }),
    ),
    events,
    graph: {
      nodes: (flow?.nodes ?? []).map((node) => ({
        id: node.id,
        alias: node.alias,
        kind: node.kind,
        identifier: node.identifier,
      })),
      edges: (flow?.edges ?? []).map((edge) => ({ from: edge.from, to: edge.to })),
    },
  };
}

/** One node's whole input, output and error, by alias or id; undefined for an unknown run or node. */
export function nodeValues(
  runId: string,
  entries: readonly JournalEntry[],
  node: string,
  flow?: FlowIR,
): NodeValues | undefined {
  const { state, nodes } = walk(runId, entries, flow);
  if (state.started === undefined) return undefined;
  const found = nodes.get(node) ?? [...nodes.values()].find((record) => record.id === node);
  if (found === undefined) return undefined;
  return {
    run_id: runId,
    node: found.id,
    alias: found.alias,
    status: found.status ?? "pending",
    attempts: found.attempts,
    input: found.input?.value ?? null,
    output: found.output?.value ?? null,
    error: found.error === undefined ? null : errorWire(found.error),
  };
}

/** The latest time the journal records: when something last happened in the run. */
function lastTime(entries: readonly JournalEntry[]): number | undefined {
  let last: number | undefined;
  for (const entry of entries) {
    const at =
      entry.type === "completed" || entry.type === "failed"
        ? entry.startedAt === undefined
          ? undefined
          : entry.startedAt + entry.durationMs
        : "at" in entry
          ? entry.at
          : undefined;
    if (at !== undefined && (last === undefined || at > last)) last = at;
  }
  return last;
}

/** The run's line in a list: the detail's own fields, without nodes, values or graph. */
export function runSummaryWire(detail: RunDetail): WireRunSummary {
  return {
    run_id: detail.run_id,
    flow: detail.flow,
    status: detail.status,
    trigger: detail.trigger,
    started_at: detail.started_at,
    updated_at: detail.updated_at,
    finished_at: detail.finished_at,
    checkpoint: detail.checkpoint,
    wake_at: detail.wake_at,
    error_code: detail.error?.code ?? null,
  };
}

/**
 * The same line from the journal alone, for lists of many runs: no values are capped, no
 * inputs rebuilt. Undefined when the journal holds no run.
 */
export function journalRunSummary(runId: string, entries: readonly JournalEntry[]): WireRunSummary | undefined {
  const state = foldJournal(runId, entries);
  const started = state.started;
  if (started === undefined) return undefined;
  return {
    run_id: runId,
    flow: started.flow,
    status: state.status,
    trigger: started.trigger,
    started_at: started.at,
    updated_at: lastTime(entries) ?? started.at,
    finished_at: state.finished?.at ?? null,
    checkpoint: state.halt?.checkpoint ?? null,
    wake_at: state.wakeAt ?? null,
    error_code: state.finished?.error?.code ?? null,
  };
}
