import { constantTimeEqual } from "@flows/kernel";
import { fromBase64Url, toBase64Url } from "./base64url";
import { hmacSha256 } from "./hmac";

/**
 * Resume tokens handed out when a run halts: the run, checkpoint and the kernel's own halt
 * token, with an expiry, signed with HMAC-SHA256 under a secret. Anyone holding the token may
 * resume that one halt, once, before it expires; nothing else verifies.
 */
export interface ResumeClaims {
  readonly run: string;
  readonly checkpoint: string;
  /** The kernel's halt token, checked again by the kernel against the journal. */
  readonly halt: string;
  /** Expiry, milliseconds since the epoch. */
  readonly exp: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const sign = (payload: string, secret: string): Promise<string> => hmacSha256(secret, payload);

export async function createResumeToken(claims: ResumeClaims, secret: string): Promise<string> {
  const payload = toBase64Url(encoder.encode(JSON.stringify(claims)));
  return `${payload}.${await sign(payload, secret)}`;
}

/** The claims of a token signed with `secret` that has not expired, or why it is refused. */
export async function verifyResumeToken(
  token: string,
  secret: string,
  now: number,
): Promise<{ ok: true; claims: ResumeClaims } | { ok: false; reason: string }> {
  const [payload, signature, ...rest] = token.split(".");
  if (payload === undefined || signature === undefined || rest.length > 0)
    return { ok: false, reason: "malformed token" };
  if (!constantTimeEqual(await sign(payload, secret), signature)) return { ok: false, reason: "bad signature" };
  const bytes = fromBase64Url(payload);
  if (bytes === undefined) return { ok: false, reason: "malformed token" };
  let claims: ResumeClaims;
  try {
    claims = JSON.parse(decoder.decode(bytes)) as ResumeClaims;
  } catch {
    return { ok: false, reason: "malformed token" };
  }
  if (typeof claims.exp !== "number" || claims.exp <= now) return { ok: false, reason: "token expired" };
  return { ok: true, claims };
}
