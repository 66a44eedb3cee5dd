import type { Determinism, Effects, IdempotencyScope, NodeKind } from "@flows/flow-ir";
import type * as v from "valibot";
import type { FlowContext } from "./context";
import type { KeyField } from "./paths";
import type { AnySchema } from "./ports";
import type { After, AnyUpstream, Delivered, InputOf } from "./refs";
import type { AnyUse } from "./use";

/** How failures of a node are handled (an `error_handler` surface). */
export type ErrorHandling =
  | "fail"
  | "continue"
  | {
      readonly strategy: "retry";
      readonly maxRetries?: number;
      readonly backoffMs?: number;
      readonly maxBackoffMs?: number;
      readonly jitter?: boolean;
      /** Surface id; default `<alias>_retry`. */
      readonly id?: string;
    }
  | { readonly strategy: "fail" | "continue"; readonly id?: string };

export interface IdempotencyOptions<Field extends string> {
  /** Input field(s) whose values make the key (joined by ":"), checked against the input type. */
  readonly key: Field | readonly [Field, ...Field[]];
  readonly scope?: IdempotencyScope;
  readonly ttlMs?: number;
}

export interface SurfaceOption {
  readonly id?: string;
}

/** Options every node kind shares: identity, claims, surfaces on the node. */
export interface CommonOptions<In, Keyed extends boolean, U extends readonly AnyUse[]> {
  /** Display name; default: the alias in PascalCase. */
  readonly name?: string;
  readonly summary?: string;
  /** Implementation identifier; default `<namespace>::<alias>`. */
  readonly identifier?: string;
  /** Node id; default `<flow id>::<alias>`. */
  readonly id?: string;
  /** Capabilities the node uses, with their accesses: `[use(kvCapability, "read")]`. */
  readonly uses?: U;
  /** Hints of platform resources that are no capability (`resource::http::write`, `resource::clock`). */
  readonly hints?: readonly string[];
  /** A weaker claim than the derived one; a stronger one fails validation (EFFECT201 / DET302). */
  readonly effects?: Effects;
  readonly determinism?: Determinism;
  /** Exact hint lists, replacing the derived ones (documents converted from JSON keep theirs). */
  readonly effectHints?: readonly string[];
  readonly determinismHints?: readonly string[];
  readonly idempotency?: IdempotencyOptions<KeyField<In, Keyed> & string>;
  /** Per-attempt budget in ms (a `timeout` surface). */
  readonly timeout?: number | { readonly ms: number; readonly id?: string };
  readonly onError?: ErrorHandling;
  /** Token bucket on the node's starts (a `rate_limit` surface). */
  readonly rateLimit?: { readonly qps: number; readonly burst: number; readonly id?: string };
  /**
   * Port names without schemas (`null`: opaque), replacing what the schemas or predecessors
   * would give; documents converted from JSON keep theirs this way.
   */
  readonly ports?: { readonly in?: string | null; readonly out?: string | null };
  /** Extra fields kept on the emitted node (Flow IR objects are open). */
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** The options as the builder records them, whatever the node's input type. */
export type AnyCommonOptions = Omit<CommonOptions<unknown, boolean, readonly AnyUse[]>, "idempotency"> & {
  readonly idempotency?: IdempotencyOptions<string>;
};

export type Returnable<T> = T | Promise<T> | AsyncIterable<T>;

type IsKeyed<Af> = Af extends readonly [AnyUpstream, AnyUpstream, ...AnyUpstream[]] ? true : false;

export type NodeInput<Af, IS> = IS extends AnySchema ? v.InferOutput<IS> : InputOf<Af>;

export interface NodeOptions<Af, IS, OS, U extends readonly AnyUse[], Cps, R>
  extends CommonOptions<NodeInput<Af, IS>, IsKeyed<Af>, U> {
  /** The predecessors: one upstream, or several (the input is then keyed by their aliases). */
  readonly after?: Af;
  /** "subflow" names another flow by `identifier` (prefer `f.subflow`, which checks it). */
  readonly kind?: Extract<NodeKind, "inline" | "activity" | "subflow">;
  /** Input schema: the predecessors' output must be accepted by it (checked at compile time). */
  readonly input?: IS;
  /** Output schema: its title names the port; `run` must return what it accepts. */
  readonly output?: OS;
  readonly run?: (input: NodeInput<Af, IS>, ctx: FlowContext<U, Cps>) => ReturnFor<OS, R>;
}

export type WiringError<Got, Want> = {
  readonly "the predecessors deliver a value the node's input schema does not accept": { got: Got; want: Want };
};

/** A node with an input schema must accept what its predecessors deliver. */
export type WiringCheck<Af, IS> = IS extends AnySchema
  ? [InputOf<Af>] extends [v.InferInput<IS>]
    ? unknown
    : { readonly after: WiringError<InputOf<Af>, v.InferInput<IS>> }
  : unknown;

/**
 * What `run` must return: with an output schema, what the schema accepts (a mismatch is an
 * error at the return); without one, whatever it returns is the node's output type.
 */
export type ReturnFor<OS, R> = OS extends AnySchema ? Returnable<v.InferInput<OS>> : R;

/** What successors receive: the output schema's value, or what `run` returns; `null` after "continue". */
export type OutputOf<OS, R, E> =
  | (OS extends AnySchema
      ? Awaited<R> extends AsyncIterable<unknown>
        ? v.InferOutput<OS>[]
        : v.InferOutput<OS>
      : Delivered<R>)
  | (E extends "continue" | { readonly strategy: "continue" } ? null : never);

export type { After };
