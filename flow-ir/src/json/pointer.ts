/** RFC 6901 JSON Pointers: the `path` of every diagnostic. */

export function encodePointer(segments: readonly (string | number)[]): string {
  let out = "";
  for (const segment of segments) {
    out += `/${String(segment).replaceAll("~", "~0").replaceAll("/", "~1")}`;
  }
  return out;
}

export function decodePointer(pointer: string): string[] | undefined {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) return undefined;
  return pointer
    .slice(1)
    .split("/")
    .map((segment) => segment.replaceAll("~1", "/").replaceAll("~0", "~"));
}

const hasOwn = (value: object, key: string) => Object.hasOwn(value, key);

/** The value a pointer designates, or `{ found: false }` when it does not resolve. */
export function resolvePointer(document: unknown, pointer: string): { found: true; value: unknown } | { found: false } {
  const segments = decodePointer(pointer);
  if (segments === undefined) return { found: false };
  let current: unknown = document;
  for (const segment of segments) {
    if (Array.isArray(current)) {
      if (!/^(0|[1-9][0-9]*)$/.test(segment)) return { found: false };
      const index = Number(segment);
      if (index >= current.length) return { found: false };
      current = current[index];
    } else if (current !== null && typeof current === "object" && hasOwn(current, segment)) {
      current = (current as Record<string, unknown>)[segment];
    } else {
      return { found: false };
    }
  }
  return { found: true, value: current };
}
