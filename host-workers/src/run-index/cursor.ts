import { fromBase64Url, toBase64Url } from "../base64url";

/**
 * The opaque `next_cursor` of `GET /runs`: where the previous page stopped, as base64url JSON
 * of (started_at, run_id). The next page holds runs strictly older in (started_at, run_id) order,
 * so a run is never listed twice, whatever started in between.
 */
export interface Position {
  readonly started_at: number;
  readonly run_id: string;
}

export function encodeCursor(position: Position): string {
  return toBase64Url(new TextEncoder().encode(JSON.stringify({ v: 1, s: position.started_at, r: position.run_id })));
}

/** The position in a cursor this API gave, or undefined for anything else. */
export function decodeCursor(cursor: string): Position | undefined {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) return undefined;
  const bytes = fromBase64Url(cursor);
  if (bytes === undefined) return undefined;
  try {
    const value = JSON.parse(new TextDecoder().decode(bytes)) as { v?: unknown; s?: unknown; r?: unknown };
    if (value.v !== 1 || !Number.isSafeInteger(value.s) || typeof value.r !== "string") return undefined;
    return { started_at: value.s as number, run_id: value.r };
  } catch {
    return undefined;
  }
}
