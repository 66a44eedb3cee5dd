import type { BlobObject, R2Api } from "@flows/cap-r2";

/**
 * Uploads `body` under `key` unless an object is already there, and returns the stored one. A
 * node that runs again for the same run (its process was killed after the upload, before the
 * node's output was journaled) finds its object and uploads nothing: the key names the run and
 * the node, and R2's `etagDoesNotMatch: "*"` refuses a second writer racing the first.
 */
export async function putOnce(
  r2: Pick<R2Api, "head" | "put">,
  key: string,
  body: Uint8Array,
  options: { readonly contentType: string; readonly customMetadata: Readonly<Record<string, string>> },
): Promise<BlobObject> {
  const known = await r2.head(key);
  if (known !== null) return known;
  const written = await r2.put(key, body, { ...options, onlyIf: { etagDoesNotMatch: "*" } });
  if (written !== null) return written;
  // Refused: another attempt wrote it between our two calls, and its object stands.
  const stored = await r2.head(key);
  if (stored === null) {
    throw Object.assign(new Error(`R2 refused the upload of ${key} yet has no object there`), {
      code: "TASK503",
      retryable: true,
    });
  }
  return stored;
}
