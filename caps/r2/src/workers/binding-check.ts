// Compiled only by tsconfig.workers.json, against @cloudflare/workers-types: fails the
// typecheck if the real binding stops satisfying the structural interface the provider uses.
import type { R2BucketLike } from "./binding";

export const r2BucketFits = (bucket: R2Bucket): R2BucketLike => bucket;
