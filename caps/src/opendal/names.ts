import { createHash } from "node:crypto";

// Longest file name we produce; ext4 and most file systems stop at 255 bytes.
const MAX_NAME = 200;

/**
 * Maps any key to one file name that stays inside its folder: percent-encoded, with "." and
 * "~" encoded too, so a name is never "." or "..", never holds "/", and never contains a dot
 * (the ".key" suffix below is therefore unambiguous). Keys whose encoding is too long for a
 * file name become "~" and their SHA-256, with the key kept in a "<name>.key" sidecar.
 */
export function fileNameFor(key: string): { name: string; hashed: boolean } {
  const encoded = encodeURIComponent(key).replaceAll(".", "%2E").replaceAll("~", "%7E");
  if (encoded.length <= MAX_NAME) return { name: encoded, hashed: false };
  return { name: `~${createHash("sha256").update(key).digest("hex")}`, hashed: true };
}

/** The key a plain (not hashed) file name stands for. */
export function keyForFileName(name: string): string {
  return decodeURIComponent(name);
}

export const SIDECAR_SUFFIX = ".key";

/** A folder path made of encoded segments, ending in "/". */
export function folderFor(...segments: readonly string[]): string {
  return `${segments.map((segment) => fileNameFor(segment).name).join("/")}/`;
}
