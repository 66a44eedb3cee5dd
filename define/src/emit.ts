import {
  BUILTIN_HINTS,
  createHintRegistry,
  DETERMINISM,
  type Determinism,
  EFFECTS,
  type Effects,
  type HintRegistry,
} from "@flows/flow-ir";
import { deriveClaims, registryFor } from "./claims";
import type { SourceLocation } from "./location";
import { namedPort } from "./ports";
import type { FlowRecord, NodeRecord } from "./records";
import type { EdgeOptions } from "./refs";

export interface FlowHeader {
  readonly id: string;
  readonly name: string;
  readonly version: string;
  readonly profile: string;
  readonly summary?: string;
  readonly namespace: string;
  readonly policies?: unknown;
  readonly metadata?: unknown;
  readonly artifacts?: unknown;
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** Where each emitted element was declared, by its index in the emitted arrays. */
export interface SourceMap {
  readonly flow: SourceLocation | undefined;
  readonly nodes: readonly (SourceLocation | undefined)[];
  readonly edges: readonly (SourceLocation | undefined)[];
  readonly control_surfaces: readonly (SourceLocation | undefined)[];
}

export type FlowDocument = Record<string, unknown> & { readonly id: string; readonly name: string };

const BUILTIN = createHintRegistry(BUILTIN_HINTS);

function pascal(alias: string): string {
  return alias
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== "")
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join("");
}

/** Only present fields: JSON has no `undefined`, and equal sources must give equal bytes. */
function compact<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function idempotencyOf(node: NodeRecord): Record<string, unknown> {
  const spec = node.options.idempotency;
  if (spec === undefined) return {};
  const key = typeof spec.key === "string" ? spec.key : (spec.key as readonly string[]).join(":");
  return compact({ key, scope: spec.scope, ttlMs: spec.ttlMs });
}

function emitEdge(from: string, to: string, options: EdgeOptions) {
  const buffer = options.buffer ?? {};
  return compact({
    from,
    to,
    delivery: options.delivery ?? "at_least_once",
    ordering: options.ordering ?? "ordered",
    partition_key: options.partitionKey,
    buffer: compact({
      max_items: buffer.maxItems,
      on_drop: buffer.onDrop,
      spill_threshold_bytes: buffer.spillThresholdBytes,
      spill_tier: buffer.spillTier,
    }),
    timeout_ms: options.timeoutMs,
    ...options.extra,
  });
}

interface SubflowClaims {
  readonly effects: Effects;
  readonly determinism: Determinism;
  readonly effectHints: readonly string[];
  readonly determinismHints: readonly string[];
}

/** A subflow node claims what its whole flow does: the strongest effects, the weakest determinism. */
export function claimsOfDocument(document: FlowDocument): SubflowClaims {
  const nodes = (document.nodes ?? []) as readonly Record<string, unknown>[];
  let effects = 0;
  let determinism = 0;
  const effectHints = new Set<string>();
  const determinismHints = new Set<string>();
  for (const node of nodes) {
    effects = Math.max(effects, EFFECTS.indexOf(node.effects as Effects));
    determinism = Math.max(determinism, DETERMINISM.indexOf(node.determinism as Determinism));
    for (const hint of (node.effectHints ?? []) as string[]) effectHints.add(hint);
    for (const hint of (node.determinismHints ?? []) as string[]) determinismHints.add(hint);
  }
  return {
    effects: EFFECTS[effects] as Effects,
    determinism: DETERMINISM[determinism] as Determinism,
    effectHints: [...effectHints],
    determinismHints: [...determinismHints],
  };
}

/** The in port of a node without an input schema: its predecessors' out port, when they all name the same. */
function inputPort(node: NodeRecord, record: FlowRecord): NodeRecord["input"]["ref"] {
  if (!node.inputFromPredecessors) return node.input.ref;
  const names = new Set<string>();
  for (const edge of record.edges) {
    if (edge.to !== node.alias) continue;
    const out = record.nodes.find((n) => n.alias === edge.from)?.output.ref;
    names.add(out?.kind === "named" ? (out as { name: string }).name : "");
  }
  const [only] = names;
  return names.size === 1 && only !== undefined && only !== "" ? namedPort(only).ref : node.input.ref;
}

function emitNode(
  header: FlowHeader,
  record: FlowRecord,
  node: NodeRecord,
  registry: HintRegistry,
  subflowClaims: (id: string) => SubflowClaims | undefined,
) {
  const options = node.options;
  const hints = [...node.uses.flatMap((u) => u.hints), ...(options.hints ?? [])];
  const derived =
    node.subflow !== undefined
      ? (subflowClaims(node.subflow.id) ?? deriveClaims(hints, registry))
      : deriveClaims(hints, registryFor(node.uses, registry));
  return compact({
    id: options.id ?? `${header.id}::${node.alias}`,
    alias: node.alias,
    identifier:
      options.identifier ?? (node.subflow === undefined ? `${header.namespace}::${node.alias}` : node.subflow.id),
    name: options.name ?? pascal(node.alias),
    kind: node.kind,
    summary: options.summary,
    in_schema: inputPort(node, record),
    out_schema: node.output.ref,
    effects: options.effects ?? derived.effects,
    determinism: options.determinism ?? derived.determinism,
    idempotency: idempotencyOf(node),
    effectHints: [...(options.effectHints ?? derived.effectHints)],
    determinismHints: [...(options.determinismHints ?? derived.determinismHints)],
    ...options.extra,
  });
}

/**
 * The Flow IR 0.1 document of a recorded flow. Field order is fixed and every list is in
 * declaration order, so the same source always gives byte-identical JSON.
 */
export function emitDocument(
  header: FlowHeader,
  record: FlowRecord,
  options: { readonly schema: string; readonly subflowClaims: (id: string) => SubflowClaims | undefined },
): { document: FlowDocument; sourceMap: Omit<SourceMap, "flow"> } {
  // Routing first (if, switch), then what applies to single nodes; each group in declaration order.
  const ordered = [
    ...record.surfaces.filter((s) => s.kind === "if" || s.kind === "switch"),
    ...record.surfaces.filter((s) => s.kind !== "if" && s.kind !== "switch"),
  ];
  const surfaces = ordered.map((surface) => {
    const built = surface.build();
    return compact({ id: surface.id, kind: surface.kind, targets: [...built.targets], config: built.config });
  });
  const document = compact({
    $schema: options.schema,
    id: header.id,
    name: header.name,
    version: header.version,
    profile: header.profile,
    summary: header.summary,
    nodes: record.nodes.map((node) => emitNode(header, record, node, BUILTIN, options.subflowClaims)),
    edges: record.edges.map((edge) => emitEdge(edge.from, edge.to, edge.options)),
    control_surfaces: surfaces,
    checkpoints: record.checkpoints.map((checkpoint) => compact({ id: checkpoint.id, summary: checkpoint.summary })),
    policies: header.policies ?? {},
    metadata: header.metadata ?? { tags: [] },
    artifacts: header.artifacts ?? [],
    ...header.extra,
  }) as FlowDocument;
  return {
    document,
    sourceMap: {
      nodes: record.nodes.map((n) => n.location),
      edges: record.edges.map((e) => e.location),
      control_surfaces: ordered.map((s) => s.location),
    },
  };
}
