import { CapError } from "@flows/caps";
import type { BlobRange, BlobRangeRequest } from "./api";

/**
 * The bytes a range request selects from an object of `size` bytes, as R2 serves them: a
 * length past the end is cut short, a suffix longer than the object is the whole object, and
 * a range that starts at or past the end (or asks for no bytes) is refused with CAP416.
 */
export function resolveRange(key: string, range: BlobRangeRequest | undefined, size: number): BlobRange {
  if (range === undefined) return { offset: 0, length: size };
  if ("suffix" in range) {
    const length = Math.min(range.suffix, size);
    if (length > 0) return { offset: size - length, length };
  } else if (range.offset < size && range.length !== 0) {
    return { offset: range.offset, length: Math.min(range.length ?? size - range.offset, size - range.offset) };
  }
  throw new CapError("CAP416", `the requested range of "${key}" is not satisfiable (the object has ${size} bytes)`, {
    key,
    size,
    range,
  });
}
