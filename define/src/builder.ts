import type { NodeKind } from "@flows/flow-ir";
import type { NodeContext, NodeImplementation } from "@flows/kernel";
import * as v from "valibot";
import type { Checkpoint } from "./checkpoint";
import { toFlowContext } from "./context";
import { DefinitionError } from "./errors";
import type { SourceLocation } from "./location";
import type { AnyCommonOptions, ErrorHandling } from "./options";
import { type AnySchema, namedPort, OPAQUE, type Port, portOf } from "./ports";
import type { FlowRecord, NodeRecord, RouterRecord } from "./records";
import type { AnyUpstream, EdgeOptions, NodeRef, RouteRef } from "./refs";
import {
  errorHandlerSurface,
  forEachSurface,
  ifSurface,
  rateLimitSurface,
  switchSurface,
  timeoutSurface,
} from "./surfaces";

const ALIAS = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** Plain implementation signature of a defined node before it is adapted to the kernel's. */
export type DefinedRun = (input: never, ctx: never) => unknown;

export interface AddNode {
  readonly alias: string;
  readonly kind: NodeKind;
  readonly after: readonly AnyUpstream[];
  readonly options: AnyCommonOptions;
  readonly input?: AnySchema | string | undefined;
  /** for_each bodies receive items, not their source's output. */
  readonly itemInput?: boolean;
  readonly output?: AnySchema | string | undefined;
  readonly run: DefinedRun | undefined;
  readonly implementation?: NodeImplementation;
  readonly subflow?: { readonly id: string };
  readonly location: SourceLocation | undefined;
}

function portFor(schema: AnySchema | string | undefined, name: string | null | undefined): Port {
  if (name === null) return OPAQUE;
  if (name !== undefined) return namedPort(name);
  if (typeof schema === "string") return namedPort(schema);
  return schema === undefined ? OPAQUE : portOf(schema);
}

/** The runtime half of the builder: records nodes, edges and surfaces, refusing mistakes on the spot. */
export class FlowState {
  readonly record: FlowRecord;
  readonly key = {};
  constructor(
    readonly flowId: string,
    checkpoints: readonly Checkpoint[],
  ) {
    this.record = { nodes: [], edges: [], surfaces: [], routers: new Map(), checkpoints, subflows: [] };
  }

  has(alias: string): boolean {
    return this.record.nodes.some((n) => n.alias === alias);
  }

  checkAlias(alias: string, what: string, location: SourceLocation | undefined): void {
    if (typeof alias !== "string" || !ALIAS.test(alias)) {
      throw new DefinitionError(
        "DEF103",
        `${what} "${String(alias)}" is not a valid alias: use letters, digits, "_", "-" or ".", starting with a letter or "_"`,
        { alias },
        location,
      );
    }
  }

  checkSurfaceId(id: string, location: SourceLocation | undefined): void {
    if (this.record.surfaces.some((s) => s.id === id) || this.record.routers.has(id)) {
      throw new DefinitionError(
        "DEF107",
        `control surface id "${id}" is used twice in flow "${this.flowId}": give one of them another id`,
        { surface: id },
        location,
      );
    }
  }

  /** Checks the upstreams belong to this flow and exist; returns one edge per source alias. */
  resolveAfter(target: string, after: readonly AnyUpstream[], location: SourceLocation | undefined) {
    const seen = new Map<string, { options: EdgeOptions; routes: RouteRef[] }>();
    for (const upstream of after) {
      if (upstream === null || typeof upstream !== "object" || upstream.flowKey !== this.key) {
        throw new DefinitionError(
          "DEF102",
          `node "${target}" comes after ${describe(upstream)}, which belongs to another flow: use a node of flow "${this.flowId}" (or a subflow)`,
          { node: target },
          location,
        );
      }
      const base = upstream.kind === "edge" ? upstream.upstream : upstream;
      const entry = seen.get(upstream.alias) ?? { options: {}, routes: [] };
      if (upstream.kind === "edge") entry.options = { ...entry.options, ...upstream.options };
      if (base.kind === "route") entry.routes.push(base);
      seen.set(upstream.alias, entry);
    }
    return seen;
  }

  addNode(spec: AddNode): NodeRef {
    const { alias, location } = spec;
    this.checkAlias(alias, "node alias", location);
    if (this.has(alias)) {
      throw new DefinitionError(
        "DEF101",
        `flow "${this.flowId}" already has a node "${alias}": give this node another alias`,
        { node: alias, flow: this.flowId },
        location,
      );
    }
    const uses = spec.options.uses ?? [];
    const names = new Set<string>();
    for (const u of uses) {
      if (names.has(u.name)) {
        throw new DefinitionError(
          "DEF104",
          `node "${alias}" declares capability "${u.name}" twice: list every access in one use(${u.name}, …)`,
          { node: alias, capability: u.name },
          location,
        );
      }
      names.add(u.name);
    }
    checkNumbers(alias, spec.options, location);
    const edges = this.resolveAfter(alias, spec.after, location);
    for (const { routes } of edges.values()) {
      for (const route of routes) this.attachRoute(route, alias, location);
    }
    const node: NodeRecord = {
      alias,
      kind: spec.kind,
      options: spec.options,
      uses,
      input: portFor(spec.input, spec.options.ports?.in),
      inputFromPredecessors:
        spec.input === undefined &&
        spec.options.ports?.in === undefined &&
        spec.itemInput !== true &&
        spec.kind !== "trigger",
      output: portFor(spec.output, spec.options.ports?.out),
      implementation: spec.implementation ?? adapt(spec.run),
      ...(spec.subflow === undefined ? {} : { subflow: spec.subflow }),
      location,
    };
    this.record.nodes.push(node);
    for (const [from, { options }] of edges) this.record.edges.push({ from, to: alias, options, location });
    this.addNodeSurfaces(alias, spec.options, location);
    return Object.freeze({ kind: "node", alias, flowKey: this.key }) as NodeRef;
  }

