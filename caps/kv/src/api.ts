import type { CapClock, JsonValue } from "@flows/caps";

export type KvValueType = "text" | "json" | "bytes";

export interface KvPutOptions {
  /** Seconds from now until the key expires; at least 60, as on Cloudflare. */
  readonly expirationTtl?: number;
  /** Absolute expiry in seconds since the epoch; at least 60 s ahead. */
  readonly expiration?: number;
  /** Up to 1024 bytes of JSON returned with the value and in listings. */
  readonly metadata?: JsonValue;
}

export interface KvListOptions {
  readonly prefix?: string;
  /** From the previous page's `cursor`. */
  readonly cursor?: string;
  /** 1–1000, default 1000. */
  readonly limit?: number;
}

export interface KvListKey {
  readonly name: string;
  /** Seconds since the epoch, when the key has an expiry. */
  readonly expiration?: number;
  readonly metadata?: JsonValue;
}

export interface KvListResult {
  /** Sorted by the UTF-8 bytes of their names. */
  readonly keys: readonly KvListKey[];
  /** True on the last page; otherwise `cursor` fetches the next one. */
  readonly complete: boolean;
  readonly cursor?: string;
}

export interface KvWithMetadata<V> {
  readonly value: V | null;
  readonly metadata: JsonValue | null;
}

/** What a node calls: Workers KV's model with coded errors and the same rules on every provider. */
export interface KvApi {
  get(key: string, type?: "text"): Promise<string | null>;
  get<T = unknown>(key: string, type: "json"): Promise<T | null>;
  get(key: string, type: "bytes"): Promise<Uint8Array | null>;
  getWithMetadata(key: string, type?: "text"): Promise<KvWithMetadata<string>>;
  getWithMetadata<T = unknown>(key: string, type: "json"): Promise<KvWithMetadata<T>>;
  getWithMetadata(key: string, type: "bytes"): Promise<KvWithMetadata<Uint8Array>>;
  put(key: string, value: string | Uint8Array, options?: KvPutOptions): Promise<void>;
  delete(key: string): Promise<void>;
  list(options?: KvListOptions): Promise<KvListResult>;
}

/**
 * What a provider implements. Arguments arrive already checked (keys, sizes, TTLs), so a
 * provider only stores and fetches. `get` returns a string, a parsed JSON value or bytes
 * according to `type`.
 */
export interface KvProvider {
  /** The provider's notion of now, when it is not the system clock (tests step it past TTLs). */
  readonly clock?: CapClock;
  get(key: string, type: KvValueType): Promise<unknown>;
  getWithMetadata(key: string, type: KvValueType): Promise<KvWithMetadata<unknown>>;
  put(key: string, value: string | Uint8Array, options: KvPutOptions): Promise<void>;
  delete(key: string): Promise<void>;
  list(options: { readonly prefix?: string; readonly cursor?: string; readonly limit: number }): Promise<KvListResult>;
}
