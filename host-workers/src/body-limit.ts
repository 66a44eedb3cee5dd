import { errorResponse } from "./envelope";

/**
 * The largest request body the Worker reads by default. A run's payload is journaled in one
 * SQLite row of its Durable Object, and rows stop at 2 MB (SQLITE_TOOBIG); 1 MiB leaves room
 * for the rest of the entry.
 */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

const tooLarge = (limit: number) =>
  errorResponse(
    {
      code: "BODY413",
      message: `the request body is larger than the limit of ${limit} bytes (maxBodyBytes); send a smaller payload, or store large data in R2 and send its key`,
      details: { limit_bytes: limit },
    },
    413,
  );

/**
 * The body as text, or 413 BODY413 once it passes `limit` bytes: refused from Content-Length
 * before reading when the client declares it, otherwise counted while streaming and cut off.
 */
export async function readBodyText(
  request: Request,
  limit: number,
): Promise<{ ok: true; text: string } | { ok: false; response: Response }> {
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) return { ok: false, response: tooLarge(limit) };
  if (request.body === null) return { ok: true, text: "" };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return { ok: false, response: tooLarge(limit) };
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, text: new TextDecoder().decode(bytes) };
}
