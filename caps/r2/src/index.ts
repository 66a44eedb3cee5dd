export type {
  BlobConditions,
  BlobInput,
  BlobListOptions,
  BlobListResult,
  BlobObject,
  BlobObjectBody,
  BlobPutOptions,
  BlobRange,
  BlobRangeRequest,
  MultipartOptions,
  MultipartUpload,
  R2Api,
  R2Provider,
  UploadedPart,
} from "./api";
export { createR2Api } from "./bind";
export { inputBytes, inputChunks, memoryBytes, readAll, withBody } from "./body";
export { r2Capability } from "./capability";
export { checkObjectKey, R2_LIMITS } from "./limits";
export { r2Operations } from "./operations";
export { resolveRange } from "./range";
