import { describe, expect, it } from "vitest";
import { createSession, readCookie, SESSION_COOKIE, SESSION_TTL_MS, sessionCookie, verifySession } from "./session";

const TOKEN = "the-api-token";
const NOW = 1_800_000_000_000;

describe("inspector sessions", () => {
  it("verify until their expiry, under the token that signed them only", async () => {
    const value = await createSession(TOKEN, NOW);
    expect(value).not.toContain(TOKEN);
    expect(await verifySession(value, TOKEN, NOW + 1000)).toBe(NOW + SESSION_TTL_MS);
    expect(await verifySession(value, TOKEN, NOW + SESSION_TTL_MS)).toBeUndefined();
    expect(await verifySession(value, "a-rotated-token", NOW)).toBeUndefined();
  });

  it("refuse any change to the expiry, nonce or MAC, and malformed values", async () => {
    const value = await createSession(TOKEN, NOW);
    const [version, expiry, nonce, mac] = value.split(".") as [string, string, string, string];
    const changed = [
      `${version}.${Number(expiry) + 1}.${nonce}.${mac}`,
      `${version}.${expiry}.${nonce}x.${mac}`,
      `${version}.${expiry}.${nonce}.${mac.slice(1)}`,
      `v2.${expiry}.${nonce}.${mac}`,
      `${value}.extra`,
      "",
      "v1",
      "v1.abc.def.ghi",
      `v1.-5.${nonce}.${mac}`,
    ];
    for (const forged of changed) expect(await verifySession(forged, TOKEN, NOW), forged).toBeUndefined();
  });

  it("differ each time: a nonce in every session", async () => {
    expect(await createSession(TOKEN, NOW)).not.toBe(await createSession(TOKEN, NOW));
  });

  it("are read from the Cookie header by exact name", () => {
    const request = new Request("https://x.test/", {
      headers: { cookie: `other=1; x${SESSION_COOKIE}=no; ${SESSION_COOKIE}=v1.2.3.4; last=2` },
    });
    expect(readCookie(request, SESSION_COOKIE)).toBe("v1.2.3.4");
    expect(readCookie(new Request("https://x.test/"), SESSION_COOKIE)).toBeUndefined();
    expect(sessionCookie("v")).toBe(`${SESSION_COOKIE}=v; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=43200`);
  });
});
