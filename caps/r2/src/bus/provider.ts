import type { BlobInput, BlobListResult, BlobRange, MultipartUpload, R2Provider, UploadedPart } from "../api";
import { memoryBytes, readAll, withBody } from "../body";
import { type BusCaller, callerOf } from "./caller";
import { bodyLimits, type R2BusBodyOptions } from "./limits";
import { receiveBody } from "./receive-body";
import { sendBody } from "./send-body";
import { decodeBytes, encodeBytes, listingFromWire, objectFromWire, type WireObject } from "./wire";

interface WireBody {
  readonly object: WireObject;
  readonly range: BlobRange;
  readonly data?: string;
  readonly stream?: string;
  readonly chunkBytes?: number;
}

const once = (bytes: Uint8Array) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });

/**
 * R2 in a container: every operation crosses the host command bus to the Worker, which serves
 * it from the real bucket (`createR2BusService`). Small bodies travel in the call's frame; larger
 * ones as streams of chunk frames, never more than `window` chunks in flight, so an object of
 * any size crosses a bus whose frames are capped at 1 MiB. A downloaded body not read to its
 * end should be cancelled (`body.cancel()`); otherwise the Worker drops it once idle.
 */
export function createBusR2Provider(bus: BusCaller, options: R2BusBodyOptions = {}): R2Provider {
  const call = callerOf(bus);
  const limits = bodyLimits(options);

  /** Inline when the value is small bytes; otherwise a body stream opened with `open`. */
  const upload = (value: BlobInput, inline: Record<string, unknown>, method: string, open: Record<string, unknown>) => {
    const bytes = memoryBytes(value);
    if (bytes !== undefined && bytes.byteLength <= limits.inlineBytes) {
      return call(method, { ...inline, data: encodeBytes(bytes) });
    }
    return sendBody(call, open, value, limits);
  };

  const handle = (key: string, uploadId: string): MultipartUpload => ({
    key,
    uploadId,
    uploadPart: async (partNumber, value, partOptions) =>
      (await upload(value, { key, uploadId, partNumber }, "uploadPart", {
        op: "uploadPart",
        key,
        uploadId,
        partNumber,
        ...(partOptions?.size === undefined ? {} : { size: partOptions.size }),
      })) as UploadedPart,
    complete: async (parts) =>
      objectFromWire(await call<WireObject>("completeMultipartUpload", { key, uploadId, parts })),
    abort: async () => {
      await call("abortMultipartUpload", { key, uploadId });
    },
  });

  return {
    head: async (key) => {
      const found = await call<WireObject | null>("head", { key });
      return found === null ? null : objectFromWire(found);
    },
    get: async (key, range) => {
      const found = await call<WireBody | null>("get", range === undefined ? { key } : { key, range });
      if (found === null) return null;
      const object = objectFromWire(found.object);
      if (found.stream === undefined) {
        const bytes = decodeBytes(found.data, "an inline body");
        return withBody(
          object,
          () => once(bytes),
          found.range,
          async () => bytes,
        );
      }
      const stream = found.stream;
      const chunkBytes = found.chunkBytes ?? limits.chunkBytes;
      const makeBody = () => receiveBody(call, stream, found.range.length, { chunkBytes, window: limits.window });
      return withBody(object, makeBody, found.range, () => readAll(makeBody()));
    },
    put: async (key, value, putOptions) => {
      const stored = (await upload(value, { key, options: putOptions }, "put", {
        op: "put",
        key,
        options: putOptions,
      })) as WireObject | null;
      return stored === null ? null : objectFromWire(stored);
    },
    delete: async (keys) => {
      await call("delete", { keys });
    },
    list: async (listOptions) =>
      listingFromWire(await call<BlobListResult & { objects: WireObject[] }>("list", listOptions)),
    createMultipartUpload: async (key, uploadOptions) => {
      const created = await call<{ key: string; uploadId: string }>("createMultipartUpload", {
        key,
        options: uploadOptions,
      });
      return handle(created.key, created.uploadId);
    },
    resumeMultipartUpload: handle,
  };
}
