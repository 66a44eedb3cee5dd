import { CapError, canonicalJson, checkKey, fitsUtf8, type KeyRule, utf8Length } from "@flows/caps";

/** Durable Object storage limits (SQLite-backed): keys up to 2 KiB, values up to 2 MiB. */
export const DO_LIMITS = {
  keyBytes: 2048,
  valueBytes: 2 * 1024 * 1024,
  ownerBytes: 512,
  /** Ledger TTLs up to 30 days; longer keeps keys around past any sensible retry window. */
  maxTtlMs: 30 * 24 * 60 * 60 * 1000,
  /** Compare-and-set rounds before an update gives up with CAP409. */
  updateAttempts: 1000,
} as const;

const STATE_KEY: KeyRule = { what: "state key", maxBytes: DO_LIMITS.keyBytes };
const SEQUENCE: KeyRule = { what: "sequence name", maxBytes: DO_LIMITS.keyBytes };
const DEDUPE_KEY: KeyRule = { what: "dedupe key", maxBytes: DO_LIMITS.keyBytes };
const OWNER: KeyRule = { what: "owner", maxBytes: DO_LIMITS.ownerBytes };

export const checkStateKey = (key: unknown) => checkKey(key, STATE_KEY);
export const checkSequence = (name: unknown) => checkKey(name, SEQUENCE);
export const checkDedupeKey = (key: unknown) => checkKey(key, DEDUPE_KEY);
export const checkOwner = (owner: unknown) => checkKey(owner, OWNER);

/** Canonical JSON text of a value that JSON can hold, within the value limit. */
export function toStoredJson(key: string, value: unknown): string {
  let text: string | undefined;
  try {
    text = value === undefined ? undefined : canonicalJson(value);
  } catch (error) {
    throw new CapError("CAP400", `the value for "${key}" cannot be stored as JSON: ${String(error)}`, { key });
  }
  if (text === undefined) {
    throw new CapError("CAP400", `the value for "${key}" must be a JSON value, got ${typeof value}`, { key });
  }
  if (fitsUtf8(text, DO_LIMITS.valueBytes)) return text;
  const bytes = utf8Length(text);
  if (bytes > DO_LIMITS.valueBytes) {
    throw new CapError(
      "CAP413",
      `the value for "${key}" is ${bytes} bytes of JSON; the limit is ${DO_LIMITS.valueBytes}`,
      {
        key,
        bytes,
        limit: DO_LIMITS.valueBytes,
      },
    );
  }
  return text;
}

export function checkTtl(ttlMs: unknown): number {
  if (typeof ttlMs !== "number" || !Number.isInteger(ttlMs) || ttlMs < 1 || ttlMs > DO_LIMITS.maxTtlMs) {
    throw new CapError("CAP400", `ttlMs must be a whole number of milliseconds from 1 to ${DO_LIMITS.maxTtlMs}`, {
      ttlMs,
    });
  }
  return ttlMs;
}
