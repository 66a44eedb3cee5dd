import { fileNameFor, isNotFound, keyForFileName } from "@flows/caps/opendal";
import type { Metadata, Operator } from "opendal";
import type { BlobObject } from "../api";
import { md5Hex, startMd5 } from "./md5";
import type { ObjectStore, OpenedObject, StoredMeta } from "./object-store";
import { createRecordCache, type KnownRecord, objectOf } from "./record-cache";

/** What a record's header holds, as JSON. */
interface Header {
  readonly key: string;
  readonly size: number;
  /**
   * Absent for inline content a put wrote without one: the etag is the content's MD5, which the
   * put computes while OpenDAL writes the record (it is not on the write's critical path) and a
   * reader computes from the content that follows the header.
   */
  readonly etag?: string;
  /** Epoch milliseconds. */
  readonly uploaded: number;
  readonly contentType?: string;
  readonly customMetadata: Readonly<Record<string, string>>;
  /** The content is in `r2/content/` rather than after the header (objects over INLINE_MAX). */
  readonly external?: true;
}

/** The header fields a write computes; the rest come from the caller's metadata. */
interface Fixed extends Pick<Header, "key" | "size" | "uploaded"> {
  readonly etag: string | undefined;
}

const EMPTY_METADATA: Readonly<Record<string, string>> = Object.freeze({});

const RECORDS = "r2/records/";
const CONTENT = "r2/content/";
/** Content up to this size follows the header in the record: one file, one read, one write. */
const INLINE_MAX = 64 * 1024;
/** Bytes read to find a header that is not cached; a longer header costs one more read. */
const HEAD_PROBE = 4096;

const toBuffer = (chunk: Uint8Array) => Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
const toBytes = (buffer: Buffer, start = 0, end = buffer.byteLength) =>
  new Uint8Array(buffer.buffer, buffer.byteOffset + start, end - start);

function isEmpty(record: Readonly<Record<string, string>>): boolean {
  for (const _ in record) return false;
  return true;
}

/**
 * The header as JSON, spelled out: this runs on every put, and a template is several times
 * cheaper than JSON.stringify of the object. The etag is hex (and "-<parts>"), safe as is.
 */
function headerJson(
  key: string,
  size: number,
  etag: string | undefined,
  uploaded: number,
  meta: StoredMeta,
  external: boolean,
) {
  const tag = etag === undefined ? "" : `,"etag":"${etag}"`;
  const type = meta.contentType === undefined ? "" : `,"contentType":${JSON.stringify(meta.contentType)}`;
  const custom = isEmpty(meta.customMetadata) ? "{}" : JSON.stringify(meta.customMetadata);
  const far = external ? ',"external":true' : "";
  return `{"key":${JSON.stringify(key)},"size":${size}${tag},"uploaded":${uploaded}${type},"customMetadata":${custom}${far}}`;
}

function knownFrom(header: Header, etag: string, headerText: string, headerLength: number): KnownRecord {
  return {
    headerText,
    headerLength,
    key: header.key,
    size: header.size,
    etag,
    uploaded: header.uploaded,
    contentType: header.contentType,
    customMetadata: Object.freeze({ ...header.customMetadata }),
    external: header.external === true,
    length: undefined,
    modified: null,
  };
}

/** The header of a record in `bytes` (which holds at least the header). */
function parseHeader(bytes: Buffer, headerLength: number): { header: Header; text: string } {
  const text = bytes.toString("utf8", 4, 4 + headerLength);
  return { header: JSON.parse(text) as Header, text };
}

/** Where the inline content of a record ends: a header without an etag needs it to have one. */
const contentEnd = (header: Header, headerLength: number) => 4 + headerLength + header.size;

/** The header of a whole record in `bytes`, with the etag computed from its content when the header has none. */
function recordFrom(bytes: Buffer, headerLength: number): KnownRecord {
  const { header, text } = parseHeader(bytes, headerLength);
  const etag = header.etag ?? md5Hex(toBytes(bytes, 4 + headerLength, contentEnd(header, headerLength)));
  return knownFrom(header, etag, text, headerLength);
}

/**
 * Objects as one record file each under `r2/records/`, named by `fileNameFor(key)` so no key
 * reaches outside the root: 4 bytes of header length (big-endian), the header's JSON (key,
 * size, etag, upload time, content type, custom metadata), then the content. Content over
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
    const { header, text } = parseHeader(bytes, headerLength);
    let etag = header.etag;
    if (etag === undefined) {
      // Inline content (at most INLINE_MAX bytes) stored without its etag: read to its end.
      const end = contentEnd(header, headerLength);
      if (end > bytes.byteLength) bytes = await operator.read(path, { offset: 0n, size: BigInt(end) });
      etag = md5Hex(toBytes(bytes, 4 + headerLength, end));
    }
    // Stamped with the stat taken before this read: if the record changed in between, the
    // next stat differs from it and the header is read again.
    return cache.remember(name, knownFrom(header, etag, text, headerLength), meta);
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
   * content is computed while OpenDAL writes.
   */
  const writeRecord = (name: string, header: Fixed, content: string | Uint8Array | undefined, meta: StoredMeta) => {
    const external = content === undefined;
    const text = headerJson(header.key, header.size, header.etag, header.uploaded, meta, external);
    const headerLength = Buffer.byteLength(text);
    const record = Buffer.allocUnsafe(4 + headerLength + (external ? 0 : header.size));
    record.writeUInt32BE(headerLength, 0);
    record.write(text, 4);
    // Text goes straight into the record: no intermediate buffer.
    if (typeof content === "string") record.write(content, 4 + headerLength);
    else if (content !== undefined) record.set(content, 4 + headerLength);
    const written = operator.write(RECORDS + name, record);
    // Built while the write is in flight.
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
    const object = objectOf(known);
    return written.then((stat): BlobObject => {
      cache.remember(name, known, stat, record.byteLength);
      return object;
    });
  };

  return {
    open(key) {
      const { name } = fileNameFor(key);
      return operator.read(RECORDS + name).then(
        (record) => {
          const headerLength = record.readUInt32BE(0);
          const known =
            cache.matching(name, record, headerLength) ?? cache.remember(name, recordFrom(record, headerLength));
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
      const { name } = fileNameFor(key);
      if (typeof content !== "string" && !(content instanceof Uint8Array)) {
        return writeChunks(name, key, content, meta, etag);
      }
      const size = typeof content === "string" ? Buffer.byteLength(content) : content.byteLength;
      if (size > INLINE_MAX) {
        return writeChunks(name, key, [typeof content === "string" ? Buffer.from(content) : content], meta, etag);
      }
      return writeRecord(name, { key, size, etag, uploaded: now() }, content, meta);
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
      return writeRecord(name, header, content, meta);
    }
    await writer.close();
    return writeRecord(name, { key, size, etag: etag ?? hash.digest("hex"), uploaded: now() }, undefined, meta);
  }
}
