/** KV values on the bus: JSON values as they are, bytes as base64 (KV values fit in a frame). */
export function toWire(value: unknown): unknown {
  if (value instanceof Uint8Array) {
    let binary = "";
    for (const byte of value) binary += String.fromCharCode(byte);
    return { base64: btoa(binary) };
  }
  return { json: value ?? null };
}

export function fromWire(wire: unknown): unknown {
  const value = wire as { base64?: string; json?: unknown } | null;
  if (value !== null && typeof value === "object" && typeof value.base64 === "string") {
    const binary = atob(value.base64);
    const bytes = new Uint8Array(binary.length);
    for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
    return bytes;
  }
  return value?.json ?? null;
}
