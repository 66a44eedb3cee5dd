export type { FlowStateNamespaceLike, FlowStateStubLike } from "./binding";
export { cloudflareDoProvider, createCloudflareDoProvider } from "./provider";
