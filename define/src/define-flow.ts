import { FLOW_IR_SCHEMA_ID, type Profile } from "@flows/flow-ir";
import type { NodeRegistry } from "@flows/kernel";
import { FlowState } from "./builder";
import type { Checkpoint, CheckpointOptions, CheckpointsOf } from "./checkpoint";
import { claimsOfDocument, emitDocument, type FlowDocument, type FlowHeader, type SourceMap } from "./emit";
import { DefinitionError } from "./errors";
import { FlowBuilder } from "./flow";
import { callerLocation, type SourceLocation } from "./location";
import type { JsonSchema } from "./ports";

export interface FlowOptions<S extends Readonly<Record<string, CheckpointOptions>>> {
  readonly id: string;
  /** Default: the id with every character that is no letter or digit turned into "_". */
  readonly name?: string;
  /** Default "1.0.0". */
  readonly version?: string;
  /** Default "web". */
  readonly profile?: Profile;
  readonly summary?: string;
  /** Prefix of the node identifiers (`<namespace>::<alias>`); default: the id up to its first ".". */
  readonly namespace?: string;
  /** Checkpoints by id: the values nodes pass to `ctx.halt()`. */
  readonly checkpoints?: S;
  readonly tags?: readonly string[];
  readonly policies?: Readonly<Record<string, unknown>>;
  readonly metadata?: Readonly<Record<string, unknown>>;
  readonly artifacts?: readonly unknown[];
  /** Extra top-level fields kept on the document (Flow IR objects are open). */
  readonly extra?: Readonly<Record<string, unknown>>;
}

const BRAND = Symbol.for("flows.define.flow");

export interface EmitOptions {
  /** The document's `$schema`; default the published Flow IR 0.1 schema id. */
  readonly schema?: string;
}

/** A flow defined in TypeScript: its Flow IR document, its node registry, where each part was declared. */
export interface DefinedFlow<Cps = Record<string, Checkpoint>, Out = unknown> {
  readonly [BRAND]: true;
  readonly id: string;
  readonly name: string;
  readonly checkpoints: Cps;
  readonly location: SourceLocation | undefined;
  /** Type only: the output of the flow's sink, for subflows. */
  readonly __output?: Out;
  /** The Flow IR 0.1 document, a fresh object each call. */
  toFlowIR(options?: EmitOptions): FlowDocument;
  /** Same as `toFlowIR()`: `JSON.stringify(flow)` is the document. */
  toJSON(): FlowDocument;
  /** The document as text: two-space indented JSON with a final newline, byte-identical for the same source. */
  toFlowJson(options?: EmitOptions): string;
  /** identifier → implementation, for every node of this flow and of its subflows that has one. */
  nodeRegistry(): NodeRegistry;
  /** Flows this one runs as subflows (a host needs them registered too). */
  subflows(): readonly DefinedFlow[];
  /** Where each emitted node, edge and surface was declared, by index. */
  sourceMap(): SourceMap;
  /** JSON Schema of every named port, by name. */
  schemas(): Readonly<Record<string, JsonSchema>>;
  /** Aliases of nodes without an implementation here (a host must get them from a registry). */
  unimplemented(): readonly string[];
}

export function isDefinedFlow(value: unknown): value is DefinedFlow {
  return value !== null && typeof value === "object" && (value as { [BRAND]?: unknown })[BRAND] === true;
}

function idPrefix(id: string): string {
  const cut = id.indexOf(".");
  return cut > 0 ? id.slice(0, cut) : id;
}

/**
 * Defines a flow: `build` declares its nodes with `f.trigger`, `f.node`, `f.if`, `f.switch`, …
 * Mistakes the types cannot see (a duplicate alias, a node of another flow) throw a
 * `DefinitionError` with a code and the line of the declaration.
 */
export function defineFlow<
  const S extends Readonly<Record<string, CheckpointOptions>> = Record<never, never>,
  Out = unknown,
>(options: FlowOptions<S>, build: (f: FlowBuilder<CheckpointsOf<S>>) => void): DefinedFlow<CheckpointsOf<S>, Out> {
  const location = callerLocation();
  if (typeof options?.id !== "string" || options.id === "") {
    throw new DefinitionError("DEF103", "a flow needs a non-empty string id", {}, location);
  }
  const key = {};
  const checkpointList: Checkpoint[] = Object.entries(options.checkpoints ?? {}).map(([id, spec]) =>
    Object.freeze({
      kind: "checkpoint" as const,
      id,
      flowKey: key,
      ...(spec.summary === undefined ? {} : { summary: spec.summary }),
      ...(spec.resume === undefined ? {} : { resumeSchema: spec.resume }),
    }),
  );
  const checkpoints = Object.freeze(Object.fromEntries(checkpointList.map((c) => [c.id, c]))) as CheckpointsOf<S>;
  const state = new FlowState(options.id, checkpointList);
  build(new FlowBuilder(state, checkpoints));
  const header: FlowHeader = {
    id: options.id,
    name: options.name ?? options.id.replace(/[^A-Za-z0-9]+/g, "_"),
    version: options.version ?? "1.0.0",
    profile: options.profile ?? "web",
    ...(options.summary === undefined ? {} : { summary: options.summary }),
    namespace: options.namespace ?? idPrefix(options.id),
    ...(options.policies === undefined ? {} : { policies: options.policies }),
    metadata: options.metadata ?? { tags: [...(options.tags ?? [])] },
    ...(options.artifacts === undefined ? {} : { artifacts: options.artifacts }),
    ...(options.extra === undefined ? {} : { extra: options.extra }),
  };
  const record = state.record;
  const subflows = record.subflows.filter(isDefinedFlow);
  const subflowClaims = (id: string) => {
    const sub = subflows.find((f) => f.id === id);
    return sub === undefined ? undefined : claimsOfDocument(sub.toFlowIR());
  };
  const emit = (emitOptions: EmitOptions = {}) =>
    emitDocument(header, record, { schema: emitOptions.schema ?? FLOW_IR_SCHEMA_ID, subflowClaims });
  const defined: DefinedFlow<CheckpointsOf<S>, Out> = {
    [BRAND]: true,
    id: header.id,
    name: header.name,
    checkpoints,
    location,
    toFlowIR: (emitOptions) => emit(emitOptions).document,
    toJSON: () => emit().document,
    toFlowJson: (emitOptions) => `${JSON.stringify(emit(emitOptions).document, null, 2)}\n`,
    nodeRegistry: () => {
      const registry: Record<string, NodeRegistry[string]> = {};
      for (const sub of subflows) Object.assign(registry, sub.nodeRegistry());
      const document = emit().document as unknown as { nodes: { identifier: string }[] };
      record.nodes.forEach((node, index) => {
        const identifier = document.nodes[index]?.identifier;
        if (node.implementation !== undefined && identifier !== undefined) registry[identifier] = node.implementation;
      });
      return Object.freeze(registry);
    },
    subflows: () => subflows,
    sourceMap: () => ({ flow: location, ...emit().sourceMap }),
    schemas: () => {
      const found: Record<string, JsonSchema> = {};
      for (const node of record.nodes) {
        for (const port of [node.input, node.output]) {
          if (port.ref.kind === "named" && port.jsonSchema !== undefined) found[port.ref.name] = port.jsonSchema;
        }
      }
      return found;
    },
    unimplemented: () =>
      record.nodes.filter((n) => n.implementation === undefined && n.kind !== "subflow").map((n) => n.alias),
  };
  return Object.freeze(defined);
}
