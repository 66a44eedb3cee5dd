import { constantTimeEqual } from "@flows/kernel";
import { toBase64Url } from "./base64url";
import { hmacSha256 } from "./hmac";

/**
 * The inspector page's session: after a sign-in with the API token, the browser holds a cookie
 * `v1.<expiry>.<nonce>.<mac>`, the MAC an HMAC-SHA256 under the API token itself. The token is
 * in no cookie; a cookie nobody signed with the token fails; rotating the token ends every
 * session at once; each session ends at its expiry whatever the browser does with the cookie.
 */
export const SESSION_COOKIE = "__Host-flows_session";
/** A working day: long enough to watch runs, short enough that a left-open laptop forgets. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

// The MAC covers this label, so a session MAC is never valid as any other value signed with the token.
const LABEL = "flows-inspector-session:v1";

const mac = (token: string, expiresAt: number, nonce: string): Promise<string> =>
  hmacSha256(token, `${LABEL}:${expiresAt}:${nonce}`);

/** A new session value signed with the API token, valid until `now + ttlMs`. */
export async function createSession(token: string, now: number, ttlMs = SESSION_TTL_MS): Promise<string> {
  const expiresAt = now + ttlMs;
  const nonce = toBase64Url(crypto.getRandomValues(new Uint8Array(16)));
  return `v1.${expiresAt}.${nonce}.${await mac(token, expiresAt, nonce)}`;
}

/** The session's expiry when `value` was signed with `token` and has not expired; otherwise undefined. */
export async function verifySession(value: string, token: string, now: number): Promise<number | undefined> {
  const [version, expiry, nonce, signature, ...rest] = value.split(".");
  if (version !== "v1" || nonce === undefined || signature === undefined || rest.length > 0) return undefined;
  if (!/^\d{1,16}$/.test(expiry ?? "")) return undefined;
  const expiresAt = Number(expiry);
  if (!constantTimeEqual(await mac(token, expiresAt, nonce), signature)) return undefined;
  return expiresAt > now ? expiresAt : undefined;
}

/** The value of cookie `name` in the request's Cookie header, if it has one. */
export function readCookie(request: Request, name: string): string | undefined {
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const at = part.indexOf("=");
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/** `Set-Cookie` for a new session; `Secure` and the `__Host-` prefix keep it to this origin over HTTPS. */
export function sessionCookie(value: string, ttlMs = SESSION_TTL_MS): string {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=${Math.floor(ttlMs / 1000)}`;
}

/** `Set-Cookie` that removes the session from the browser. */
export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0`;
}
