import { toBase64Url } from "./base64url";

const encoder = new TextEncoder();

/** HMAC-SHA256 of `message` under `secret`, base64url: the signature of resume tokens and session cookies. */
export async function hmacSha256(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  return toBase64Url(new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(message))));
}
