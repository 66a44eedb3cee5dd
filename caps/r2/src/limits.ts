import { CapError, checkKey, type KeyRule, utf8Length } from "@flows/caps";
import type { BlobConditions, BlobPutOptions, BlobRangeRequest, MultipartOptions } from "./api";

/** R2's documented limits; every provider enforces them so flows meet them locally first. */
export const R2_LIMITS = {
  keyBytes: 1024,
  customMetadataBytes: 2048,
  listLimit: 1000,
  minPartBytes: 5 * 1024 * 1024,
  maxParts: 10_000,
} as const;

export const R2_KEY: KeyRule = { what: "object key", maxBytes: R2_LIMITS.keyBytes, pathLike: true };

export const checkObjectKey = (key: unknown): string => checkKey(key, R2_KEY);

const isCount = (value: unknown): value is number => typeof value === "number" && Number.isInteger(value) && value >= 0;

export function checkRange(range: unknown): BlobRangeRequest | undefined {
  if (range === undefined) return undefined;
  const candidate = range as { offset?: unknown; length?: unknown; suffix?: unknown };
  if ("suffix" in candidate && isCount(candidate.suffix) && candidate.suffix > 0) return { suffix: candidate.suffix };
  if (isCount(candidate.offset) && (candidate.length === undefined || isCount(candidate.length))) {
    return candidate.length === undefined
      ? { offset: candidate.offset }
      : { offset: candidate.offset, length: candidate.length };
  }
  throw new CapError("CAP400", "range must be { offset, length? } or { suffix } with whole, non-negative numbers", {
    range,
  });
}

/** R2 refuses quoted etags in conditions; accept both and pass the bare form. */
const bare = (etag: string) =>
  etag.length >= 2 && etag.startsWith('"') && etag.endsWith('"') ? etag.slice(1, -1) : etag;

export function checkConditions(onlyIf: BlobConditions | undefined): BlobConditions | undefined {
  if (onlyIf === undefined) return undefined;
  const out: { etagMatches?: string; etagDoesNotMatch?: string } = {};
  for (const field of ["etagMatches", "etagDoesNotMatch"] as const) {
    const value = onlyIf[field];
    if (value === undefined) continue;
    if (typeof value !== "string" || value === "") {
      throw new CapError("CAP400", `onlyIf.${field} must be an etag or "*"`, { [field]: value });
    }
    out[field] = bare(value);
  }
  return out;
}

export function checkMetadata(key: string, options: MultipartOptions): void {
  if (options.contentType !== undefined && typeof options.contentType !== "string") {
    throw new CapError("CAP400", `contentType for "${key}" must be a string`, { key });
  }
  const metadata = options.customMetadata;
  if (metadata === undefined) return;
  let bytes = 0;
  for (const [name, value] of Object.entries(metadata)) {
    if (typeof value !== "string") {
      throw new CapError("CAP400", `customMetadata.${name} for "${key}" must be a string`, { key, name });
    }
    bytes += utf8Length(name) + utf8Length(value);
  }
  if (bytes > R2_LIMITS.customMetadataBytes) {
    throw new CapError(
      "CAP413",
      `customMetadata for "${key}" is ${bytes} bytes; the limit is ${R2_LIMITS.customMetadataBytes}`,
      { key, bytes, limit: R2_LIMITS.customMetadataBytes },
    );
  }
}

export function checkPutOptions(key: string, options: BlobPutOptions): BlobPutOptions {
  checkMetadata(key, options);
  if (options.size !== undefined && !isCount(options.size)) {
    throw new CapError("CAP400", `size for "${key}" must be a whole, non-negative number of bytes`, { key });
  }
  const onlyIf = checkConditions(options.onlyIf);
  return onlyIf === undefined ? options : { ...options, onlyIf };
}

export function checkValue(key: string, value: unknown): void {
  if (typeof value === "string" || value instanceof Uint8Array || value instanceof ArrayBuffer) return;
  if (
    value !== null &&
    typeof value === "object" &&
    typeof (value as { getReader?: unknown }).getReader === "function"
  ) {
    return;
  }
  throw new CapError("CAP400", `the value for "${key}" must be a string, bytes or a ReadableStream`, { key });
}

export function checkPartNumber(partNumber: unknown): number {
  if (!isCount(partNumber) || partNumber < 1 || partNumber > R2_LIMITS.maxParts) {
    throw new CapError("CAP400", `part number must be a whole number from 1 to ${R2_LIMITS.maxParts}`, {
      partNumber,
    });
  }
  return partNumber;
}

export function checkUploadId(uploadId: unknown): string {
  if (typeof uploadId !== "string" || uploadId === "") {
    throw new CapError("CAP400", "uploadId must be the id createMultipartUpload returned", { uploadId });
  }
  return uploadId;
}