  private attachRoute(route: RouteRef, target: string, location: SourceLocation | undefined): void {
    const router = this.record.routers.get(route.surface) as RouterRecord;
    const taken = (what: string, by: string | undefined) => {
      if (by === undefined || by === target) return;
      throw new DefinitionError(
        "DEF105",
        `the ${what} branch of ${router.kind} "${router.id}" already leads to "${by}": one branch routes to one node`,
        { surface: router.id, node: target, taken_by: by },
        location,
      );
    };
    const branch = route.branch;
    if (branch.kind === "then") {
      taken("then", router.then);
      router.then = target;
    } else if (branch.kind === "else") {
      taken("else", router.else);
      router.else = target;
    } else {
      for (const value of branch.values) {
        taken(`"${value}"`, router.cases.get(value));
        router.cases.set(value, target);
      }
      if (branch.otherwise) {
        taken("default", router.otherwise);
        router.otherwise = target;
      }
    }
  }

  private addNodeSurfaces(alias: string, options: AnyCommonOptions, location: SourceLocation | undefined): void {
    const add = (
      id: string,
      kind: "error_handler" | "timeout" | "rate_limit",
      build: () => { targets: string[]; config: unknown },
    ) => {
      this.checkSurfaceId(id, location);
      this.record.surfaces.push({ id, kind, build, location });
    };
    const onError = options.onError;
    if (onError !== undefined) {
      const handling: Exclude<ErrorHandling, string> = typeof onError === "string" ? { strategy: onError } : onError;
      const id = handling.id ?? `${alias}_${handling.strategy === "retry" ? "retry" : "on_error"}`;
      add(id, "error_handler", () => errorHandlerSurface(alias, handling));
    }
    const timeout = options.timeout;
    if (timeout !== undefined) {
      const ms = typeof timeout === "number" ? timeout : timeout.ms;
      const id = (typeof timeout === "number" ? undefined : timeout.id) ?? `${alias}_timeout`;
      add(id, "timeout", () => timeoutSurface(alias, ms));
    }
    const rate = options.rateLimit;
    if (rate !== undefined) {
      add(rate.id ?? `${alias}_rate_limit`, "rate_limit", () => rateLimitSurface(alias, rate.qps, rate.burst));
    }
  }

  addForEach(
    source: string,
    body: string,
    itemsPointer: string,
    concurrency: number | undefined,
    id: string | undefined,
    location: SourceLocation | undefined,
  ): void {
    const surfaceId = id ?? `${body}_for_each`;
    this.checkSurfaceId(surfaceId, location);
    this.record.surfaces.push({
      id: surfaceId,
      kind: "for_each",
      build: () => forEachSurface(source, body, itemsPointer, concurrency),
      location,
    });
  }

  addRouter(router: RouterRecord): void {
    this.checkSurfaceId(router.id, router.location);
    const clash = [...this.record.routers.values()].find((r) => r.source === router.source && r.kind === router.kind);
    if (clash !== undefined) {
      throw new DefinitionError(
        "DEF107",
        `node "${router.source}" already has ${router.kind} "${clash.id}": one ${router.kind} per source, merge the two`,
        { surface: router.id, node: router.source },
        router.location,
      );
    }
    this.record.routers.set(router.id, router);
    this.record.surfaces.push({
      id: router.id,
      kind: router.kind,
      build: () => this.buildRouter(router),
      location: router.location,
    });
  }

  private buildRouter(router: RouterRecord) {
    return router.kind === "if" ? ifSurface(router) : switchSurface(router);
  }
}

function describe(upstream: unknown): string {
  const alias = (upstream as { alias?: unknown } | null)?.alias;
  return typeof alias === "string" ? `"${alias}"` : "a value that is no node";
}

function checkNumbers(alias: string, options: AnyCommonOptions, location: SourceLocation | undefined): void {
  const positive = (what: string, value: number | undefined) => {
    if (value === undefined || (Number.isFinite(value) && value > 0)) return;
    throw new DefinitionError(
      "DEF108",
      `node "${alias}": ${what} must be a positive number (got ${String(value)})`,
      { node: alias, option: what },
      location,
    );
  };
  const timeout = options.timeout;
  positive("timeout", typeof timeout === "object" ? timeout.ms : timeout);
  positive("rateLimit.qps", options.rateLimit?.qps);
  positive("rateLimit.burst", options.rateLimit?.burst);
  const onError = options.onError;
  if (typeof onError === "object" && onError.strategy === "retry") positive("onError.maxRetries", onError.maxRetries);
}

/** The kernel's signature around a defined implementation: checkpoint values, checked resumes. */
function adapt(run: DefinedRun | undefined): NodeImplementation | undefined {
  if (run === undefined) return undefined;
  const typed = run as unknown as (input: unknown, ctx: unknown) => unknown;
  return (input: unknown, ctx: NodeContext) => typed(input, toFlowContext(ctx));
}

/** A trigger without `run` parses its payload with its schema, so bad requests fail with a code. */
export function parsingTrigger(schema: AnySchema, alias: string): NodeImplementation {
  return (payload) => {
    const parsed = v.safeParse(schema, payload);
    if (parsed.success) return parsed.output;
    const error = new Error(
      `trigger "${alias}" received a payload that does not match its schema: ${parsed.issues
        .map((issue) => `${issue.path?.map((p) => String(p.key)).join(".") || "(payload)"}: ${issue.message}`)
        .join("; ")}`,
    ) as Error & { code: string; retryable: boolean };
    error.code = "INPUT400";
    error.retryable = false;
    throw error;
  };
}
