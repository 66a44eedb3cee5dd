import { createHash } from "node:crypto";

// Longest file name we produce; ext4 and most file systems stop at 255 bytes.
const MAX_NAME = 200;

/**
 * Characters encodeURIComponent keeps as they are, minus "." and "~": A–Z, a–z, 0–9 and
 * - _ ! * ' ( ). A key made only of them is its own file name, and the scan is much cheaper
 * than encoding (every local read and write names a file).
 */
const PLAIN = new Uint8Array(128);
for (const char of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_!*'()")
  PLAIN[char.charCodeAt(0)] = 1;

function isPlain(key: string): boolean {
  for (let index = 0; index < key.length; index += 1) {
    const unit = key.charCodeAt(index);
    if (unit >= 128 || PLAIN[unit] === 0) return false;
  }
  return true;
}

/**
 * Maps any key to one file name that stays inside its folder: percent-encoded, with "." and
 * "~" encoded too, so a name is never "." or "..", never holds "/", and never contains a dot
 * (the ".key" suffix below is therefore unambiguous). Keys whose encoding is too long for a
 * file name become "~" and their SHA-256, with the key kept in a "<name>.key" sidecar.
 */
export function fileNameFor(key: string): { name: string; hashed: boolean } {
  const encoded = isPlain(key) ? key : encodeURIComponent(key).replaceAll(".", "%2E").replaceAll("~", "%7E");
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
