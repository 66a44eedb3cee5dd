// Builds small Flow IR documents for tests: every required field filled with a sensible value.

export interface NodeSpec {
  readonly kind?: "trigger" | "inline" | "activity" | "subflow";
  readonly identifier?: string;
  readonly effects?: "pure" | "read_only" | "effectful";
  readonly determinism?: "strict" | "stable" | "best_effort" | "nondeterministic";
  readonly key?: string;
  readonly ttlMs?: number;
  readonly effectHints?: string[];
  readonly determinismHints?: string[];
}

export interface EdgeSpec {
  readonly delivery?: "at_least_once" | "at_most_once" | "exactly_once";
  readonly timeout_ms?: number;
  readonly max_items?: number;
}

export interface FlowSpec {
  readonly nodes: Record<string, NodeSpec>;
  readonly edges?: ([string, string] | [string, string, EdgeSpec])[];
  readonly surfaces?: { id: string; kind: string; targets?: string[]; config?: unknown }[];
  readonly checkpoints?: string[];
}

export function buildFlow(id: string, spec: FlowSpec) {
  return {
    id,
    name: id,
    version: "1.0.0",
    profile: "dev",
    nodes: Object.entries(spec.nodes).map(([alias, node]) => ({
      id: `${id}::${alias}`,
      alias,
      identifier: node.identifier ?? `${id}::${alias}`,
      name: alias,
      kind: node.kind ?? (alias === "start" ? "trigger" : "inline"),
      in_schema: { kind: "opaque" },
      out_schema: { kind: "opaque" },
      effects: node.effects ?? "pure",
      determinism: node.determinism ?? "best_effort",
      idempotency: node.key === undefined ? {} : { key: node.key, scope: "node", ttlMs: node.ttlMs ?? 600_000 },
      effectHints: node.effectHints ?? [],
      determinismHints: node.determinismHints ?? [],
    })),
    edges: (spec.edges ?? []).map(([from, to, options]) => ({
      from,
      to,
      delivery: options?.delivery ?? "at_least_once",
      ordering: "ordered",
      buffer: options?.max_items === undefined ? {} : { max_items: options.max_items },
      ...(options?.timeout_ms === undefined ? {} : { timeout_ms: options.timeout_ms }),
    })),
    control_surfaces: (spec.surfaces ?? []).map((surface) => ({ targets: [], ...surface })),
    checkpoints: (spec.checkpoints ?? []).map((checkpoint) => ({ id: checkpoint })),
  };
}

/** A chain start -> a -> b -> ... with the given inline aliases. */
export function chain(id: string, aliases: string[]) {
  const nodes: Record<string, NodeSpec> = { start: {} };
  for (const alias of aliases) nodes[alias] = {};
  const order = ["start", ...aliases];
  return buildFlow(id, {
    nodes,
    edges: order.slice(1).map((alias, index) => [order[index] as string, alias] as [string, string]),
  });
}
