import { type CapClock, CapError, checkKey, fitsUtf8, type KeyRule, utf8Length } from "@flows/caps";
import type { KvPutOptions } from "./api";

/** Workers KV's documented limits; every provider enforces them so flows meet them locally first. */
export const KV_LIMITS = {
  keyBytes: 512,
  valueBytes: 25 * 1024 * 1024,
  metadataBytes: 1024,
  minTtlSeconds: 60,
  listLimit: 1000,
} as const;

export const KV_KEY: KeyRule = { what: "KV key", maxBytes: KV_LIMITS.keyBytes, pathLike: true };

export const checkKvKey = (key: unknown): string => checkKey(key, KV_KEY);

export function checkKvValue(key: string, value: unknown): void {
  if (typeof value === "string" && fitsUtf8(value, KV_LIMITS.valueBytes)) return;
  const size =
    typeof value === "string" ? utf8Length(value) : value instanceof Uint8Array ? value.byteLength : undefined;
  if (size === undefined) {
    throw new CapError("CAP400", `KV value for "${key}" must be a string or a Uint8Array`, { key });
  }
  if (size > KV_LIMITS.valueBytes) {
    throw new CapError("CAP413", `KV value for "${key}" is ${size} bytes; the limit is ${KV_LIMITS.valueBytes}`, {
      key,
      bytes: size,
      limit: KV_LIMITS.valueBytes,
    });
  }
}

export function checkKvPutOptions(key: string, options: KvPutOptions, clock: CapClock): void {
  const { expirationTtl, expiration, metadata } = options;
  if (expirationTtl !== undefined) {
    if (!Number.isInteger(expirationTtl) || expirationTtl < KV_LIMITS.minTtlSeconds) {
      throw new CapError(
        "CAP400",
        `expirationTtl for "${key}" must be a whole number of seconds, at least ${KV_LIMITS.minTtlSeconds}; got ${expirationTtl}`,
        { key, expirationTtl },
      );
    }
  }
  if (expiration !== undefined) {
    if (!Number.isInteger(expiration) || expiration < Math.floor(clock.now() / 1000) + KV_LIMITS.minTtlSeconds) {
      throw new CapError(
        "CAP400",
        `expiration for "${key}" must be epoch seconds at least ${KV_LIMITS.minTtlSeconds} s ahead; got ${expiration}`,
        { key, expiration },
      );
    }
  }
  if (metadata !== undefined) {
    const bytes = utf8Length(JSON.stringify(metadata));
    if (bytes > KV_LIMITS.metadataBytes) {
      throw new CapError(
        "CAP413",
        `metadata for "${key}" is ${bytes} bytes of JSON; the limit is ${KV_LIMITS.metadataBytes}`,
        { key, bytes, limit: KV_LIMITS.metadataBytes },
      );
    }
  }
}
