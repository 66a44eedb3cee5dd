export type { KvNamespaceLike } from "./binding";
export { cloudflareKvProvider, createCloudflareKvProvider } from "./provider";
