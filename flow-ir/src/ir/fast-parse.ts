import type * as v from "valibot";

/**
 * A fast path for documents that are valid: interprets the same valibot schema objects the
 * validator uses (so there is still one schema), without valibot's per-value datasets and
 * issue bookkeeping, and copies an object only when a default has to be filled in. It answers
 * "valid, here is the output" or "not sure": the caller then runs valibot for the issues.
 */
export type FastParser = (value: unknown) => { ok: true; value: unknown } | { ok: false };

type Step = (value: unknown) => unknown;

/** Returned by a step for a value the schema refuses. */
const INVALID: unique symbol = Symbol("invalid");

interface SchemaLike {
  readonly kind?: string;
  readonly type: string;
  readonly pipe?: readonly SchemaLike[];
  readonly entries?: Record<string, SchemaLike>;
  readonly item?: SchemaLike;
  readonly key?: SchemaLike | string;
  readonly value?: SchemaLike;
  readonly wrapped?: SchemaLike;
  readonly options?: readonly unknown[];
  readonly literal?: unknown;
  readonly default?: unknown;
  readonly requirement?: unknown;
  readonly refusesArrays?: boolean;
}

class Unsupported extends Error {}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object";

function compileAction(action: SchemaLike): ((value: unknown) => boolean) | undefined {
  switch (action.type) {
    case "description":
      return undefined;
    case "integer":
      return (value) => Number.isInteger(value);
    case "min_value": {
      const minimum = action.requirement as number;
      return (value) => (value as number) >= minimum;
    }
    case "min_length": {
      const minimum = action.requirement as number;
      return (value) => (value as { length: number }).length >= minimum;
    }
    case "check": {
      const requirement = action.requirement as (value: unknown) => boolean;
      return (value) => requirement(value);
    }
    default:
      throw new Unsupported(action.type);
  }
}

type Test = (value: unknown) => boolean;

/**
 * For schemas whose output is always their input (strings, numbers, enums, and optional or
 * nullable ones without defaults), a plain test: objects check such members without calling
 * a step and without comparing outputs. Undefined for everything else.
 */
function leafTest(schema: SchemaLike): Test | undefined {
  if (schema.pipe !== undefined) {
    const [root, ...items] = schema.pipe as [SchemaLike, ...SchemaLike[]];
    const base = leafTest(root);
    if (base === undefined || items.some((item) => item.kind === "schema")) return undefined;
    const checks = items.flatMap((item) => {
      const check = compileAction(item);
      return check === undefined ? [] : [check];
    });
    if (checks.length === 0) return base;
    return (value) => base(value) && checks.every((check) => check(value));
  }
  switch (schema.type) {
    case "string":
      return (value) => typeof value === "string";
    case "number":
      return (value) => typeof value === "number" && !Number.isNaN(value);
    case "boolean":
      return (value) => typeof value === "boolean";
    case "unknown":
      return () => true;
    case "picklist": {
      // Enums here have 2–12 options: comparing is cheaper than hashing into a Set.
      const options = [...(schema.options ?? [])];
      return (value) => {
        for (let index = 0; index < options.length; index += 1) if (options[index] === value) return true;
        return false;
      };
    }
    case "literal": {
      const literal = schema.literal;
      return (value) => value === literal;
    }
    case "nullable":
    case "optional": {
      if (schema.default !== undefined) return undefined;
      const inner = leafTest(schema.wrapped as SchemaLike);
      if (inner === undefined) return undefined;
      return schema.type === "nullable"
        ? (value) => value === null || inner(value)
        : (value) => value === undefined || inner(value);
    }
    default:
      return undefined;
  }
}

function compileObject(schema: SchemaLike): Step {
  const entries = Object.entries(schema.entries ?? {}).map(([key, entry]) => {
    const optional = entry.type === "optional";
    return {
      key,
      test: leafTest(entry),
      step: compile(entry),
      optional,
      hasDefault: optional && entry.default !== undefined,
    };
  });
  const refusesArrays = schema.refusesArrays === true;
  return (value) => {
    if (!isObject(value) || (refusesArrays && Array.isArray(value))) return INVALID;
    let copy: Record<string, unknown> | undefined;
    for (let position = 0; position < entries.length; position += 1) {
      const entry = entries[position] as (typeof entries)[number];
      const input = value[entry.key];
      if (entry.test !== undefined) {
        if (!entry.test(input)) return INVALID;
        continue;
      }
      // JSON never holds undefined, so undefined means absent (an own key set to undefined by
      // a JavaScript caller reads the same way valibot reads it).
      const present = input !== undefined;
      if (!present && entry.optional && !entry.hasDefault) continue;
      const output = entry.step(input);
      if (output === INVALID) return INVALID;
      if (output !== input || !present) {
        copy ??= { ...value };
        copy[entry.key] = output;
      }
    }
    return copy ?? value;
  };
}

