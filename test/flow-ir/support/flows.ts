import type { FlowIRInput } from "@flows/flow-ir";

// Small, clean Flow IR documents for tests: every required member filled so that a flow built
// from defaults validates with no diagnostic, and a test changes only what it is about.

export type NodeInput = NonNullable<FlowIRInput["nodes"]>[number];
export type EdgeInput = NonNullable<FlowIRInput["edges"]>[number];
export type SurfaceInput = NonNullable<FlowIRInput["control_surfaces"]>[number];

/**
 * A pure, strict inline node with opaque ports (nothing for any check to object to). Defaulted
 * members are spelled out, as Lattice emits them; `bare` leaves them to the parser.
 */
export function node(alias: string, overrides: Partial<NodeInput> = {}): NodeInput {
  return { idempotency: {}, determinismHints: [], effectHints: [], ...bare(alias, overrides) };
}

/** A node with only the required members (and `overrides`). */
export function bare(alias: string, overrides: Partial<NodeInput> = {}): NodeInput {
  return {
    id: `test::${alias}`,
    alias,
    identifier: `test::${alias}`,
    name: alias,
    kind: "inline",
    in_schema: { kind: "opaque" },
    out_schema: { kind: "opaque" },
    effects: "pure",
    determinism: "strict",
    ...overrides,
  };
}

export function trigger(alias: string, overrides: Partial<NodeInput> = {}): NodeInput {
  return node(alias, { kind: "trigger", ...overrides });
}

/** An effectful node that satisfies DAG004 and EXACT001–003 unless told otherwise. */
export function keyedWriter(alias: string, overrides: Partial<NodeInput> = {}): NodeInput {
  return node(alias, {
    kind: "activity",
    effects: "effectful",
    determinism: "best_effort",
    idempotency: { key: "order_id", scope: "node", ttlMs: 300_000 },
    effectHints: ["resource::dedupe::orders"],
    ...overrides,
  });
}

export function edge(from: string, to: string, overrides: Partial<EdgeInput> = {}): EdgeInput {
  return { from, to, delivery: "at_least_once", ordering: "ordered", buffer: {}, ...overrides };
}

export function surface(id: string, kind: SurfaceInput["kind"], targets: string[], config?: unknown): SurfaceInput {
  return config === undefined ? { id, kind, targets } : { id, kind, targets, config };
}

export function flow(parts: Partial<FlowIRInput> = {}): FlowIRInput {
  return { id: "test", name: "test", version: "1.0.0", profile: "dev", ...parts };
}

/** `aliases[0]` is the trigger; each node feeds the next. */
export function linear(aliases: readonly string[], parts: Partial<FlowIRInput> = {}): FlowIRInput {
  return flow({
    nodes: aliases.map((alias, index) => (index === 0 ? trigger(alias) : node(alias))),
    edges: aliases.slice(1).map((alias, index) => edge(aliases[index] as string, alias)),
    ...parts,
  });
}

/** n0 → n1 → … → n(size-1); with `ringBack`, also n(size-1) → n(ringBack). */
export function chainOf(size: number, ringBack?: number, make: typeof node = node): FlowIRInput {
  const nodes: NodeInput[] = new Array(size);
  const edges: EdgeInput[] = new Array(Math.max(0, size - 1));
  for (let index = 0; index < size; index += 1) {
    nodes[index] = make(`n${index}`, index === 0 ? { kind: "trigger" } : {});
    if (index > 0) edges[index - 1] = edge(`n${index - 1}`, `n${index}`);
  }
  if (ringBack !== undefined) edges.push(edge(`n${size - 1}`, `n${ringBack}`));
  return flow({ nodes, edges });
}

/** One trigger feeding `width` leaves. */
export function fanOut(width: number): FlowIRInput {
  const nodes: NodeInput[] = [trigger("root")];
  const edges: EdgeInput[] = [];
  for (let index = 0; index < width; index += 1) {
    nodes.push(node(`leaf${index}`));
    edges.push(edge("root", `leaf${index}`));
  }
  return flow({ nodes, edges });
}
