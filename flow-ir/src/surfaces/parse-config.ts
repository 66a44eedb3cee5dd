import * as v from "valibot";
import { createFastParser, type FastParser } from "../ir/fast-parse";
import { encodePointer } from "../json/pointer";

/** A problem with a surface config, at a JSON Pointer relative to the `config` value. */
export interface ConfigProblem {
  readonly message: string;
  readonly path: string;
}

export type ConfigResult<T> = { ok: true; config: T } | { ok: false; problems: ConfigProblem[] };

type ConfigSchema = v.GenericSchema<unknown, unknown>;

function describe(issue: v.BaseIssue<unknown>): string {
  const last = issue.path?.[issue.path.length - 1]?.key;
  if (issue.input === undefined && last !== undefined) return `"${String(last)}" is required`;
  return issue.message;
}

const fastParsers = new WeakMap<ConfigSchema, FastParser | null>();

/** Parses a surface's `config`, collecting every problem instead of throwing. */
export function parseConfig<S extends ConfigSchema>(schema: S, config: unknown): ConfigResult<v.InferOutput<S>> {
  if (config === null || typeof config !== "object" || Array.isArray(config)) {
    return { ok: false, problems: [{ message: "config must be a JSON object", path: "" }] };
  }
  // Flows with thousands of surfaces: valid configs take the fast path, problems go to valibot.
  let fast = fastParsers.get(schema);
  if (fast === undefined) {
    fast = createFastParser(schema) ?? null;
    fastParsers.set(schema, fast);
  }
  const quick = fast?.(config);
  if (quick?.ok) return { ok: true, config: quick.value as v.InferOutput<S> };
  const result = v.safeParse(schema, config, { abortEarly: false });
  if (result.success) return { ok: true, config: result.output };
  return {
    ok: false,
    problems: result.issues.map((issue) => ({
      message: describe(issue),
      path: encodePointer((issue.path ?? []).map((item) => item.key as string | number)),
    })),
  };
}

export const alias = (what: string) =>
  v.pipe(v.string(`${what} must be a node alias (string)`), v.minLength(1, `${what} must not be empty`));

export const positiveInteger = (what: string) =>
  v.pipe(
    v.number(`${what} must be a number`),
    v.integer(`${what} must be a whole number`),
    v.minValue(1, `${what} must be at least 1`),
  );

export const nonNegativeInteger = (what: string) =>
  v.pipe(
    v.number(`${what} must be a number`),
    v.integer(`${what} must be a whole number`),
    v.minValue(0, `${what} must not be negative`),
  );

export const jsonPointer = (what: string) =>
  v.pipe(
    v.string(`${what} must be a JSON Pointer string`),
    v.check((pointer) => pointer === "" || pointer.startsWith("/"), `${what} must be "" or start with "/"`),
  );

/** Lattice requires `"v": 1`; other versions would mean a config shape nobody defined. */
export const version = v.literal(1, '"v" must be 1 (the only config version defined)');
