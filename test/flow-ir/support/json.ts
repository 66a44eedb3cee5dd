/** JSON values as generators build them (structuredClone-able, no undefined). */
export type Json = null | boolean | number | string | Json[] | JsonObject;
export type JsonObject = { [key: string]: Json };
export type Segment = string | number;

export const isJsonObject = (value: Json | undefined): value is JsonObject =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/** The value at `path`, or undefined when some step is missing. */
export function valueAt(root: Json, path: readonly Segment[]): Json | undefined {
  let current: Json | undefined = root;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === "number") current = current[segment];
    else if (isJsonObject(current) && typeof segment === "string") current = current[segment];
    else return undefined;
  }
  return current;
}
