import { keyForFileName } from "@flows/caps/opendal";
import type { StoredMeta } from "./object-store";

/**
 * The header of an R2 record file, in one of two forms after its 4-byte length (big-endian):
 *
 * - **compact**, 9 bytes: 0x01, then the upload time as a float64 (big-endian). For the common
 *   object: content inline, no content type, no custom metadata, a key that is its own file
 *   name. Everything else follows: the key from the file name, the size from the record's
 *   length, the etag from the content. A put writes it with no text to build, which is most of
 *   what a put on OpenDAL memory costs beyond the write itself.
 * - **JSON** (starts with "{"): key, size, etag (absent for inline content: its MD5 then),
 *   upload time, content type, custom metadata, and whether the content is in `r2/content/`.
 */
export interface RecordHeader {
  readonly key: string;
  readonly size: number;
  /** Undefined for inline content stored without one: its etag is the content's MD5. */
  readonly etag: string | undefined;
  /** Epoch milliseconds. */
  readonly uploaded: number;
  readonly contentType: string | undefined;
  readonly customMetadata: Readonly<Record<string, string>>;
  /** The content is in `r2/content/` rather than after the header (large objects). */
  readonly external: boolean;
}

/** The header as JSON stores it. */
interface JsonHeader {
  readonly key: string;
  readonly size: number;
  readonly etag?: string;
  readonly uploaded: number;
  readonly contentType?: string;
  readonly customMetadata: Readonly<Record<string, string>>;
  readonly external?: true;
}

const COMPACT_TAG = 0x01;
export const COMPACT_LENGTH = 9;
export const EMPTY_METADATA: Readonly<Record<string, string>> = Object.freeze({});

export function isEmpty(record: Readonly<Record<string, string>>): boolean {
  for (const _ in record) return false;
  return true;
}

/** Whether an object can have a compact header. */
export function fitsCompact(hashed: boolean, external: boolean, etag: string | undefined, meta: StoredMeta): boolean {
  return !hashed && !external && etag === undefined && meta.contentType === undefined && isEmpty(meta.customMetadata);
}

/** Writes the length and a compact header at the start of `record`. */
export function writeCompactHeader(record: Buffer, uploaded: number): void {
  record.writeUInt32BE(COMPACT_LENGTH, 0);
  record[4] = COMPACT_TAG;
  record.writeDoubleBE(uploaded, 5);
}

/** A compact header's bytes, for comparing with a record read back. */
export function compactHeaderBytes(uploaded: number): Buffer {
  const bytes = Buffer.allocUnsafe(COMPACT_LENGTH);
  bytes[0] = COMPACT_TAG;
  bytes.writeDoubleBE(uploaded, 1);
  return bytes;
}

/**
 * The JSON header, spelled out: a template is several times cheaper than JSON.stringify of
 * the object. The etag is hex (and "-<parts>"), safe as is.
 */
export function headerJson(
  key: string,
  size: number,
  etag: string | undefined,
  uploaded: number,
  meta: StoredMeta,
  external: boolean,
): string {
  const tag = etag === undefined ? "" : `,"etag":"${etag}"`;
  const type = meta.contentType === undefined ? "" : `,"contentType":${JSON.stringify(meta.contentType)}`;
  const custom = isEmpty(meta.customMetadata) ? "{}" : JSON.stringify(meta.customMetadata);
  const far = external ? ',"external":true' : "";
  return `{"key":${JSON.stringify(key)},"size":${size}${tag},"uploaded":${uploaded}${type},"customMetadata":${custom}${far}}`;
}

/**
 * The header of the record file `name` whose first bytes are `bytes` (at least the header) and
 * whose whole length is `recordLength`; `text` is the JSON as stored (undefined when compact).
 */
export function decodeHeader(
  bytes: Buffer,
  headerLength: number,
  recordLength: number,
  name: string,
): { header: RecordHeader; text: string | undefined } {
  if (bytes[4] === COMPACT_TAG && headerLength === COMPACT_LENGTH) {
    return {
      header: {
        key: keyForFileName(name),
        size: recordLength - 4 - COMPACT_LENGTH,
        etag: undefined,
        uploaded: bytes.readDoubleBE(5),
        contentType: undefined,
        customMetadata: EMPTY_METADATA,
        external: false,
      },
      text: undefined,
    };
  }
  const text = bytes.toString("utf8", 4, 4 + headerLength);
  const json = JSON.parse(text) as JsonHeader;
  return {
    header: {
      key: json.key,
      size: json.size,
      etag: json.etag,
      uploaded: json.uploaded,
      contentType: json.contentType,
      customMetadata: isEmpty(json.customMetadata) ? EMPTY_METADATA : Object.freeze({ ...json.customMetadata }),
      external: json.external === true,
    },
    text,
  };
}
