export type { R2BucketLike } from "./binding";
export { cloudflareR2Provider, createCloudflareR2Provider } from "./provider";
