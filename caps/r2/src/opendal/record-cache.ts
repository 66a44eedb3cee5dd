import type { Metadata } from "opendal";
import type { BlobObject } from "../api";
import { compactHeaderBytes } from "./record-header";

/** A record's header as this process last wrote or read it. */
export interface KnownRecord {
  /**
   * The header's JSON as stored, so a read of the record can tell it is unchanged without
   * parsing it; undefined for a compact header (`record-header.ts`).
   */
  readonly headerText: string | undefined;
  readonly headerLength: number;
  /** The header as bytes, made on the first read that compares against it. */
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
  /** Newest last, so the first is the one to drop. */
  const keep = (name: string, record: KnownRecord) => {
    known.delete(name);
    known.set(name, record);
    if (known.size > MAX_RECORDS) {
      const oldest = known.keys().next();
      if (oldest.done !== true) known.delete(oldest.value);
    }
  };
  return {
    /** Keeps `record`, stamped with the stat of its file (`meta`); without one, only a read can use it. */
    remember(name: string, record: KnownRecord, meta?: Metadata): KnownRecord {
      if (meta !== undefined) {
        record.length = meta.contentLength ?? undefined;
        record.modified = modifiedTracked === false ? null : meta.lastModified;
        modifiedTracked ??= record.modified !== null;
      }
      keep(name, record);
      return record;
    },
    /**
     * Keeps `record` while its write of `length` bytes is still in flight (the work is off the
     * write's critical path): `confirm` stamps it with what the write returns, `withdraw` takes
     * it back if the write fails. Until confirmed, a stat matches it only where modification
     * times are not tracked (memory, whose operator only this provider writes).
     */
    expect(name: string, record: KnownRecord, length: number): void {
      record.length = BigInt(length);
      record.modified = null;
      keep(name, record);
    },
    confirm(record: KnownRecord, written: Metadata): void {
      if (modifiedTracked === false) return;
      record.modified = written.lastModified;
      modifiedTracked ??= record.modified !== null;
    },
    withdraw(name: string, record: KnownRecord): void {
      if (known.get(name) === record) known.delete(name);
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
    /**
     * The known header of `name`, when the whole record `bytes` holds it unchanged: the same
     * header bytes and, for inline content, the same length (a compact header takes its size
     * from it). A record rewritten from outside in the same millisecond with content of the
     * same length and the same metadata would pass; one process owns a root, as above.
     */
    matching(name: string, bytes: Buffer, headerLength: number): KnownRecord | undefined {
      const entry = known.get(name);
      if (entry === undefined || entry.headerLength !== headerLength) return undefined;
      if (!entry.external && bytes.byteLength !== 4 + headerLength + entry.size) return undefined;
      entry.headerBytes ??=
        entry.headerText === undefined ? compactHeaderBytes(entry.uploaded) : Buffer.from(entry.headerText);
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
