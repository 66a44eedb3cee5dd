import type { ControlSurfaceKind } from "@flows/flow-ir";
import type * as v from "valibot";
import { type FlowState, parsingTrigger } from "./builder";
import type { Checkpoint } from "./checkpoint";
import type { FlowContext } from "./context";
import { DefinitionError } from "./errors";
import { callerLocation } from "./location";
import type {
  AnyCommonOptions,
  CommonOptions,
  ErrorHandling,
  NodeInput,
  NodeOptions,
  OutputOf,
  Returnable,
  ReturnFor,
  WiringCheck,
} from "./options";
import type { ArrayItem, AtPointer, CaseKey, PointerOf } from "./paths";
import type { AnySchema } from "./ports";
import type { After, AliasOf, AnyUpstream, Delivered, EdgeOptions, MaybeOf, NodeRef, RouteRef, ValueOf } from "./refs";
import type { AnyUse } from "./use";

/** A flow another flow runs as a node. */
export interface SubflowTarget<Out = unknown> {
  readonly id: string;
  readonly __output?: Out;
}

export interface TriggerOptions<IS, OS, U extends readonly AnyUse[], Cps, R> extends CommonOptions<unknown, false, U> {
  /** Schema of the payload; without `run` the trigger delivers the parsed payload. */
  readonly input?: IS;
  readonly output?: OS;
  readonly run?: (
    payload: IS extends AnySchema ? v.InferOutput<IS> : unknown,
    ctx: FlowContext<U, Cps>,
  ) => ReturnFor<OS, R>;
}

type TriggerOutput<IS, OS, R> = OS extends AnySchema
  ? v.InferOutput<OS>
  : unknown extends R
    ? IS extends AnySchema
      ? v.InferOutput<IS>
      : unknown
    : Delivered<R>;

export interface ForEachOptions<Src, P, U extends readonly AnyUse[], Cps, OS, R>
  extends CommonOptions<ArrayItem<AtPointer<ValueOf<Src>, P & string>>, false, U> {
  readonly source: Src;
  /** JSON Pointer to the array in the source's output; "" when the output is the array. */
  readonly items: P;
  readonly concurrency?: number;
  /** Surface id; default `<alias>_for_each`. */
  readonly surfaceId?: string;
  readonly kind?: "inline" | "activity";
  readonly output?: OS;
  readonly run?: (item: ArrayItem<AtPointer<ValueOf<Src>, P & string>>, ctx: FlowContext<U, Cps>) => ReturnFor<OS, R>;
}

export interface IfRoutes<A extends string, T> {
  readonly then: RouteRef<A, T>;
  readonly else: RouteRef<A, T>;
}

export interface CaseRoute<A extends string, T> extends RouteRef<A, T> {
  /** The same node also takes every value no case names (the switch's `default`). */
  orOtherwise(): RouteRef<A, T>;
}

export interface SwitchRoutes<A extends string, T, K extends string> {
  /** The branch for these selector values; a value the source's output type cannot produce does not compile. */
  case<const V extends K>(value: V, ...more: V[]): CaseRoute<A, T>;
  /** The branch for every value no case names. */
  otherwise(): RouteRef<A, T>;
}

export interface RawSurface {
  readonly id: string;
  readonly kind: ControlSurfaceKind;
  readonly targets: readonly string[];
  readonly config?: unknown;
}

function listOf(after: After | undefined): readonly AnyUpstream[] {
  if (after === undefined) return [];
  return Array.isArray(after) ? (after as readonly AnyUpstream[]) : [after as AnyUpstream];
}

/**
 * Declares the nodes, routes and surfaces of one flow. Each method records its call site, so
 * a diagnostic about the emitted document points at the TypeScript line that caused it.
 */
export class FlowBuilder<Cps> {
  constructor(
    private readonly state: FlowState,
    /** The checkpoints declared on the flow: the values `ctx.halt()` accepts. */
    readonly checkpoints: Cps,
  ) {}

