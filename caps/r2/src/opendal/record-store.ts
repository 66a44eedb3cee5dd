import { fileNameFor, isNotFound, keyForFileName } from "@flows/caps/opendal";
import type { Metadata, Operator } from "opendal";
import type { BlobObject } from "../api";
import { md5Hex, startMd5 } from "./md5";
import type { ObjectStore, OpenedObject, StoredMeta } from "./object-store";
import { createRecordCache, type KnownRecord, objectOf } from "./record-cache";
import {
  COMPACT_LENGTH,
  decodeHeader,
  EMPTY_METADATA,
  fitsCompact,
  headerJson,
  isEmpty,
  type RecordHeader,
  writeCompactHeader,
} from "./record-header";

/** The header fields a write computes; the rest come from the caller's metadata. */
interface Fixed {
  readonly key: string;
  readonly size: number;
  readonly etag: string | undefined;
  readonly uploaded: number;
}

const RECORDS = "r2/records/";
const CONTENT = "r2/content/";
/** Content up to this size follows the header in the record: one file, one read, one write. */
const INLINE_MAX = 64 * 1024;
/** Bytes read to find a header that is not cached; a longer header costs one more read. */
const HEAD_PROBE = 4096;

const toBuffer = (chunk: Uint8Array) => Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
const toBytes = (buffer: Buffer, start = 0, end = buffer.byteLength) =>
  new Uint8Array(buffer.buffer, buffer.byteOffset + start, end - start);

function knownFrom(
  header: RecordHeader,
  etag: string,
  headerText: string | undefined,
  headerLength: number,
): KnownRecord {
  return { ...header, etag, headerText, headerLength, length: undefined, modified: null };
}

/** Where the inline content of a record ends: a header without an etag needs it to have one. */
const contentEnd = (header: RecordHeader, headerLength: number) => 4 + headerLength + header.size;

/** The header's etag, or the MD5 of the inline content in `bytes` (which then reach `contentEnd`). */
const etagOf = (header: RecordHeader, bytes: Buffer, headerLength: number): string =>
  header.etag ?? md5Hex(toBytes(bytes, 4 + headerLength, contentEnd(header, headerLength)));

/** The header of the whole record `bytes` of `name`. */
function recordFrom(bytes: Buffer, headerLength: number, name: string): KnownRecord {
  const { header, text } = decodeHeader(bytes, headerLength, bytes.byteLength, name);
  return knownFrom(header, etagOf(header, bytes, headerLength), text, headerLength);
}

/**
 * Objects as one record file each under `r2/records/`, named by `fileNameFor(key)` so no key
 * reaches outside the root: 4 bytes of header length (big-endian), the header (compact or JSON,
 * `record-header.ts`: key, size, etag, upload time, content type, custom metadata), then the
 * content. Content over
 * 64 KiB goes to `r2/content/` first and the record, written last, points to it: an object
 * exists once its record does. (Overwriting a large object with a small one leaves the old
 * content file until the key is deleted or grows again; the record says which is current.)
 *
 * Neither OpenDAL memory nor fs stores user metadata, so `head` would have to read the header
 * where a plain stat suffices for the content. The headers this process wrote or read are
 * cached (`record-cache.ts`) and checked against the stat `head` makes anyway, which keeps it
 * to one stat.
 */
