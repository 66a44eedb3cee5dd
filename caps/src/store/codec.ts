import { CapError } from "../errors";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** JSON values as stored bytes. */
export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

export function decodeJson<T>(bytes: Uint8Array): T {
  return JSON.parse(decoder.decode(bytes)) as T;
}

export function encodeText(text: string): Uint8Array {
  return encoder.encode(text);
}

export function decodeText(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/**
 * A JSON header and raw bytes in one value, so a record and its payload are written in one
 * call: 4 bytes of header length (big-endian), the header's JSON, then the payload.
 */
export function encodeEnvelope(header: unknown, payload: Uint8Array): Uint8Array {
  const head = encoder.encode(JSON.stringify(header));
  const out = new Uint8Array(4 + head.length + payload.length);
  new DataView(out.buffer).setUint32(0, head.length);
  out.set(head, 4);
  out.set(payload, 4 + head.length);
  return out;
}

/**
 * Records are written whole (OpenDAL fs renames them into place), so a short or unparsable one
 * was damaged from outside: CAP422, never a value read as missing or as something else.
 */
export function decodeEnvelope<H>(bytes: Uint8Array): { header: H; payload: Uint8Array } {
  const length =
    bytes.byteLength >= 4 ? new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0) : -1;
  if (length < 0 || 4 + length > bytes.byteLength) throw damaged(bytes.byteLength);
  let header: H;
  try {
    header = JSON.parse(decoder.decode(bytes.subarray(4, 4 + length))) as H;
  } catch {
    throw damaged(bytes.byteLength);
  }
  return { header, payload: bytes.subarray(4 + length) };
}

const damaged = (size: number) =>
  new CapError(
    "CAP422",
    `a stored record is damaged (${size === 0 ? "empty" : `${size} bytes, cut short`}); restore it or delete its key`,
    { bytes: size },
  );
