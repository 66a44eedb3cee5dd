import type { SchemaRef } from "@flows/flow-ir";
import { toJsonSchema } from "@valibot/to-json-schema";
import type * as v from "valibot";

export type AnySchema = v.GenericSchema;
export type JsonSchema = Readonly<Record<string, unknown>>;

export interface Port {
  readonly ref: SchemaRef;
  /** The port's JSON Schema, when it has a schema. */
  readonly jsonSchema?: JsonSchema;
}

export const OPAQUE: Port = Object.freeze({ ref: Object.freeze({ kind: "opaque" }) as SchemaRef });

const cache = new WeakMap<AnySchema, Port>();

/**
 * A port from a valibot schema: its JSON Schema through `@valibot/to-json-schema`, named by the
 * schema's title (`v.pipe(schema, v.title("Order"))`), so the validator's DAG201 compares the
 * types two nodes agree on. An untitled schema is an opaque port: there is no name to compare.
 */
export function portOf(schema: AnySchema | undefined): Port {
  if (schema === undefined) return OPAQUE;
  const known = cache.get(schema);
  if (known !== undefined) return known;
  const jsonSchema = toJsonSchema(schema, { target: "draft-2020-12", errorMode: "ignore" }) as JsonSchema;
  const title = jsonSchema.title;
  const port: Port =
    typeof title === "string" && title !== ""
      ? { ref: { kind: "named", name: title } as SchemaRef, jsonSchema }
      : { ref: OPAQUE.ref, jsonSchema };
  cache.set(schema, port);
  return port;
}

/** A port named `name` without a schema (documents converted from JSON keep their names). */
export function namedPort(name: string): Port {
  return { ref: { kind: "named", name } as SchemaRef };
}
