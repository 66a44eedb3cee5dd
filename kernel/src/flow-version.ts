/**
 * A flow document's content hash: 64 bits of FNV-1a over its JSON with keys sorted, as 16 hex
 * digits. It tells versions of one flow apart (a run is pinned to the one it started on); it is
 * not a security boundary. Pure JavaScript: the kernel runs where node:crypto does not.
 */
export function flowVersion(document: unknown): string {
  const text = canonicalJson(document);
  // Two 32-bit FNV-1a lanes with different offsets stand in for one 64-bit hash.
  let a = 0x811c9dc5;
  let b = 0xcbf29ce4;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x01000193) ^ (a >>> 13);
  }
  return (a >>> 0).toString(16).padStart(8, "0") + (b >>> 0).toString(16).padStart(8, "0");
}

function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(",")}}`;
}
