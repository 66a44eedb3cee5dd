import type { Delivery, Ordering } from "@flows/flow-ir";

declare const VALUE: unique symbol;
declare const MAYBE: unique symbol;

/**
 * Something a node can come after: a node, one branch of an if/switch, or either with edge
 * options. `T` is the value delivered along the edge; `Maybe` is true when the edge may carry
 * nothing (a branch not taken, or a node that may itself be skipped).
 */
export interface Upstream<A extends string = string, T = unknown, Maybe extends boolean = boolean> {
  readonly alias: A;
  /** The flow the source belongs to (an edge to another flow's node is refused). */
  readonly flowKey: object;
  readonly [VALUE]?: T;
  readonly [MAYBE]?: Maybe;
}

/** A node of a flow, as later nodes refer to it. */
export interface NodeRef<A extends string = string, T = unknown, Maybe extends boolean = boolean>
  extends Upstream<A, T, Maybe> {
  readonly kind: "node";
}

export interface BufferOptions {
  readonly maxItems?: number;
  readonly onDrop?: string;
  readonly spillThresholdBytes?: number;
  readonly spillTier?: string;
}

export interface EdgeOptions {
  readonly delivery?: Delivery;
  readonly ordering?: Ordering;
  readonly partitionKey?: string;
  /** Budget for the hop (`timeout_ms`). */
  readonly timeoutMs?: number;
  readonly buffer?: BufferOptions;
  /** Extra fields kept on the emitted edge (Flow IR objects are open). */
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** A route out of an if/switch surface: the source's value, delivered only on that branch. */
export interface RouteRef<A extends string = string, T = unknown> extends Upstream<A, T, true> {
  readonly kind: "route";
  readonly surface: string;
  readonly branch: RouteBranch;
}

export type RouteBranch =
  | { readonly kind: "then" }
  | { readonly kind: "else" }
  | { readonly kind: "case"; readonly values: readonly string[]; readonly otherwise: boolean };

/** An upstream with edge options. */
export interface EdgeRef<A extends string = string, T = unknown, Maybe extends boolean = boolean>
  extends Upstream<A, T, Maybe> {
  readonly kind: "edge";
  readonly upstream: NodeRef | RouteRef;
  readonly options: EdgeOptions;
}

export type AnyUpstream = NodeRef | RouteRef | EdgeRef;
export type After = AnyUpstream | readonly AnyUpstream[];

export type ValueOf<U> = U extends Upstream<string, infer T, boolean> ? T : never;
export type AliasOf<U> = U extends Upstream<infer A, unknown, boolean> ? A : never;
export type IsMaybe<U> = U extends Upstream<string, unknown, infer M> ? M : never;

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** Several predecessors: the object the kernel delivers, keyed by alias; skippable ones optional. */
export type KeyedInput<Us extends readonly AnyUpstream[]> = Simplify<
  { [U in Us[number] as true extends IsMaybe<U> ? never : AliasOf<U>]: ValueOf<U> } & {
    [U in Us[number] as true extends IsMaybe<U> ? AliasOf<U> : never]?: ValueOf<U>;
  }
>;

/** What a node placed after `A` receives. */
export type InputOf<A> = A extends readonly [infer Only]
  ? ValueOf<Only>
  : A extends readonly AnyUpstream[]
    ? KeyedInput<A>
    : A extends AnyUpstream
      ? ValueOf<A>
      : undefined;

/** A node is skipped when every predecessor may carry nothing. */
export type MaybeOf<A> = A extends readonly AnyUpstream[]
  ? false extends IsMaybe<A[number]>
    ? false
    : true
  : A extends AnyUpstream
    ? IsMaybe<A>
    : false;

/** What the downstream of a node returning `R` receives: streams arrive collected. */
export type Delivered<R> = Awaited<R> extends AsyncIterable<infer Item> ? Item[] : Awaited<R>;

/** `with edge options`: `edge(price, { timeoutMs: 10_000 })`. */
export function edge<U extends NodeRef | RouteRef>(
  upstream: U,
  options: EdgeOptions,
): EdgeRef<AliasOf<U>, ValueOf<U>, IsMaybe<U>> {
  return Object.freeze({
    kind: "edge",
    alias: upstream.alias,
    flowKey: upstream.flowKey,
    upstream,
    options,
  }) as unknown as EdgeRef<AliasOf<U>, ValueOf<U>, IsMaybe<U>>;
}