export function createRecordStore(operator: Operator, now: () => number): ObjectStore {
  const cache = createRecordCache();

  /** Reads and remembers the header of a record whose stat is `meta`. */
  const readHeader = async (name: string, meta: Metadata): Promise<KnownRecord> => {
    const path = RECORDS + name;
    const length = Number(meta.contentLength ?? 0n);
    let bytes = await operator.read(path, { offset: 0n, size: BigInt(Math.min(length, HEAD_PROBE)) });
    const headerLength = bytes.readUInt32BE(0);
    if (4 + headerLength > bytes.byteLength) {
      bytes = await operator.read(path, { offset: 0n, size: BigInt(4 + headerLength) });
    }
    const { header, text } = decodeHeader(bytes, headerLength, length, name);
    // Inline content (at most INLINE_MAX bytes) stored without its etag: read to its end.
    const end = contentEnd(header, headerLength);
    if (header.etag === undefined && end > bytes.byteLength) {
      bytes = await operator.read(path, { offset: 0n, size: BigInt(end) });
    }
    // Stamped with the stat taken before this read: if the record changed in between, the
    // next stat differs from it and the header is read again.
    return cache.remember(name, knownFrom(header, etagOf(header, bytes, headerLength), text, headerLength), meta);
  };

  const statRecord = (name: string): Promise<KnownRecord | null> =>
    operator.stat(RECORDS + name).then(
      (meta) => cache.fresh(name, meta) ?? readHeader(name, meta),
      (error: unknown) => {
        if (!isNotFound(error)) throw error;
        cache.forget(name);
        return null;
      },
    );

  const opened = (name: string, known: KnownRecord, record: Buffer): OpenedObject => {
    const object = objectOf(known);
    if (known.external) {
      return {
        object,
        read: (offset, length) =>
          operator
            .read(CONTENT + name, { offset: BigInt(offset), size: BigInt(length) })
            .then((bytes) => toBytes(bytes)),
      };
    }
    const content = toBytes(record, 4 + known.headerLength);
    return {
      object,
      content,
      read: (offset, length) => Promise.resolve(content.subarray(offset, offset + length)),
    };
  };

  /**
   * Writes a record; `content` is inline content (text of `header.size` bytes, or bytes), if
   * any. Without an etag (inline content only) the record stores none and the MD5 of the
   * content is computed while OpenDAL writes; the cache entry is made then too. Only building
   * the bytes comes before the write, and for the common object that is a compact header.
   */
  const writeRecord = (
    name: string,
    hashed: boolean,
    header: Fixed,
    content: string | Uint8Array | undefined,
    meta: StoredMeta,
  ): Promise<BlobObject> => {
    const external = content === undefined;
    let text: string | undefined;
    let headerLength = COMPACT_LENGTH;
    let record: Buffer;
    if (fitsCompact(hashed, external, header.etag, meta)) {
      record = Buffer.allocUnsafe(4 + COMPACT_LENGTH + header.size);
      writeCompactHeader(record, header.uploaded);
    } else {
      text = headerJson(header.key, header.size, header.etag, header.uploaded, meta, external);
      headerLength = Buffer.byteLength(text);
      record = Buffer.allocUnsafe(4 + headerLength + (external ? 0 : header.size));
      record.writeUInt32BE(headerLength, 0);
      record.write(text, 4);
    }
    // Text goes straight into the record: no intermediate buffer.
    if (typeof content === "string") record.write(content, 4 + headerLength);
    else if (content !== undefined) record.set(content, 4 + headerLength);
    const written = operator.write(RECORDS + name, record);
    const known: KnownRecord = {
      headerText: text,
      headerLength,
      key: header.key,
      size: header.size,
      etag: header.etag ?? md5Hex(content ?? ""),
      uploaded: header.uploaded,
      contentType: meta.contentType,
      customMetadata: isEmpty(meta.customMetadata) ? EMPTY_METADATA : Object.freeze(meta.customMetadata),
      external,
      length: undefined,
      modified: null,
    };
    cache.expect(name, known, record.byteLength);
    const object = objectOf(known);
    return written.then(
      (stat): BlobObject => {
        cache.confirm(known, stat);
        return object;
      },
      (error: unknown) => {
        cache.withdraw(name, known);
        throw error;
      },
    );
  };

  return {
    open(key) {
      const { name } = fileNameFor(key);
      return operator.read(RECORDS + name).then(
        (record) => {
          const headerLength = record.readUInt32BE(0);
          const known =
            cache.matching(name, record, headerLength) ?? cache.remember(name, recordFrom(record, headerLength, name));
          return opened(name, known, record);
        },
        (error: unknown) => {
          if (isNotFound(error)) return null;
          throw error;
        },
      );
    },
    stat: (key) => statRecord(fileNameFor(key).name).then((known) => (known === null ? null : objectOf(known))),
    write(key, content, meta, etag) {
      const { name, hashed } = fileNameFor(key);
      if (typeof content !== "string" && !(content instanceof Uint8Array)) {
        return writeChunks(name, hashed, key, content, meta, etag);
      }
      const size = typeof content === "string" ? Buffer.byteLength(content) : content.byteLength;
      if (size > INLINE_MAX) {
        const chunks = [typeof content === "string" ? Buffer.from(content) : content];
        return writeChunks(name, hashed, key, chunks, meta, etag);
      }
      return writeRecord(name, hashed, { key, size, etag, uploaded: now() }, content, meta);
    },
    async delete(key) {
      const { name } = fileNameFor(key);
      cache.forget(name);
      await operator.delete(RECORDS + name);
      await operator.delete(CONTENT + name);
    },
    async keys(prefix) {
      const keys: string[] = [];
      for (const entry of await operator.list(RECORDS)) {
        const path = entry.path();
        if (path.endsWith("/")) continue;
        const name = path.slice(path.lastIndexOf("/") + 1);
        // Long keys hash to "~…" names; their record holds the key.
        const key = name.startsWith("~") ? (await statRecord(name))?.key : keyForFileName(name);
        if (key?.startsWith(prefix)) keys.push(key);
      }
      return keys;
    },
  };

  /**
   * Content of unknown or large size: held in memory while it still fits inline, otherwise
   * written to `r2/content/` as it arrives, with the record last.
   */
  async function writeChunks(
    name: string,
    hashed: boolean,
    key: string,
    chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
    meta: StoredMeta,
    etag: string | undefined,
  ): Promise<BlobObject> {
    // Content that stays inline gets its etag in writeRecord; only content that goes to
    // `r2/content/` is hashed as it streams, from the moment it is known to.
    const hash = startMd5();
    const held: Uint8Array[] = [];
    let size = 0;
    let writer: Awaited<ReturnType<Operator["writer"]>> | undefined;
    for await (const chunk of chunks) {
      size += chunk.byteLength;
      if (writer !== undefined) {
        hash.update(chunk);
        await writer.write(toBuffer(chunk));
        continue;
      }
      held.push(chunk);
      if (size > INLINE_MAX) {
        writer = await operator.writer(CONTENT + name);
        for (const piece of held.splice(0)) {
          hash.update(piece);
          await writer.write(toBuffer(piece));
        }
      }
    }
    if (writer === undefined) {
      const header = { key, size, etag, uploaded: now() };
      const content = held.length === 1 && held[0] !== undefined ? held[0] : Buffer.concat(held.map(toBuffer));
      return writeRecord(name, hashed, header, content, meta);
    }
    await writer.close();
    return writeRecord(name, hashed, { key, size, etag: etag ?? hash.digest("hex"), uploaded: now() }, undefined, meta);
  }
}
