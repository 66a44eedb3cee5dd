export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * JSON text with object keys sorted, so two equal values always compare equal as text
 * (compare-and-set compares stored state with an expected value this way).
 */
export function canonicalJson(value: unknown): string {
  // Primitives have one spelling; only objects need their keys sorted (and the slower replacer).
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner === null || typeof inner !== "object" || Array.isArray(inner)) return inner;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(inner).sort()) sorted[key] = (inner as Record<string, unknown>)[key];
    return sorted;
  });
}