  /** An entry point: the invocation's payload is its input. */
  trigger<
    const A extends string,
    IS extends AnySchema | undefined = undefined,
    OS extends AnySchema | undefined = undefined,
    const U extends readonly AnyUse[] = readonly [],
    R = unknown,
  >(alias: A, options: TriggerOptions<IS, OS, U, Cps, R> = {} as never): NodeRef<A, TriggerOutput<IS, OS, R>, false> {
    const location = callerLocation();
    const parse = options.input ?? (options.run === undefined ? options.output : undefined);
    return this.state.addNode({
      alias,
      kind: "trigger",
      after: [],
      options: options as AnyCommonOptions,
      input: options.input,
      output: options.output ?? (options.run === undefined ? options.input : undefined),
      run: options.run as never,
      ...(options.run === undefined && parse !== undefined ? { implementation: parsingTrigger(parse, alias) } : {}),
      location,
    }) as NodeRef<A, TriggerOutput<IS, OS, R>, false>;
  }

  /**
   * A node after one or several upstreams. With one, `run` receives its value; with several,
   * an object keyed by their aliases in which branches that may be skipped are optional.
   */
  node<
    const A extends string,
    const Af extends After | undefined = undefined,
    IS extends AnySchema | undefined = undefined,
    OS extends AnySchema | undefined = undefined,
    const U extends readonly AnyUse[] = readonly [],
    R = unknown,
    const E extends ErrorHandling | undefined = undefined,
  >(
    alias: A,
    options: NodeOptions<Af, IS, OS, U, Cps, R> & { readonly onError?: E } & WiringCheck<Af, IS>,
  ): NodeRef<A, OutputOf<OS, R, E>, MaybeOf<Af>> {
    const location = callerLocation();
    const kind =
      options.kind ?? ((options.uses?.length ?? 0) + (options.hints?.length ?? 0) > 0 ? "activity" : "inline");
    return this.state.addNode({
      alias,
      kind,
      after: listOf(options.after),
      options: options as AnyCommonOptions,
      input: options.input,
      output: options.output,
      run: options.run as never,
      location,
    }) as NodeRef<A, OutputOf<OS, R, E>, MaybeOf<Af>>;
  }

  /** A node run once per element of an array in the source's output (a `for_each` surface). */
  forEach<
    const A extends string,
    Src extends NodeRef,
    const P extends PointerOf<ValueOf<Src>>,
    OS extends AnySchema | undefined = undefined,
    const U extends readonly AnyUse[] = readonly [],
    R = unknown,
  >(alias: A, options: ForEachOptions<Src, P, U, Cps, OS, R>): NodeRef<A, OutputOf<OS, R, undefined>[], MaybeOf<Src>> {
    const location = callerLocation();
    const ref = this.state.addNode({
      alias,
      kind: options.kind ?? ((options.uses?.length ?? 0) + (options.hints?.length ?? 0) > 0 ? "activity" : "inline"),
      after: [options.source],
      itemInput: true,
      options: options as AnyCommonOptions,
      output: options.output,
      run: options.run as never,
      location,
    });
    this.state.addForEach(options.source.alias, alias, options.items, options.concurrency, options.surfaceId, location);
    return ref as NodeRef<A, OutputOf<OS, R, undefined>[], MaybeOf<Src>>;
  }

  /** Routes the source's output to `then` when the value at `selector` is truthy, else to `else`. */
  if<Src extends NodeRef>(
    id: string,
    source: Src,
    selector: PointerOf<ValueOf<Src>>,
  ): IfRoutes<AliasOf<Src>, ValueOf<Src>> {
    const location = callerLocation();
    this.router("if", id, source, selector, location);
    const route = (kind: "then" | "else") =>
      Object.freeze({ kind: "route", alias: source.alias, flowKey: source.flowKey, surface: id, branch: { kind } });
    return { then: route("then"), else: route("else") } as unknown as IfRoutes<AliasOf<Src>, ValueOf<Src>>;
  }

