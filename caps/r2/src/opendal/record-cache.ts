import type { Metadata } from "opendal";
import type { BlobObject } from "../api";

/** A record's header as this process last wrote or read it. */
export interface KnownRecord {
  /** The header's JSON as stored, so a read of the record can tell it is unchanged without parsing it. */
  readonly headerText: string;
  readonly headerLength: number;
  /** `headerText` as bytes, made on the first read that compares against it. */
  headerBytes?: Buffer;
  readonly key: string;
  readonly size: number;
  readonly etag: string;
  readonly uploaded: number;
  readonly contentType: string | undefined;
  readonly customMetadata: Readonly<Record<string, string>>;
  readonly external: boolean;
  /**
   * What a stat said about the record file when this header was written or read: its length,
   * and its modification time (OpenDAL fs reports nanoseconds; memory keeps none, so null).
   * Undefined when the header came from a read without a stat: then only a read can use it.
   */
  length: bigint | undefined;
  modified: string | null;
}

/** Headers kept at most; the oldest go first. A few hundred bytes each. */
const MAX_RECORDS = 4096;

/**
 * The headers of records this process wrote or read, each with the stat that matched it. A
 * `head` stats the record, as it must to see that the object still exists; when length and
 * modification time are those recorded, the header is the one it has, since every write
 * through this provider records its own (and one process owns a root, as the per-key locks
 * already require). Anything else, such as a file replaced from outside, reads the header
 * again. OpenDAL memory keeps no modification time, so there the length alone is compared:
 * its operator belongs to the provider, and nothing else writes it.
 */
export function createRecordCache() {
  const known = new Map<string, KnownRecord>();
  // Whether the service reports modification times (fs does, in stats and in what writes
  // return; memory does not); learned from the first stat or write.
  let modifiedTracked: boolean | undefined;
  return {
    /**
     * Keeps `record`, stamped with the stat of its file (`meta`, or what the write returned,
     * with `length` the bytes written); without either, only a read can use it.
     */
    remember(name: string, record: KnownRecord, meta?: Metadata, length?: number): KnownRecord {
      if (meta !== undefined) {
        record.length = length === undefined ? (meta.contentLength ?? undefined) : BigInt(length);
        record.modified = modifiedTracked === false ? null : meta.lastModified;
        modifiedTracked ??= record.modified !== null;
      }
      known.delete(name);
      known.set(name, record);
      if (known.size > MAX_RECORDS) {
        const oldest = known.keys().next();
        if (oldest.done !== true) known.delete(oldest.value);
      }
      return record;
    },
    /** The known header of `name`, when `meta` (a stat of the record) is the stat recorded with it. */
    fresh(name: string, meta: Metadata): KnownRecord | undefined {
      const entry = known.get(name);
      if (entry === undefined || entry.length === undefined || entry.length !== meta.contentLength) return undefined;
      if (modifiedTracked === false) return entry;
      const modified = meta.lastModified;
      modifiedTracked ??= modified !== null;
      return entry.modified === modified ? entry : undefined;
    },
    /** The known header of `name`, when the record `bytes` holds it unchanged. */
    matching(name: string, bytes: Buffer, headerLength: number): KnownRecord | undefined {
      const entry = known.get(name);
      if (entry === undefined || entry.headerLength !== headerLength) return undefined;
      entry.headerBytes ??= Buffer.from(entry.headerText);
      return entry.headerBytes.compare(bytes, 4, 4 + headerLength) === 0 ? entry : undefined;
    },
    forget(name: string): void {
      known.delete(name);
    },
  };
}

/** A fresh object for a caller (its Date is its own; the metadata is frozen and shared). */
export function objectOf(record: KnownRecord): BlobObject {
  const uploaded = new Date(record.uploaded);
  const { key, size, etag, contentType, customMetadata } = record;
  return contentType === undefined
    ? { key, size, etag, uploaded, customMetadata }
    : { key, size, etag, uploaded, contentType, customMetadata };
}
