/** Depth guard for recursive types over user data. */
type Depth = [never, 0, 1, 2, 3, 4];

type Scalar = string | number | boolean | bigint | null | undefined;

/** JSON Pointers into values of type `T` (`""` is the whole value), up to five levels deep. */
export type PointerOf<T, D extends number = 5> = [D] extends [never]
  ? never
  : unknown extends T
    ? string
    : T extends Scalar
      ? ""
      : T extends readonly (infer E)[]
        ? "" | `/${number}${PointerOf<E, Depth[D]>}`
        : T extends object
          ? "" | { [K in keyof T & string]-?: `/${K}${PointerOf<NonNullable<T[K]>, Depth[D]>}` }[keyof T & string]
          : "";

/** The value at pointer `P` in `T`. */
export type AtPointer<T, P extends string> = P extends ""
  ? T
  : P extends `/${infer Head}/${infer Rest}`
    ? AtPointer<Step<T, Head>, `/${Rest}`>
    : P extends `/${infer Head}`
      ? Step<T, Head>
      : never;

type Step<T, K extends string> = unknown extends T
  ? unknown
  : NonNullable<T> extends readonly (infer E)[]
    ? E
    : K extends keyof NonNullable<T>
      ? NonNullable<T>[K]
      : never;

/**
 * The case keys a selected value can produce, as the kernel compares them: strings as they
 * are, other scalars as JSON. A wide `string` accepts any key.
 */
export type CaseKey<V> = unknown extends V
  ? string
  : V extends string
    ? V
    : V extends number | boolean | null
      ? `${V}`
      : V extends undefined
        ? "null"
        : never;

/** Fields of `T` that hold a scalar: what an idempotency key may name. */
export type ScalarField<T> = T extends object
  ? { [K in keyof T & string]-?: NonNullable<T[K]> extends string | number | boolean | bigint ? K : never }[keyof T &
      string]
  : never;

/**
 * Fields an idempotency key may name: the input's scalar fields, or with several predecessors
 * (a keyed input) the scalar fields of any of their values, which is where the kernel looks.
 */
export type KeyField<In, Keyed extends boolean> = unknown extends In
  ? string
  : Keyed extends true
    ? { [K in keyof In]-?: ScalarField<NonNullable<In[K]>> }[keyof In]
    : ScalarField<In>;

export type ArrayItem<T> = NonNullable<T> extends readonly (infer E)[] ? E : never;
