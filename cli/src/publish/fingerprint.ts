import { createHash } from "node:crypto";

/**
 * sha256 over named parts, each framed by its name and length so no two different sets of
 * parts hash alike. The parts: the flows' IR, the bundled code, the lock file.
 */
export function fingerprint(parts: Readonly<Record<string, string | Uint8Array>>): string {
  const hash = createHash("sha256");
  for (const name of Object.keys(parts).sort()) {
    const value = parts[name] ?? "";
    const bytes = typeof value === "string" ? Buffer.from(value, "utf8") : value;
    hash.update(`${name}\n${bytes.byteLength}\n`);
    hash.update(bytes);
  }
  return hash.digest("hex");
}

export const sha256 = (bytes: string | Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** The short form used as the Worker version tag and the image tag. */
export const shortFingerprint = (full: string) => full.slice(0, 12);
