import { CapError } from "./errors";
import { fitsUtf8, utf8Length } from "./utf8";

const SLASH = 0x2f;
const BACKSLASH = 0x5c;

export interface KeyRule {
  /** What the key names, for messages: "KV key", "object key", … */
  readonly what: string;
  /** The platform's limit on the key's UTF-8 length. */
  readonly maxBytes: number;
  /**
   * Keys that name stored objects the way paths do (KV, R2) also refuse path escapes. Names
   * that only identify something (Durable Object keys, dedupe keys built from input data) do
   * not: "../x" is just a name there, and storage maps it to a safe file name regardless.
   */
  readonly pathLike?: boolean;
}

/**
 * Refuses keys that some provider would refuse or could not store safely, so the same flow
 * meets the same rule on every provider: empty keys, keys over the platform's byte limit, and
 * for path-like keys those that read as paths leaving a root (a leading "/", or a "." or ".."
 * segment). Cloudflare itself accepts some of the latter; refusing them everywhere keeps a flow
 * that passes locally on the file system from behaving differently in production.
 */
export function checkKey(key: unknown, rule: KeyRule): string {
  if (typeof key !== "string") {
    throw new CapError("CAP400", `${rule.what} must be a string, got ${typeof key}`, { key: String(key) });
  }
  if (key.length === 0) throw new CapError("CAP400", `${rule.what} must not be empty`, { key });
  if (!fitsUtf8(key, rule.maxBytes)) {
    const bytes = utf8Length(key);
    throw new CapError("CAP400", `${rule.what} is ${bytes} bytes of UTF-8; the limit is ${rule.maxBytes}`, {
      key: `${key.slice(0, 64)}…`,
      bytes,
      limit: rule.maxBytes,
    });
  }
  if (rule.pathLike !== true) return key;
  const first = key.charCodeAt(0);
  if (first === SLASH || first === BACKSLASH) {
    throw new CapError("CAP400", `${rule.what} "${key}" is an absolute path: drop the leading "/"`, { key });
  }
  // Only keys with a dot can have a "." or ".." segment; skipping the split keeps hot paths cheap.
  if (!key.includes(".")) return key;
  for (const segment of key.split(/[/\\]/)) {
    if (segment === "." || segment === "..") {
      throw new CapError("CAP400", `${rule.what} "${key}" has a "${segment}" path segment: such keys are refused`, {
        key,
      });
    }
  }
  return key;
}

/** Prefixes in list calls follow the key rule loosely: empty is fine, but not past the limit. */
export function checkPrefix(prefix: unknown, rule: KeyRule): string | undefined {
  if (prefix === undefined) return undefined;
  if (typeof prefix !== "string") throw new CapError("CAP400", `${rule.what} prefix must be a string`, {});
  if (!fitsUtf8(prefix, rule.maxBytes)) {
    throw new CapError("CAP400", `${rule.what} prefix is longer than the ${rule.maxBytes}-byte key limit`, {
      limit: rule.maxBytes,
    });
  }
  return prefix;
}

/** A positive integer no larger than `max`, or the default when absent. */
export function checkLimit(value: unknown, what: string, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > max) {
    throw new CapError("CAP400", `${what} must be an integer from 1 to ${max}, got ${String(value)}`, {
      value,
      max,
    });
  }
  return value;
}
