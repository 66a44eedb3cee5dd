import { CapError } from "@flows/caps";
import { base64ToBytes, bytesToBase64 } from "@flows/caps/bus";

/** KV values on the bus: JSON values as they are, bytes as base64 (KV values fit in a frame). */
export function toWire(value: unknown): unknown {
  if (value instanceof Uint8Array) return { base64: bytesToBase64(value) };
  return { json: value ?? null };
}

export function fromWire(wire: unknown): unknown {
  const value = wire as { base64?: string; json?: unknown } | null;
  if (value !== null && typeof value === "object" && typeof value.base64 === "string") {
    const bytes = base64ToBytes(value.base64);
    if (bytes === undefined) throw new CapError("CAP400", "a KV value's bytes must be base64 text", {});
    return bytes;
  }
  return value?.json ?? null;
}
