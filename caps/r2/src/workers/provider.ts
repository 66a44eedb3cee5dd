import { CapError, type ProviderPlugin } from "@flows/caps";
import type { BlobInput, BlobObject, BlobObjectBody, MultipartUpload, R2Provider } from "../api";
import { inputBytes } from "../body";
import type { R2BucketLike, R2MultipartUploadLike, R2ObjectBodyLike, R2ObjectLike } from "./binding";
import { fromR2Error } from "./errors";

const toObject = (object: R2ObjectLike): BlobObject => ({
  key: object.key,
  size: object.size,
  etag: object.etag,
  uploaded: object.uploaded,
  ...(object.httpMetadata?.contentType === undefined ? {} : { contentType: object.httpMetadata.contentType }),
  customMetadata: object.customMetadata ?? {},
});

function toBody(object: R2ObjectBodyLike): BlobObjectBody {
  const range = object.range;
  const offset = range && "offset" in range ? (range.offset ?? 0) : 0;
  const length = range && "length" in range ? (range.length ?? object.size - offset) : object.size;
  return {
    ...toObject(object),
    // A getter, like the other providers' bodies: the binding's own stream, untouched until used.
    get body() {
      return object.body;
    },
    range: { offset, length },
    bytes: async () => new Uint8Array(await object.arrayBuffer()),
    text: () => object.text(),
    json: async <T>() => JSON.parse(await object.text()) as T,
  };
}

type FixedLengthStreamCtor = new (length: number) => { readable: ReadableStream<Uint8Array>; writable: unknown };

/**
 * R2 needs a stream's length before it starts: with `size` a stream is piped through the
 * runtime's FixedLengthStream; without it, or outside workerd, it is read into memory first.
 */
async function r2Value(
  value: BlobInput,
  size: number | undefined,
): Promise<string | Uint8Array | ArrayBuffer | ReadableStream> {
  if (typeof value === "string" || value instanceof Uint8Array || value instanceof ArrayBuffer) return value;
  const Fixed = (globalThis as { FixedLengthStream?: FixedLengthStreamCtor }).FixedLengthStream;
  if (size === undefined || Fixed === undefined) return inputBytes(value);
  const fixed = new Fixed(size);
  const source = value as unknown as { pipeTo(destination: unknown): Promise<void> };
  void source.pipeTo(fixed.writable).catch(() => {});
  return fixed.readable;
}

function bindUpload(upload: R2MultipartUploadLike): MultipartUpload {
  const { key, uploadId } = upload;
  const fail = (operation: string) => (error: unknown) => {
    throw fromR2Error(error, operation, key);
  };
  return {
    key,
    uploadId,
    uploadPart: async (partNumber, value, options) =>
      upload.uploadPart(partNumber, await r2Value(value, options?.size)).catch(fail("r2.uploadPart")),
    complete: (parts) =>
      upload
        .complete(parts.map(({ partNumber, etag }) => ({ partNumber, etag })))
        .then(toObject, fail("r2.completeMultipartUpload")),
    abort: () => upload.abort().catch(fail("r2.abortMultipartUpload")),
  };
}

/** R2 on a Workers R2Bucket binding: each call goes straight to the binding. */
export function createCloudflareR2Provider(bucket: R2BucketLike): R2Provider {
  const fail = (operation: string, key: string) => (error: unknown) => {
    throw fromR2Error(error, operation, key);
  };
  return {
    head: (key) => bucket.head(key).then((object) => (object === null ? null : toObject(object)), fail("r2.head", key)),
    get: (key, range) =>
      bucket
        .get(key, range === undefined ? {} : { range })
        .then((object) => (object === null ? null : toBody(object)), fail("r2.get", key)),
    async put(key, value, { contentType, customMetadata, onlyIf, size }) {
      const stored = await bucket
        .put(key, await r2Value(value, size), {
          ...(contentType === undefined ? {} : { httpMetadata: { contentType } }),
          ...(customMetadata === undefined ? {} : { customMetadata: { ...customMetadata } }),
          ...(onlyIf === undefined ? {} : { onlyIf: { ...onlyIf } }),
        })
        .catch(fail("r2.put", key));
      return stored === null ? null : toObject(stored);
    },
    delete: (keys) => bucket.delete([...keys]).catch(fail("r2.delete", keys.join(", "))),
    async list({ prefix, delimiter, cursor, limit }) {
      const page = await bucket
        .list({
          limit,
          include: ["httpMetadata", "customMetadata"],
          ...(prefix === undefined ? {} : { prefix }),
          ...(delimiter === undefined ? {} : { delimiter }),
          ...(cursor === undefined ? {} : { cursor }),
        })
        .catch(fail("r2.list", prefix ?? ""));
      const base = { objects: page.objects.map(toObject), delimitedPrefixes: page.delimitedPrefixes };
      return page.truncated ? { ...base, truncated: true, cursor: page.cursor } : { ...base, truncated: false };
    },
    createMultipartUpload: (key, { contentType, customMetadata }) =>
      bucket
        .createMultipartUpload(key, {
          ...(contentType === undefined ? {} : { httpMetadata: { contentType } }),
          ...(customMetadata === undefined ? {} : { customMetadata: { ...customMetadata } }),
        })
        .then(bindUpload, fail("r2.createMultipartUpload", key)),
    resumeMultipartUpload: (key, uploadId) => bindUpload(bucket.resumeMultipartUpload(key, uploadId)),
  };
}

export const cloudflareR2Provider: ProviderPlugin<R2Provider> = {
  kind: "cloudflare.r2",
  capability: "r2",
  needsBinding: true,
  create({ binding, bindingName }) {
    if (binding === null || typeof binding !== "object" || !("createMultipartUpload" in binding)) {
      throw new CapError("DAG203", `binding "${bindingName ?? ""}" is not an R2 bucket`, { binding: bindingName });
    }
    return createCloudflareR2Provider(binding as R2BucketLike);
  },
};
