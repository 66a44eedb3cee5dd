/**
 * The methods of a Workers `KVNamespace` this provider calls, declared structurally so the
 * provider compiles and runs anywhere (workerd, or Node driving Miniflare) without Workers
 * ambient types. `binding-check.ts` proves the real `KVNamespace` satisfies it.
 */
export interface KvNamespaceLike {
  get(key: string, type: "text"): Promise<string | null>;
  get(key: string, type: "json"): Promise<unknown>;
  get(key: string, type: "arrayBuffer"): Promise<ArrayBuffer | null>;
  getWithMetadata(key: string, type: "text"): Promise<{ value: string | null; metadata: unknown }>;
  getWithMetadata(key: string, type: "json"): Promise<{ value: unknown; metadata: unknown }>;
  getWithMetadata(key: string, type: "arrayBuffer"): Promise<{ value: ArrayBuffer | null; metadata: unknown }>;
  put(
    key: string,
    value: string | ArrayBuffer | ArrayBufferView,
    options?: { expiration?: number; expirationTtl?: number; metadata?: unknown },
  ): Promise<void>;
  delete(key: string): Promise<void>;
  list(options?: { prefix?: string | null; limit?: number; cursor?: string | null }): Promise<
    | {
        list_complete: false;
        keys: { name: string; expiration?: number; metadata?: unknown }[];
        cursor: string;
      }
    | { list_complete: true; keys: { name: string; expiration?: number; metadata?: unknown }[] }
  >;
}
