import { createHash } from "node:crypto";
import { fileNameFor, isNotFound, keyForFileName } from "@flows/caps/opendal";
import type { Operator } from "opendal";
import type { BlobObject } from "../api";
import type { ObjectStore, OpenedObject, StoredMeta } from "./object-store";

interface Sidecar extends StoredMeta {
  readonly key: string;
  readonly size: number;
  readonly etag: string;
  readonly uploaded: number;
  /** The content itself (base64) when it is small: one file, one read, one write. */
  readonly inline?: string;
}

const OBJECTS = "r2/objects/";
const META = "r2/meta/";
/** Content up to this size lives in the sidecar. */
const INLINE_MAX = 64 * 1024;

const toObject = (sidecar: Sidecar): BlobObject => ({
  key: sidecar.key,
  size: sidecar.size,
  etag: sidecar.etag,
  uploaded: new Date(sidecar.uploaded),
  ...(sidecar.contentType === undefined ? {} : { contentType: sidecar.contentType }),
  customMetadata: sidecar.customMetadata,
});

const toBuffer = (chunk: Uint8Array) => Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
const toBytes = (buffer: Buffer) => new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);

/**
 * Objects as a JSON sidecar under `r2/meta/` (key, size, etag, content type, custom metadata)
 * holding small content inline, and larger content as a file under `r2/objects/`, both named
 * by `fileNameFor(key)` so no key reaches outside the root. The sidecar is written last: an
 * object exists once it does. (Overwriting a large object with a small one leaves the old
 * content file until the key is deleted or grows again; the sidecar says which is current.)
 */
export function createSidecarStore(operator: Operator, now: () => number): ObjectStore {
  const readSidecar = <T>(name: string, map: (sidecar: Sidecar | null) => T): Promise<T> =>
    operator.read(META + name).then(
      (buffer) => map(JSON.parse(buffer.toString("utf8")) as Sidecar),
      (error: unknown) => {
        if (isNotFound(error)) return map(null);
        throw error;
      },
    );
  const opened = (name: string, sidecar: Sidecar): OpenedObject => ({
    object: toObject(sidecar),
    read: (offset, length) =>
      sidecar.inline !== undefined
        ? Promise.resolve(toBytes(Buffer.from(sidecar.inline, "base64").subarray(offset, offset + length)))
        : operator.read(OBJECTS + name, { offset: BigInt(offset), size: BigInt(length) }).then(toBytes),
  });
  return {
    open(key) {
      const { name } = fileNameFor(key);
      return readSidecar(name, (sidecar) => (sidecar === null ? null : opened(name, sidecar)));
    },
    stat: (key) => readSidecar(fileNameFor(key).name, (sidecar) => (sidecar === null ? null : toObject(sidecar))),
    async write(key, content, meta, etag) {
      const { name } = fileNameFor(key);
      const hash = createHash("md5");
      const chunks = content instanceof Uint8Array ? [content] : content;
      const held: Uint8Array[] = [];
      let size = 0;
      let writer: Awaited<ReturnType<Operator["writer"]>> | undefined;
      for await (const chunk of chunks) {
        hash.update(chunk);
        size += chunk.byteLength;
        if (writer !== undefined) {
          await writer.write(toBuffer(chunk));
          continue;
        }
        held.push(chunk);
        if (size > INLINE_MAX) {
          // Too large to inline: stream everything so far, and the rest, into the content file.
          writer = await operator.writer(OBJECTS + name);
          for (const piece of held.splice(0)) await writer.write(toBuffer(piece));
        }
      }
      await writer?.close();
      const whole = held.length === 1 && held[0] !== undefined ? toBuffer(held[0]) : Buffer.concat(held.map(toBuffer));
      const inline = writer === undefined ? whole.toString("base64") : undefined;
      const sidecar: Sidecar = {
        key,
        size,
        etag: etag ?? hash.digest("hex"),
        uploaded: now(),
        ...meta,
        ...(inline === undefined ? {} : { inline }),
      };
      await operator.write(META + name, JSON.stringify(sidecar));
      return toObject(sidecar);
    },
    async delete(key) {
      const { name } = fileNameFor(key);
      await operator.delete(META + name);
      await operator.delete(OBJECTS + name);
    },
    async keys(prefix) {
      const keys: string[] = [];
      for (const entry of await operator.list(META)) {
        const path = entry.path();
        if (path.endsWith("/")) continue;
        const name = path.slice(path.lastIndexOf("/") + 1);
        // Long keys hash to "~…" names; their sidecar holds the key.
        const key = name.startsWith("~") ? await readSidecar(name, (sidecar) => sidecar?.key) : keyForFileName(name);
        if (key?.startsWith(prefix)) keys.push(key);
      }
      return keys;
    },
  };
}
