// Bindings the capability tests use; vitest.config.ts's workers project declares them.
declare namespace Cloudflare {
  interface Env {
    CAPS_KV: KVNamespace;
    CAPS_R2: R2Bucket;
    CAPS_QUEUE: Queue;
    QUEUE_SINK: KVNamespace;
    FLOW_STATE: DurableObjectNamespace<import("@flows/cap-do/durable-object").FlowStateObject>;
  }
}
