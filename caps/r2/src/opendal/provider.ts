import { type CapClock, CapError, createKeyedLock, systemCapClock } from "@flows/caps";
import type { Operator } from "opendal";
import type { BlobConditions, BlobObject, R2Provider } from "../api";
import { inputChunks, memoryBytes, readAll, withBody } from "../body";
import { pageListing } from "../listing";
import { resolveRange } from "../range";
import { createMultipart } from "./multipart";
import { createNativeStore, NATIVE_UPLOADS } from "./native-store";
import type { ObjectStore, OpenedObject, StoredMeta } from "./object-store";
import { createRecordStore } from "./record-store";

const CHUNK = 1024 * 1024;
const UPLOAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function meets(current: BlobObject | null, onlyIf: BlobConditions): boolean {
  const { etagMatches, etagDoesNotMatch } = onlyIf;
  if (etagMatches !== undefined && (current === null || (etagMatches !== "*" && current.etag !== etagMatches))) {
    return false;
  }
  if (
    etagDoesNotMatch !== undefined &&
    current !== null &&
    (etagDoesNotMatch === "*" || current.etag === etagDoesNotMatch)
  ) {
    return false;
  }
  return true;
}

/** A stream of one chunk that is already in memory. */
function streamOf(chunk: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (chunk.byteLength > 0) controller.enqueue(chunk);
      controller.close();
    },
  });
}

export interface OpendalR2Options {
  /** "records" for memory and fs (default); "native" for s3, whose objects R2 bindings read too. */
  readonly layout?: "records" | "native";
  readonly clock?: CapClock;
}

/**
 * R2 on an OpenDAL operator. Bodies stream both ways in 1 MiB reads and writer chunks, so
 * large objects never sit in memory whole. Conditional puts check and write under a per-key
 * lock, which makes them atomic within this process.
 */
export function createOpendalR2Provider(operator: Operator, options: OpendalR2Options = {}): R2Provider {
  const clock = options.clock ?? systemCapClock;
  const native = options.layout === "native";
  const store: ObjectStore = native ? createNativeStore(operator) : createRecordStore(operator, clock.now);
  const multipart = createMultipart(operator, store, native ? NATIVE_UPLOADS : "r2/uploads/");
  const lock = createKeyedLock();

  const bodyOf = (opened: OpenedObject, offset: number, length: number) => () => {
    let position = offset;
    const end = offset + length;
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (position >= end) {
          controller.close();
          return;
        }
        const size = Math.min(CHUNK, end - position);
        const chunk = await opened.read(position, size);
        position += size;
        controller.enqueue(chunk);
        if (position >= end) controller.close();
      },
    });
  };

  return {
    head: (key) => store.stat(key),
    get: (key, range) =>
      store.open(key).then((opened) => {
        if (opened === null) return null;
        const served = resolveRange(key, range, opened.object.size);
        const { content } = opened;
        if (content !== undefined) {
          const part = content.subarray(served.offset, served.offset + served.length);
          return withBody(opened.object, () => streamOf(part), served, part);
        }
        // Small reads skip the stream: `text()` on a small object is one read.
        const whole = served.length <= CHUNK ? () => opened.read(served.offset, served.length) : undefined;
        const makeBody = bodyOf(opened, served.offset, served.length);
        return withBody(opened.object, makeBody, served, whole ?? (() => readAll(makeBody())));
      }),
    put(key, value, { contentType, customMetadata, onlyIf }) {
      const content = typeof value === "string" ? value : (memoryBytes(value) ?? inputChunks(value));
      const meta: StoredMeta =
        contentType === undefined
          ? { customMetadata: { ...customMetadata } }
          : { contentType, customMetadata: { ...customMetadata } };
      const write = () => store.write(key, content, meta);
      if (onlyIf === undefined) return lock.run(key, write);
      return lock.run(key, () => store.stat(key).then((current) => (meets(current, onlyIf) ? write() : null)));
    },
    async delete(keys) {
      for (const key of keys) await lock.run(key, () => store.delete(key));
    },
    async list(listOptions) {
      const page = pageListing(await store.keys(listOptions.prefix ?? ""), listOptions);
      const objects: BlobObject[] = [];
      const delimitedPrefixes: string[] = [];
      for (const item of page.items) {
        if (item.kind === "prefix") {
          delimitedPrefixes.push(item.prefix);
          continue;
        }
        const object = await store.stat(item.key);
        if (object !== null) objects.push(object);
      }
      return page.cursor === undefined
        ? { objects, delimitedPrefixes, truncated: page.truncated }
        : { objects, delimitedPrefixes, truncated: page.truncated, cursor: page.cursor };
    },
    createMultipartUpload: (key, uploadOptions) => multipart.create(key, uploadOptions),
    resumeMultipartUpload: (key, uploadId) => {
      // Upload ids name folders; only the ids this provider hands out can reach one.
      if (!UPLOAD_ID.test(uploadId)) {
        throw new CapError("CAP404", `multipart upload "${uploadId}" of "${key}" does not exist`, { key, uploadId });
      }
      return multipart.resume(key, uploadId);
    },
  };
}
