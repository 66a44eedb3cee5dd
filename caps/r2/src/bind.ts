import { callOperation, checkLimit, checkPrefix } from "@flows/caps";
import type { BlobInput, BlobListOptions, MultipartUpload, R2Api, R2Provider, UploadedPart } from "./api";
import {
  checkMetadata,
  checkObjectKey,
  checkPartNumber,
  checkPutOptions,
  checkRange,
  checkUploadId,
  checkValue,
  R2_KEY,
  R2_LIMITS,
} from "./limits";

function bindUpload(upload: MultipartUpload): MultipartUpload {
  const { key, uploadId } = upload;
  return {
    key,
    uploadId,
    uploadPart: (partNumber, value, options) =>
      callOperation("r2.uploadPart", key, () => {
        checkPartNumber(partNumber);
        checkValue(key, value);
        return upload.uploadPart(partNumber, value, options);
      }),
    complete: (parts: readonly UploadedPart[]) =>
      callOperation("r2.completeMultipartUpload", key, () => {
        for (const part of parts) checkPartNumber(part.partNumber);
        // R2 assembles parts in the order listed; callers collecting parts concurrently
        // should not have to sort them.
        return upload.complete([...parts].sort((a, b) => a.partNumber - b.partNumber));
      }),
    abort: () => callOperation("r2.abortMultipartUpload", key, () => upload.abort()),
  };
}

/**
 * The API nodes call over any R2 provider: keys, ranges, metadata and conditions are checked
 * once here, so every provider refuses the same things with the same codes.
 */
export function createR2Api(provider: R2Provider): R2Api {
  return {
    head: (key) => callOperation("r2.head", key, () => provider.head(checkObjectKey(key))),
    get: (key, options = {}) =>
      callOperation("r2.get", key, () => provider.get(checkObjectKey(key), checkRange(options.range))),
    put: (key: string, value: BlobInput, options = {}) =>
      callOperation("r2.put", key, () => {
        checkObjectKey(key);
        checkValue(key, value);
        return provider.put(key, value, checkPutOptions(key, options));
      }),
    delete: (keys) =>
      callOperation("r2.delete", typeof keys === "string" ? keys : undefined, () =>
        provider.delete((typeof keys === "string" ? [keys] : [...keys]).map(checkObjectKey)),
      ),
    list: (options: BlobListOptions = {}) =>
      callOperation("r2.list", undefined, () => {
        const prefix = checkPrefix(options.prefix, R2_KEY);
        const delimiter = checkPrefix(options.delimiter, R2_KEY);
        const limit = checkLimit(options.limit, "list limit", R2_LIMITS.listLimit, R2_LIMITS.listLimit);
        return provider.list({
          limit,
          ...(prefix === undefined ? {} : { prefix }),
          ...(delimiter === undefined || delimiter === "" ? {} : { delimiter }),
          ...(options.cursor === undefined ? {} : { cursor: options.cursor }),
        });
      }),
    createMultipartUpload: (key, options = {}) =>
      callOperation("r2.createMultipartUpload", key, async () => {
        checkObjectKey(key);
        checkMetadata(key, options);
        return bindUpload(await provider.createMultipartUpload(key, options));
      }),
    resumeMultipartUpload: (key, uploadId) =>
      bindUpload(provider.resumeMultipartUpload(checkObjectKey(key), checkUploadId(uploadId))),
  };
}
