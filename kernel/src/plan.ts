import type { FlowIR, NodeIR, RateLimit } from "@flows/flow-ir";
import type { RetryPolicy } from "./backoff";
import { type FlowError, KernelError } from "./errors";
import type { NodeImplementation, NodeRegistry } from "./nodes";
import { type Router, readSurfaces } from "./surfaces";

export interface ForEachPlan {
  readonly source: string;
  readonly itemsPointer: string;
  readonly concurrency: number;
}

export interface NodePlan {
  readonly alias: string;
  /** Position in `FlowPlan.order`: the scheduler keeps per-node state in arrays by it. */
  readonly index: number;
  /** The plans of `successors`, resolved once here instead of per delivery. */
  readonly next: readonly NodePlan[];
  /** Routers deciding which successors get this node's output (if/switch surfaces). */
  readonly routers: readonly Router[];
  readonly node: NodeIR;
  /** Undefined for subflow nodes that run another registered flow instead. */
  readonly implementation: NodeImplementation | undefined;
  readonly predecessors: readonly string[];
  readonly successors: readonly string[];
  readonly retry: RetryPolicy | undefined;
  readonly onError: "fail" | "continue";
  readonly timeoutMs: number | undefined;
  /** Budget of each incoming edge by predecessor alias (edge `timeout_ms`). */
  readonly edgeTimeouts: ReadonlyMap<string, number>;
  readonly rateLimit: RateLimit | undefined;
  readonly forEach: ForEachPlan | undefined;
  /** Smallest `buffer.max_items` of its outgoing edges: how far a stream may run ahead. */
  readonly bufferItems: number | undefined;
  readonly exactlyOnce: boolean;
}

export interface FlowPlan {
  readonly flow: FlowIR;
  readonly nodes: ReadonlyMap<string, NodePlan>;
  /** Every node, in the flow's order. */
  readonly order: readonly NodePlan[];
  readonly triggers: readonly string[];
  readonly sinks: readonly string[];
  readonly routers: ReadonlyMap<string, readonly Router[]>;
  readonly checkpoints: ReadonlySet<string>;
}

/** Compiles a validated flow into what the scheduler needs, refusing what it cannot run. */
export function planFlow(
  flow: FlowIR,
  implementations: NodeRegistry,
  isFlow: (identifier: string) => boolean,
): { ok: true; plan: FlowPlan } | { ok: false; error: FlowError } {
  const surfaces = readSurfaces(flow);
  if (!surfaces.ok) return surfaces;
  const missing = flow.nodes.filter(
    (node) => implementations[node.identifier] === undefined && !(node.kind === "subflow" && isFlow(node.identifier)),
  );
  if (missing.length > 0) {
    return {
      ok: false,
      error: new KernelError(
        "IMPL001",
        `no implementation for ${missing.map((n) => `"${n.identifier}" (node ${n.alias})`).join(", ")}: add them to the node registry`,
        { flow: flow.id, identifiers: missing.map((n) => n.identifier) },
      ).toJSON(),
    };
  }

  const predecessors = new Map<string, Set<string>>(flow.nodes.map((n) => [n.alias, new Set<string>()]));
  const successors = new Map<string, Set<string>>(flow.nodes.map((n) => [n.alias, new Set<string>()]));
  const edgeTimeouts = new Map<string, Map<string, number>>();
  const buffers = new Map<string, number>();
  const exactlyOnce = new Set<string>();
  for (const edge of flow.edges) {
    predecessors.get(edge.to)?.add(edge.from);
    successors.get(edge.from)?.add(edge.to);
    if (typeof edge.timeout_ms === "number") {
      const map = edgeTimeouts.get(edge.to) ?? new Map<string, number>();
      map.set(edge.from, Math.min(map.get(edge.from) ?? Number.POSITIVE_INFINITY, edge.timeout_ms));
      edgeTimeouts.set(edge.to, map);
    }
    const max = edge.buffer.max_items;
    if (typeof max === "number") buffers.set(edge.from, Math.min(buffers.get(edge.from) ?? max, max));
    if (edge.delivery === "exactly_once") exactlyOnce.add(edge.to);
  }

  const nodes = new Map<string, NodePlan>();
  const order: NodePlan[] = [];
  const nextOf = new Map<string, NodePlan[]>();
  for (const node of flow.nodes) {
    const handler = surfaces.errorHandlers.get(node.alias);
    const next: NodePlan[] = [];
    nextOf.set(node.alias, next);
    const nodePlan: NodePlan = {
      alias: node.alias,
      index: order.length,
      next,
      routers: surfaces.routers.get(node.alias) ?? [],
      node,
      implementation: implementations[node.identifier],
      predecessors: [...(predecessors.get(node.alias) ?? [])],
      successors: [...(successors.get(node.alias) ?? [])],
      retry: handler?.retry,
      onError: handler?.onError ?? "fail",
      timeoutMs: surfaces.timeouts.get(node.alias),
      edgeTimeouts: edgeTimeouts.get(node.alias) ?? new Map(),
      rateLimit: surfaces.rateLimits.get(node.alias),
      forEach: surfaces.forEach.get(node.alias),
      bufferItems: buffers.get(node.alias),
      exactlyOnce: exactlyOnce.has(node.alias),
    };
    nodes.set(node.alias, nodePlan);
    order.push(nodePlan);
  }
  for (const nodePlan of order) {
    const next = nextOf.get(nodePlan.alias) ?? [];
    for (const successor of nodePlan.successors) {
      const target = nodes.get(successor);
      if (target !== undefined) next.push(target);
    }
  }
  return {
    ok: true,
    plan: {
      flow,
      nodes,
      order,
      triggers: flow.nodes.filter((n) => n.kind === "trigger").map((n) => n.alias),
      sinks: flow.nodes.filter((n) => (successors.get(n.alias)?.size ?? 0) === 0).map((n) => n.alias),
      routers: surfaces.routers,
      checkpoints: new Set(flow.checkpoints.map((c) => c.id)),
    },
  };
}
