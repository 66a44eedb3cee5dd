import type { GenericSchema } from "valibot";
import type { Diagnostic } from "../diagnostics/diagnostic";
import { encodePointer } from "../json/pointer";
import { closest } from "../suggest/closest";

/** The parts of a valibot schema that say which keys an object value may have. */
interface SchemaShape {
  readonly type: string;
  readonly wrapped?: unknown;
  readonly entries?: Readonly<Record<string, unknown>>;
  readonly value?: unknown;
  readonly item?: unknown;
  readonly options?: readonly unknown[];
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

const shapeOf = (schema: unknown): SchemaShape | undefined =>
  isRecord(schema) && typeof schema.type === "string" ? (schema as unknown as SchemaShape) : undefined;

function walk(schema: unknown, value: unknown, at: readonly string[], found: Diagnostic[]): void {
  const shape = shapeOf(schema);
  if (shape === undefined) return;
  if (shape.wrapped !== undefined) {
    walk(shape.wrapped, value, at, found);
  } else if (shape.entries !== undefined && isRecord(value)) {
    const known = Object.keys(shape.entries);
    for (const [key, child] of Object.entries(value)) {
      if (Object.hasOwn(shape.entries, key)) {
        walk(shape.entries[key], child, [...at, key], found);
        continue;
      }
      const meant = closest(key, known);
      const path = encodePointer([...at, key]);
      found.push({
        code: "MANIFEST004",
        severity: "warning",
        message: `${path}: unknown key "${key}" is ignored; ${meant === undefined ? `known here: ${known.join(", ")}` : `did you mean "${meant}"?`}`,
        path,
      });
    }
  } else if (shape.type === "record" && isRecord(value)) {
    for (const [key, child] of Object.entries(value)) walk(shape.value, child, [...at, key], found);
  } else if (shape.type === "array" && Array.isArray(value)) {
    value.forEach((child, index) => {
      walk(shape.item, child, [...at, String(index)], found);
    });
  } else if (shape.type === "union" && isRecord(value)) {
    const objectOption = shape.options?.find((option) => shapeOf(option)?.entries !== undefined);
    walk(objectOption, value, at, found);
  }
}

/**
 * MANIFEST004 warnings: keys the schema does not define, at any depth it describes. The schema
 * keeps unknown keys (a newer manifest must still load), so a misspelt one would otherwise be
 * ignored without a word; the warning names the key it most likely meant.
 */
export function unknownKeyWarnings(schema: GenericSchema, value: unknown): Diagnostic[] {
  const found: Diagnostic[] = [];
  walk(schema, value, [], found);
  return found;
}
