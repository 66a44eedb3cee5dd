// `flows convert`: the TypeScript definition of an existing Flow IR document. It keeps every
// detail that `defineFlow` would not derive the same way (ids, names, ports, claims, hint
// lists, surface configs as written), so building it gives the document back.

type Json = Record<string, unknown>;

const NODE_FIELDS = new Set([
  "id",
  "alias",
  "identifier",
  "name",
  "kind",
  "summary",
  "in_schema",
  "out_schema",
  "effects",
  "determinism",
  "idempotency",
  "effectHints",
  "determinismHints",
]);
const EDGE_FIELDS = new Set(["from", "to", "delivery", "ordering", "partition_key", "timeout_ms", "buffer"]);
const FLOW_FIELDS = new Set([
  "$schema",
  "id",
  "name",
  "version",
  "profile",
  "summary",
  "nodes",
  "edges",
  "control_surfaces",
  "checkpoints",
  "policies",
  "metadata",
  "artifacts",
]);

const isRecord = (value: unknown): value is Json =>
  value !== null && typeof value === "object" && !Array.isArray(value);
const text = (value: unknown) => JSON.stringify(value);
const present = (value: unknown) => value !== undefined && value !== null;

/** JSON as TypeScript: keys that are identifiers unquoted. */
function literal(value: unknown, indent = ""): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    const inner = value.map((item) => literal(item, `${indent}  `));
    const flat = `[${inner.join(", ")}]`;
    return flat.length < 80 && !flat.includes("\n")
      ? flat
      : `[\n${inner.map((i) => `${indent}  ${i}`).join(",\n")},\n${indent}]`;
  }
  if (isRecord(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return "{}";
    const inner = entries.map(
      ([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : text(k)}: ${literal(v, `${indent}  `)}`,
    );
    const flat = `{ ${inner.join(", ")} }`;
    return flat.length < 80 && !flat.includes("\n")
      ? flat
      : `{\n${inner.map((i) => `${indent}  ${i}`).join(",\n")},\n${indent}}`;
  }
  return text(value);
}

function extra(object: Json, known: Set<string>): Json | undefined {
  const rest = Object.fromEntries(Object.entries(object).filter(([k]) => !known.has(k)));
  return Object.keys(rest).length === 0 ? undefined : rest;
}

const variable = (alias: string, used: Set<string>) => {
  let name = `n_${alias.replace(/[^A-Za-z0-9_$]/g, "_")}`;
  while (used.has(name)) name = `${name}_`;
  used.add(name);
  return name;
};

function port(ref: unknown): string | null {
  return isRecord(ref) && ref.kind === "named" && typeof ref.name === "string" ? ref.name : null;
}

function edgeOptions(edge: Json): Json {
  const buffer = isRecord(edge.buffer) ? edge.buffer : {};
  const bufferOptions = Object.fromEntries(
    [
      ["maxItems", buffer.max_items],
      ["onDrop", buffer.on_drop],
      ["spillThresholdBytes", buffer.spill_threshold_bytes],
      ["spillTier", buffer.spill_tier],
    ].filter(([, v]) => present(v)),
  );
  return Object.fromEntries(
    [
      ["delivery", edge.delivery === "at_least_once" ? undefined : edge.delivery],
      ["ordering", edge.ordering === "ordered" ? undefined : edge.ordering],
      ["partitionKey", edge.partition_key],
      ["timeoutMs", edge.timeout_ms],
      ["buffer", Object.keys(bufferOptions).length === 0 ? undefined : bufferOptions],
      ["extra", extra(edge, EDGE_FIELDS)],
    ].filter(([, v]) => present(v)),
  );
}

/** The node's options: everything as written, so nothing depends on derivation rules. */
function nodeOptions(node: Json, flowId: string, namespace: string): Json {
  const alias = String(node.alias);
  const idempotency = isRecord(node.idempotency) ? node.idempotency : {};
  const key = typeof idempotency.key === "string" && idempotency.key !== "" ? idempotency.key : undefined;
  return Object.fromEntries(
    [
      ["name", node.name],
      ["summary", node.summary],
      ["identifier", node.identifier === `${namespace}::${alias}` ? undefined : node.identifier],
      ["id", node.id === `${flowId}::${alias}` ? undefined : node.id],
      ["kind", node.kind === "trigger" ? undefined : node.kind],
      ["ports", { in: port(node.in_schema), out: port(node.out_schema) }],
      ["effects", node.effects],
      ["determinism", node.determinism],
      ["effectHints", node.effectHints ?? []],
      ["determinismHints", node.determinismHints ?? []],
      [
        "idempotency",
        key === undefined
          ? undefined
          : Object.fromEntries(
              [
                ["key", key],
                ["scope", idempotency.scope],
                ["ttlMs", idempotency.ttlMs],
              ].filter(([, v]) => present(v)),
            ),
      ],
      ["extra", extra(node, NODE_FIELDS)],
    ].filter(([, v]) => present(v)),
  );
}

function namespaceOf(document: Json): string {
  const id = String(document.id);
  const counts = new Map<string, number>();
  for (const node of (document.nodes ?? []) as Json[]) {
    const identifier = String(node.identifier ?? "");
    const cut = identifier.lastIndexOf("::");
    if (cut > 0) counts.set(identifier.slice(0, cut), (counts.get(identifier.slice(0, cut)) ?? 0) + 1);
  }
  const best = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
  return best ?? (id.indexOf(".") > 0 ? id.slice(0, id.indexOf(".")) : id);
}

/**
 * TypeScript source defining `document`'s flow with `defineFlow`. Nodes keep their order; an
 * edge from an earlier node is an `after`, any other an `f.edge`; surfaces keep their configs.
 * Implementations are not part of a document: run the result with `--nodes` as before, or add
 * `run` to each node.
 */
export function toTypeScript(document: Json, options: { readonly source?: string } = {}): string {
  const nodes = ((document.nodes ?? []) as Json[]).filter(isRecord);
  const edges = ((document.edges ?? []) as Json[]).filter(isRecord);
  const flowId = String(document.id);
  const namespace = namespaceOf(document);
  const used = new Set<string>(["f", "defineFlow", "edge", "flow"]);
  const names = new Map<string, string>();
  const declared = new Set<string>();
  const late: Json[] = [];
  const afterOf = new Map<string, Json[]>();
  for (const node of nodes) {
    const alias = String(node.alias);
    const sources = new Set<string>();
    const after: Json[] = [];
    for (const e of edges.filter((candidate) => candidate.to === alias)) {
      const from = String(e.from);
      // `after` takes each earlier node once; the rest (later nodes, repeats, into a trigger) are f.edge.
      if (node.kind !== "trigger" && declared.has(from) && !sources.has(from)) {
        sources.add(from);
        after.push(e);
      } else {
        late.push(e);
      }
    }
    afterOf.set(alias, after);
    declared.add(alias);
  }
  const referenced = new Set<string>([
    ...[...afterOf.values()].flat().map((e) => String(e.from)),
    ...late.flatMap((e) => [String(e.from), String(e.to)]),
  ]);
  const lines: string[] = [];
  for (const node of nodes) {
    const alias = String(node.alias);
    const after = afterOf.get(alias) ?? [];
    const refs = after.map((e) => {
      const ref = names.get(String(e.from)) as string;
      const opts = edgeOptions(e);
      return Object.keys(opts).length === 0 ? ref : `edge(${ref}, ${literal(opts, "      ")})`;
    });
    const options = nodeOptions(node, flowId, namespace);
    const body = literal(options, "    ");
    const afterText =
      refs.length === 0 ? "" : refs.length === 1 ? `after: ${refs[0]},` : `after: [${refs.join(", ")}],`;
    const withAfter =
      afterText === ""
        ? body
        : body.includes("\n")
          ? body.replace(/^\{\n(\s*)/, (_match, space: string) => `{\n${space}${afterText}\n${space}`)
          : body.replace(/^\{ /, `{ ${afterText} `);
    const method = node.kind === "trigger" ? "trigger" : "node";
    const call = `f.${method}(${text(alias)}, ${withAfter});`;
    if (referenced.has(alias)) {
      const name = variable(alias, used);
      names.set(alias, name);
      lines.push(`    const ${name} = ${call}`);
    } else {
      lines.push(`    ${call}`);
    }
  }
  for (const e of late) {
    const from = names.get(String(e.from));
    const to = names.get(String(e.to));
    if (from === undefined || to === undefined) continue;
    const opts = edgeOptions(e);
    lines.push(`    f.edge(${from}, ${to}${Object.keys(opts).length === 0 ? "" : `, ${literal(opts, "    ")}`});`);
  }
  for (const surface of ((document.control_surfaces ?? []) as Json[]).filter(isRecord)) {
    lines.push(`    f.surface(${literal(surface, "    ")});`);
  }
  const checkpoints = ((document.checkpoints ?? []) as Json[]).filter(isRecord);
  const header = Object.fromEntries(
    [
      ["id", flowId],
      ["name", document.name],
      ["version", document.version],
      ["profile", document.profile],
      ["summary", document.summary],
      [
        "namespace",
        namespace === (flowId.indexOf(".") > 0 ? flowId.slice(0, flowId.indexOf(".")) : flowId) ? undefined : namespace,
      ],
      [
        "checkpoints",
        checkpoints.length === 0
          ? undefined
          : Object.fromEntries(
              checkpoints.map((c) => [String(c.id), present(c.summary) ? { summary: c.summary } : {}]),
            ),
      ],
      ["policies", document.policies ?? {}],
      ["metadata", document.metadata ?? { tags: [] }],
      ["artifacts", document.artifacts ?? []],
      ["extra", extra(document, FLOW_FIELDS)],
    ].filter(([, v]) => present(v)),
  );
  const uses = lines.some((l) => l.includes("edge(")) ? "defineFlow, edge" : "defineFlow";
  return `// ${options.source === undefined ? "Converted from Flow IR" : `Converted from ${options.source}`} by \`flows convert\`.
// Node implementations are looked up by identifier: run it with --nodes, or give each node a \`run\`.
import { ${uses} } from "@flows/define";

export const flow = defineFlow(${literal(header, "")}, (f) => {
${lines.join("\n")}
});
`;
}
