/**
 * Bytes in a JSON frame travel as base64. Runtimes that have a native codec (Node's and
 * workerd's Buffer) use it; elsewhere btoa/atob in slices, so a chunk of a few hundred KiB
 * never builds one argument list or string per byte.
 */
interface NativeCodec {
  from(value: string, encoding: "base64"): Uint8Array;
  from(value: Uint8Array | ArrayBufferLike, offset?: number, length?: number): { toString(encoding: "base64"): string };
}

const native = (globalThis as { Buffer?: NativeCodec }).Buffer;
const SLICE = 0x2000;

/** The portable codec, for runtimes without Buffer (exported for its tests). */
export const portableBase64 = {
  encode(bytes: Uint8Array): string {
    let binary = "";
    for (let offset = 0; offset < bytes.length; offset += SLICE) {
      binary += String.fromCharCode(...bytes.subarray(offset, offset + SLICE));
    }
    return btoa(binary);
  },
  /** Undefined when the text is not base64 (atob refuses it). */
  decode(text: string): Uint8Array | undefined {
    let binary: string;
    try {
      binary = atob(text);
    } catch {
      return undefined;
    }
    const bytes = new Uint8Array(binary.length);
    for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
    return bytes;
  },
};

export function bytesToBase64(bytes: Uint8Array): string {
  if (native === undefined) return portableBase64.encode(bytes);
  return native.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

/** Decodes base64, or returns undefined when the text is not base64 (so callers answer with a code). */
export function base64ToBytes(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0) return undefined;
  if (native === undefined) return portableBase64.decode(text);
  // Buffer also reads the URL-safe alphabet, which atob (and so the portable path) refuses.
  if (text.includes("-") || text.includes("_")) return undefined;
  const decoded = native.from(text, "base64");
  // Buffer skips what is not base64 instead of refusing it: a short result gives it away, since
  // every one of the text's characters but the padding carries six bits.
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  if (decoded.byteLength !== (text.length / 4) * 3 - padding) return undefined;
  // Small results sit in a shared pool: copy them, so `.buffer` holds these bytes and no others.
  return decoded.byteOffset === 0 && decoded.buffer.byteLength === decoded.byteLength
    ? new Uint8Array(decoded.buffer, 0, decoded.byteLength)
    : new Uint8Array(decoded);
}
