import { isNotFound } from "@flows/caps/opendal";
import type { Metadata, Operator } from "opendal";
import type { BlobObject } from "../api";
import type { ObjectStore } from "./object-store";

/** Multipart parts wait here until completion; listings never show it. */
export const NATIVE_UPLOADS = ".flows-uploads/";

const unquote = (etag: string | null) => (etag ?? "").replace(/^(W\/)?"(.*)"$/, "$2");

function toObject(key: string, meta: Metadata): BlobObject {
  return {
    key,
    size: Number(meta.contentLength ?? 0n),
    etag: unquote(meta.etag),
    uploaded: meta.lastModified === null ? new Date(0) : new Date(meta.lastModified),
    ...(meta.contentType === null ? {} : { contentType: meta.contentType }),
    customMetadata: meta.userMetadata ?? {},
  };
}

/**
 * Objects as plain objects of the operator's service (S3, and so R2's S3 API): the key is the
 * path, content type and custom metadata are the service's own, the etag is the service's.
 * What a container writes here, a Worker reads through its R2 binding unchanged.
 */
export function createNativeStore(operator: Operator): ObjectStore {
  const stat = async (key: string) => {
    try {
      return toObject(key, await operator.stat(key));
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  };
  return {
    stat,
    async open(key) {
      const object = await stat(key);
      if (object === null) return null;
      return {
        object,
        async read(offset, length) {
          const buffer = await operator.read(key, { offset: BigInt(offset), size: BigInt(length) });
          return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
        },
      };
    },
    async write(key, content, meta) {
      const chunks =
        typeof content === "string" ? [Buffer.from(content)] : content instanceof Uint8Array ? [content] : content;
      const writer = await operator.writer(key, {
        ...(meta.contentType === undefined ? {} : { contentType: meta.contentType }),
        ...(Object.keys(meta.customMetadata).length === 0 ? {} : { userMetadata: { ...meta.customMetadata } }),
      });
      for await (const chunk of chunks)
        await writer.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      await writer.close();
      return toObject(key, await operator.stat(key));
    },
    delete: (key) => operator.delete(key),
    async keys(prefix) {
      const folder = prefix.includes("/") ? prefix.slice(0, prefix.lastIndexOf("/") + 1) : "";
      const entries = await operator.list(folder, { recursive: true });
      return entries
        .map((entry) => entry.path())
        .filter((path) => !path.endsWith("/") && path.startsWith(prefix) && !path.startsWith(NATIVE_UPLOADS));
    },
  };
}
