import { describe, expect, it } from "vitest";
import { createResumeToken, verifyResumeToken } from "./resume-token";

const claims = { run: "r-1", checkpoint: "manager", halt: "h-1", exp: 2_000 };

describe("resume tokens", () => {
  it("verifies a token signed with the same secret before it expires", async () => {
    const token = await createResumeToken(claims, "secret");
    expect(await verifyResumeToken(token, "secret", 1_000)).toEqual({ ok: true, claims });
  });

  it("refuses another secret, a changed payload, an expired token and garbage", async () => {
    const token = await createResumeToken(claims, "secret");
    expect(await verifyResumeToken(token, "other", 1_000)).toEqual({ ok: false, reason: "bad signature" });
    const [, signature] = token.split(".");
    const forged = `${btoa(JSON.stringify({ ...claims, run: "r-2" })).replaceAll("=", "")}.${signature}`;
    expect(await verifyResumeToken(forged, "secret", 1_000)).toEqual({ ok: false, reason: "bad signature" });
    expect(await verifyResumeToken(token, "secret", 2_000)).toEqual({ ok: false, reason: "token expired" });
    expect(await verifyResumeToken("not-a-token", "secret", 1_000)).toEqual({ ok: false, reason: "malformed token" });
    expect(await verifyResumeToken("a.b.c", "secret", 1_000)).toEqual({ ok: false, reason: "malformed token" });
  });
});