function compileArray(schema: SchemaLike): Step {
  const item = compile(schema.item as SchemaLike);
  return (value) => {
    if (!Array.isArray(value)) return INVALID;
    let copy: unknown[] | undefined;
    for (let index = 0; index < value.length; index += 1) {
      const input: unknown = value[index];
      const output = item(input);
      if (output === INVALID) return INVALID;
      if (output !== input) {
        copy ??= [...value];
        copy[index] = output;
      }
    }
    return copy ?? value;
  };
}

function compileBase(schema: SchemaLike): Step {
  switch (schema.type) {
    case "loose_object":
      return compileObject(schema);
    case "array":
      return compileArray(schema);
    case "string":
      return (value) => (typeof value === "string" ? value : INVALID);
    case "number":
      return (value) => (typeof value === "number" && !Number.isNaN(value) ? value : INVALID);
    case "boolean":
      return (value) => (typeof value === "boolean" ? value : INVALID);
    case "unknown":
      return (value) => value;
    case "picklist": {
      const options = new Set(schema.options);
      return (value) => (options.has(value) ? value : INVALID);
    }
    case "literal": {
      const literal = schema.literal;
      return (value) => (value === literal ? value : INVALID);
    }
    case "nullable": {
      const wrapped = compile(schema.wrapped as SchemaLike);
      return (value) => (value === null ? null : wrapped(value));
    }
    case "optional": {
      const wrapped = compile(schema.wrapped as SchemaLike);
      const fallback = schema.default;
      if (typeof fallback === "function") throw new Unsupported("computed default");
      // The common defaults ([] and {}) are built directly; anything else is copied as JSON.
      const fresh =
        Array.isArray(fallback) && fallback.length === 0
          ? () => []
          : isObject(fallback) && !Array.isArray(fallback) && Object.keys(fallback).length === 0
            ? () => ({})
            : () => JSON.parse(JSON.stringify(fallback)) as unknown;
      return (value) => {
        if (value !== undefined) return wrapped(value);
        if (fallback === undefined) return undefined;
        // A fresh copy each time: two parsed flows must never share a default array.
        return wrapped(fresh());
      };
    }
    case "record": {
      const keyStep = compile(schema.key as SchemaLike);
      const valueStep = compile(schema.value as SchemaLike);
      const refusesArrays = schema.refusesArrays === true;
      return (value) => {
        if (!isObject(value) || (refusesArrays && Array.isArray(value))) return INVALID;
        let copy: Record<string, unknown> | undefined;
        for (const key of Object.keys(value)) {
          if (keyStep(key) === INVALID) return INVALID;
          const input = value[key];
          const output = valueStep(input);
          if (output === INVALID) return INVALID;
          if (output !== input) {
            copy ??= { ...value };
            copy[key] = output;
          }
        }
        return copy ?? value;
      };
    }
    case "variant": {
      const key = schema.key as string;
      const options = (schema.options as SchemaLike[]).map((option) => ({
        discriminator: compile(option.entries?.[key] as SchemaLike),
        step: compile(option),
      }));
      return (value) => {
        if (!isObject(value)) return INVALID;
        for (const option of options) {
          if (option.discriminator(value[key]) !== INVALID) return option.step(value);
        }
        return INVALID;
      };
    }
    default:
      throw new Unsupported(schema.type);
  }
}

function compile(schema: SchemaLike): Step {
  const test = leafTest(schema);
  if (test !== undefined) return (value) => (test(value) ? value : INVALID);
  if (schema.pipe === undefined) return compileBase(schema);
  const [root, ...items] = schema.pipe as [SchemaLike, ...SchemaLike[]];
  // A pipe runs its items in order: actions check the value, schemas inside it transform it.
  const steps: Step[] = [compileBase(root)];
  for (const item of items) {
    if (item.kind === "schema") {
      steps.push(compile(item));
      continue;
    }
    const check = compileAction(item);
    if (check !== undefined) steps.push((value) => (check(value) ? value : INVALID));
  }
  if (steps.length === 1) return steps[0] as Step;
  return (value) => {
    let current = value;
    for (const step of steps) {
      current = step(current);
      if (current === INVALID) return INVALID;
    }
    return current;
  };
}

/** Builds the fast path for a schema, or undefined when it uses something the fast path does not know. */
export function createFastParser(schema: v.GenericSchema): FastParser | undefined {
  let step: Step;
  try {
    step = compile(schema as unknown as SchemaLike);
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
  return (value) => {
    const output = step(value);
    return output === INVALID ? { ok: false } : { ok: true, value: output };
  };
}