  /** Routes the source's output by the value at `selector`: one case per value, and an optional default. */
  switch<Src extends NodeRef, const P extends PointerOf<ValueOf<Src>>>(
    id: string,
    source: Src,
    selector: P,
  ): SwitchRoutes<AliasOf<Src>, ValueOf<Src>, CaseKey<AtPointer<ValueOf<Src>, P & string>>> {
    const location = callerLocation();
    this.router("switch", id, source, selector, location);
    const route = (values: readonly string[], otherwise: boolean): RouteRef =>
      Object.freeze({
        kind: "route",
        alias: source.alias,
        flowKey: source.flowKey,
        surface: id,
        branch: { kind: "case", values, otherwise },
      }) as RouteRef;
    return {
      case: (value: string, ...more: string[]) => {
        const values = [value, ...more];
        return Object.freeze({ ...route(values, false), orOtherwise: () => route(values, true) });
      },
      otherwise: () => route([], true),
    } as unknown as SwitchRoutes<AliasOf<Src>, ValueOf<Src>, CaseKey<AtPointer<ValueOf<Src>, P & string>>>;
  }

  /** A node that runs another flow (registered with the same host) with its input as payload. */
  subflow<
    const A extends string,
    Out,
    const Af extends After | undefined = undefined,
    OS extends AnySchema | undefined = undefined,
  >(
    alias: A,
    flow: SubflowTarget<Out>,
    options: Omit<CommonOptions<NodeInput<Af, undefined>, false, readonly []>, "uses"> & {
      readonly after?: Af;
      readonly output?: OS;
    } = {},
  ): NodeRef<A, OS extends AnySchema ? v.InferOutput<OS> : Out, MaybeOf<Af>> {
    const location = callerLocation();
    if (flow === null || typeof flow !== "object" || typeof flow.id !== "string") {
      throw new DefinitionError("DEF102", `subflow "${alias}" must name a defined flow`, { node: alias }, location);
    }
    this.state.record.subflows.push(flow);
    return this.state.addNode({
      alias,
      kind: "subflow",
      after: listOf(options.after),
      options: options as AnyCommonOptions,
      output: options.output,
      run: undefined,
      subflow: { id: flow.id },
      location,
    }) as NodeRef<A, OS extends AnySchema ? v.InferOutput<OS> : Out, MaybeOf<Af>>;
  }

  /**
   * An edge between two declared nodes, untyped: for graphs that `after` cannot express in
   * declaration order (documents converted from JSON). Prefer `after`.
   */
  edge(from: NodeRef, to: NodeRef, options: EdgeOptions = {}): void {
    const location = callerLocation();
    this.state.resolveAfter(to.alias, [from, to], location);
    this.state.record.edges.push({ from: from.alias, to: to.alias, options, location });
  }

  /** A control surface written as Flow IR (kinds this API has no method for: window, partition, loop). */
  surface(surface: RawSurface): void {
    const location = callerLocation();
    this.state.checkSurfaceId(surface.id, location);
    this.state.record.surfaces.push({
      id: surface.id,
      kind: surface.kind,
      build: () => ({
        targets: surface.targets,
        ...(surface.config === undefined ? { config: undefined } : { config: surface.config }),
      }),
      location,
    });
  }

  private router(
    kind: "if" | "switch",
    id: string,
    source: NodeRef,
    selector: string,
    location: ReturnType<typeof callerLocation>,
  ) {
    this.state.resolveAfter(id, [source], location);
    if (typeof selector !== "string" || (selector !== "" && !selector.startsWith("/"))) {
      throw new DefinitionError(
        "DEF103",
        `${kind} "${id}": selector "${String(selector)}" must be a JSON Pointer ("" or starting with "/")`,
        { surface: id },
        location,
      );
    }
    this.state.addRouter({ kind, id, source: source.alias, pointer: selector, cases: new Map(), location });
  }
}

export type { Checkpoint, Returnable };
