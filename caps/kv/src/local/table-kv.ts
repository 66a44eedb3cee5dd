import {
  type CapClock,
  compareUtf8,
  decodeEnvelope,
  decodeText,
  encodeEnvelope,
  encodeText,
  type JsonValue,
  systemCapClock,
  type TableStore,
} from "@flows/caps";
import type { KvListKey, KvListResult, KvProvider, KvPutOptions, KvValueType, KvWithMetadata } from "../api";

const TABLE = "kv";

interface Header {
  /** Expiry in epoch seconds. */
  readonly expiration?: number;
  readonly metadata?: JsonValue;
}

/**
 * A record's first byte tells its form. PLAIN: the value follows as is (most values carry no
 * metadata and no expiry, and skip the header's encoding and parsing). Otherwise the record is
 * an envelope (`encodeEnvelope`): its 4-byte header length starts with a 0 byte.
 */
const PLAIN = 1;

type KvRecord = { readonly header: Header | undefined; readonly payload: Uint8Array };

function decodeRecord(bytes: Uint8Array): KvRecord {
  if (bytes[0] === PLAIN) return { header: undefined, payload: bytes.subarray(1) };
  return decodeEnvelope<Header>(bytes);
}

function encodeRecord(value: string | Uint8Array, header: Header | undefined): string | Uint8Array {
  if (header !== undefined) return encodeEnvelope(header, typeof value === "string" ? encodeText(value) : value);
  // "\u0001" is the one byte PLAIN in UTF-8; the store encodes the rest of the text with it.
  if (typeof value === "string") return `\u0001${value}`;
  const out = new Uint8Array(value.byteLength + 1);
  out[0] = PLAIN;
  out.set(value, 1);
  return out;
}

function decodeValue(payload: Uint8Array, type: KvValueType): unknown {
  if (type === "bytes") return payload.slice();
  const text = decodeText(payload);
  return type === "json" ? JSON.parse(text) : text;
}

/** Cursors are the last name of the previous page; opaque to callers, as on Cloudflare. */
const toCursor = (name: string) => `k:${encodeURIComponent(name)}`;
const fromCursor = (cursor: string | undefined) =>
  cursor?.startsWith("k:") ? decodeURIComponent(cursor.slice(2)) : undefined;

/**
 * KV on a TableStore: one record per key, the value with its expiry and metadata. Expired keys
 * read as absent and are removed when met. Listing reads every name, so it suits local runs,
 * not millions of keys.
 */
export function createTableKvProvider(store: TableStore, clock: CapClock = systemCapClock): KvProvider {
  type Loaded = KvRecord | undefined;
  /** The live record in `bytes`; an expired one is deleted on the way. */
  const live = (key: string, bytes: Uint8Array | undefined): Loaded | Promise<Loaded> => {
    if (bytes === undefined) return undefined;
    const record = decodeRecord(bytes);
    const expiration = record.header?.expiration;
    if (expiration !== undefined && expiration * 1000 <= clock.now()) {
      return store.delete(TABLE, key).then(() => undefined);
    }
    return record;
  };
  const load = (key: string) => store.read(TABLE, key, (bytes) => live(key, bytes));
  const withMetadata = async (key: string, type: KvValueType): Promise<KvWithMetadata<unknown>> => {
    const record = await load(key);
    if (!record) return { value: null, metadata: null };
    return { value: decodeValue(record.payload, type), metadata: record.header?.metadata ?? null };
  };
  return {
    clock,
    // One step from the stored bytes to the value: this is the hottest path.
    get: (key, type) =>
      store.read(TABLE, key, (bytes) => {
        if (bytes?.[0] === PLAIN) return decodeValue(bytes.subarray(1), type);
        const record = live(key, bytes);
        if (record instanceof Promise) return record.then((found) => (found ? decodeValue(found.payload, type) : null));
        return record ? decodeValue(record.payload, type) : null;
      }),
    getWithMetadata: withMetadata,
    put(key, value, options: KvPutOptions) {
      const expiration =
        options.expirationTtl !== undefined
          ? Math.floor(clock.now() / 1000) + options.expirationTtl
          : options.expiration;
      const header: Header | undefined =
        expiration === undefined && options.metadata === undefined
          ? undefined
          : {
              ...(expiration === undefined ? {} : { expiration }),
              ...(options.metadata === undefined ? {} : { metadata: options.metadata }),
            };
      return store.put(TABLE, key, encodeRecord(value, header));
    },
    async delete(key) {
      await store.delete(TABLE, key);
    },
    async list({ prefix = "", cursor, limit }): Promise<KvListResult> {
      const after = fromCursor(cursor);
      const names = (await store.keys(TABLE))
        .filter((name) => name.startsWith(prefix) && (after === undefined || compareUtf8(name, after) > 0))
        .sort(compareUtf8);
      const keys: KvListKey[] = [];
      let index = 0;
      for (; index < names.length && keys.length < limit; index += 1) {
        const name = names[index] as string;
        const record = await load(name);
        if (!record) continue;
        const { expiration, metadata } = record.header ?? {};
        keys.push({
          name,
          ...(expiration === undefined ? {} : { expiration }),
          ...(metadata === undefined ? {} : { metadata }),
        });
      }
      const last = keys.at(-1);
      if (index >= names.length || last === undefined) return { keys, complete: true };
      return { keys, complete: false, cursor: toCursor(last.name) };
    },
  };
}
