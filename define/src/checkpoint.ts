import type * as v from "valibot";
import type { AnySchema } from "./ports";

declare const RESUME: unique symbol;
declare const DETAILS: unique symbol;

export interface CheckpointOptions {
  readonly summary?: string;
  /** Schema of the payload a resume must carry; `ctx.halt()` resolves with its output. */
  readonly resume?: AnySchema;
  /** Schema of the details a node passes to `ctx.halt()` for whoever decides. */
  readonly details?: AnySchema;
}

/** A checkpoint declared on a flow: the value `ctx.halt()` takes. */
export interface Checkpoint<Id extends string = string, Resume = unknown, Details = unknown> {
  readonly kind: "checkpoint";
  readonly id: Id;
  readonly summary?: string;
  readonly flowKey: object;
  readonly resumeSchema?: AnySchema;
  readonly [RESUME]?: Resume;
  readonly [DETAILS]?: Details;
}

type SchemaValue<S, Fallback> = S extends AnySchema ? v.InferOutput<S> : Fallback;
type SchemaInput<S, Fallback> = S extends AnySchema ? v.InferInput<S> : Fallback;

export type CheckpointsOf<S> = {
  readonly [K in keyof S & string]: Checkpoint<
    K,
    SchemaValue<S[K] extends { readonly resume: infer R } ? R : undefined, unknown>,
    SchemaInput<S[K] extends { readonly details: infer D } ? D : undefined, unknown>
  >;
};

export type ResumeOf<C> = C extends Checkpoint<string, infer R, unknown> ? R : never;
export type DetailsOf<C> = C extends Checkpoint<string, unknown, infer D> ? D : never;
