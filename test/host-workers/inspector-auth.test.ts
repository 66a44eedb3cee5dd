import type { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession } from "../../host-workers/src/session";
import { API_TOKEN, auth, bundleFixture, startMiniflare, waitFor, workerOptions } from "./support";

// The inspector's sign-in and the API's session cookie, against the Worker in workerd: no
// cookie, a forged or expired cookie, a cross-site POST and a token in the URL are refused,
// and the API token shows up in no response body and no line the Worker logs.

const ORIGIN = "http://flows.test";
const EVIL = "https://evil.example";
let mf: Miniflare;
const logs: string[] = [];
/** Every response body this file saw, to look for the token in afterwards. */
const bodies: string[] = [];

async function send(path: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; text: string }> {
  const response = await mf.dispatchFetch(`${ORIGIN}${path}`, { redirect: "manual", ...init } as never);
  const text = await response.text();
  bodies.push(text);
  return { status: response.status, headers: response.headers as unknown as Headers, text };
}

const signIn = (token: string, origin = ORIGIN) =>
  send("/_flows/login", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin },
    body: new URLSearchParams({ token }).toString(),
  });

/** The cookie pair (`name=value`) a sign-in set. */
async function sessionCookie(): Promise<string> {
  const answer = await signIn(API_TOKEN);
  expect(answer.status).toBe(303);
  const cookie = answer.headers.get("set-cookie") ?? "";
  return cookie.split(";")[0] as string;
}

beforeAll(async () => {
  const script = await bundleFixture();
  mf = startMiniflare(
    workerOptions(script, {
      handleRuntimeStdio: (stdout, stderr) => {
        stdout.on("data", (chunk: Buffer) => logs.push(...chunk.toString().split("\n").filter(Boolean)));
        stderr.on("data", (chunk: Buffer) => logs.push(...chunk.toString().split("\n").filter(Boolean)));
      },
    }),
  );
  await mf.ready;
}, 60_000);

afterAll(async () => {
  await mf?.dispose();
});

describe("the inspector page", () => {
  it("is served at /_flows/ with its script and style, under a strict CSP, to anyone", async () => {
    const page = await send("/_flows/");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(page.text).toContain('src="/_flows/app.js"');
    const script = await send("/_flows/app.js");
    expect(script.headers.get("content-type")).toContain("text/javascript");
    expect(script.text.length).toBeGreaterThan(10_000);
    expect((await send("/_flows/app.css")).headers.get("content-type")).toContain("text/css");
    expect((await send("/_flows")).headers.get("location")).toBe("/_flows/");
    // Revalidated by ETag: the same build's files are not sent again.
    const etag = script.headers.get("etag") ?? "";
    expect(etag).toMatch(/^"[0-9a-f]{16}"$/);
    const again = await send("/_flows/app.js", { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    expect(again.text).toBe("");
  });
});

describe("sign-in", () => {
  it("sets an HttpOnly, Secure, SameSite=Strict session cookie that holds no token", async () => {
    const answer = await signIn(API_TOKEN);
    expect(answer.status).toBe(303);
    expect(answer.headers.get("location")).toBe("/_flows/?signin=ok");
    const cookie = answer.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^__Host-flows_session=v1\.\d+\.[\w-]+\.[\w-]+; /);
    for (const attribute of ["Path=/", "HttpOnly", "Secure", "SameSite=Strict", "Max-Age=43200"])
      expect(cookie).toContain(attribute);
    expect(cookie).not.toContain(API_TOKEN);
    expect(cookie).not.toContain(encodeURIComponent(API_TOKEN));

    const pair = cookie.split(";")[0] as string;
    const flows = await send("/flows", { headers: { cookie: pair } });
    expect(flows.status).toBe(200);
    const session = await send("/_flows/session", { headers: { cookie: pair } });
    expect(JSON.parse(session.text)).toMatchObject({ signed_in: true });
  });

  it("refuses a wrong token without a cookie, and a sign-in posted from another site", async () => {
    const wrong = await signIn("not-the-token");
    expect(wrong.status).toBe(303);
    expect(wrong.headers.get("location")).toBe("/_flows/?signin=failed");
    expect(wrong.headers.get("set-cookie")).toBeNull();
    const crossSite = await signIn(API_TOKEN, EVIL);
    expect(crossSite.status).toBe(403);
    expect(JSON.parse(crossSite.text)).toMatchObject({ code: "AUTH403" });
    expect(crossSite.headers.get("set-cookie")).toBeNull();
  });

  it("signs out: the cookie is cleared", async () => {
    const out = await send("/_flows/logout", { method: "POST", headers: { origin: ORIGIN } });
    expect(out.status).toBe(303);
    expect(out.headers.get("set-cookie")).toMatch(/^__Host-flows_session=; .*Max-Age=0/);
    expect((await send("/_flows/logout", { method: "POST", headers: { origin: EVIL } })).status).toBe(403);
  });
});

describe("the API with a session", () => {
  it("refuses a request with no cookie and no token", async () => {
    for (const path of ["/flows", "/runs/anything", "/_flows/session"]) {
      const answer = await send(path);
      expect(answer.status, path).toBe(401);
      expect(JSON.parse(answer.text), path).toMatchObject({ code: "AUTH401" });
    }
  });

  it("refuses forged, tampered, foreign and expired cookies", async () => {
    const good = (await sessionCookie()).split("=")[1] as string;
    const [version, expiry, nonce, mac] = good.split(".") as [string, string, string, string];
    const flipped = `${mac.slice(0, -1)}${mac.endsWith("A") ? "B" : "A"}`;
    const forged = [
      "v1.9999999999999.abc.def",
      `${version}.${Number(expiry) + 1000}.${nonce}.${mac}`,
      `${version}.${expiry}.${nonce}.${flipped}`,
      await createSession("some-other-token", Date.now()),
      await createSession(API_TOKEN, Date.now() - 13 * 60 * 60 * 1000),
      API_TOKEN,
    ];
    for (const value of forged) {
      const answer = await send("/flows", { headers: { cookie: `__Host-flows_session=${value}` } });
      expect(answer.status, value).toBe(401);
      expect(JSON.parse(answer.text)).toMatchObject({ code: "AUTH401" });
    }
  });

  it("refuses a state-changing request from another site, accepts it from the page's origin", async () => {
    const cookie = await sessionCookie();
    const start = await send("/flows/slow/runs?run_id=csrf-victim", {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ id: "csrf" }),
    });
    expect(start.status).toBe(202);
    const attempts: Record<string, string>[] = [
      { origin: EVIL },
      { origin: "null" },
      { origin: `${ORIGIN}.evil.example` },
      { "sec-fetch-site": "cross-site" },
      { "sec-fetch-site": "same-site" },
      {},
    ];
    for (const headers of attempts) {
      const answer = await send("/runs/csrf-victim/cancel", { method: "POST", headers: { cookie, ...headers } });
      expect(answer.status, JSON.stringify(headers)).toBe(403);
      expect(JSON.parse(answer.text)).toMatchObject({ code: "AUTH403" });
    }
    // Nothing was cancelled by those.
    const status = await send("/runs/csrf-victim", { headers: auth });
    expect(JSON.parse(status.text).status).not.toBe("cancelled");
    // The same request from the page itself goes through; also where Chromium sends `Origin: null`
    // (a form POST from a page under a no-referrer policy) and says same-origin in Sec-Fetch-Site.
    const fromForm = { cookie, origin: "null", "sec-fetch-site": "same-origin" };
    const unknown = await send("/runs/no-such-run/cancel", { method: "POST", headers: fromForm });
    expect(JSON.parse(unknown.text)).toMatchObject({ code: "RUN404" });
    const own = await send("/runs/csrf-victim/cancel", { method: "POST", headers: { cookie, origin: ORIGIN } });
    expect(own.status).toBe(200);
    expect(JSON.parse(own.text)).toMatchObject({ status: "cancelled" });
    // A bearer token needs no origin: it is not sent by browsers on their own.
    const again = await send("/runs/csrf-victim/cancel", { method: "POST", headers: auth });
    expect(JSON.parse(again.text)).toMatchObject({ code: "RUN409" });
  });

  it("refuses an API token in the URL on every path, without echoing it", async () => {
    const paths = [
      `/flows?token=${API_TOKEN}`,
      `/runs?api_token=${API_TOKEN}`,
      `/health?access_token=${API_TOKEN}`,
      `/_flows/?token=${API_TOKEN}`,
      `/flows/slow/invoke?run_id=x&token=${API_TOKEN}`,
    ];
    for (const path of paths) {
      const answer = await send(path, { method: path.includes("invoke") ? "POST" : "GET", headers: auth });
      expect(answer.status, path).toBe(400);
      expect(JSON.parse(answer.text), path).toMatchObject({ code: "AUTH400" });
    }
    // The bearer token alone is fine.
    expect((await send("/flows", { headers: auth })).status).toBe(200);
  });

  it("never shows the API token: not in a response body, not in a log line", async () => {
    const cookie = await sessionCookie();
    // A run that fails, a run that halts, and their details, read with the cookie.
    await send("/flows/failing/invoke?run_id=leak-fail", {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: "{}",
    });
    await send("/flows/orders/invoke?run_id=leak-halt", {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ order_id: "o-1" }),
    });
    for (const path of ["/runs/leak-fail", "/runs/leak-halt", "/flows", "/_flows/session", "/_flows/app.js"])
      await send(path, { headers: { cookie } });
    await waitFor(async () => (logs.length > 0 ? true : undefined), "the Worker's log lines");
    expect(bodies.length).toBeGreaterThan(40);
    for (const body of bodies) expect(body).not.toContain(API_TOKEN);
    for (const line of logs) expect(line).not.toContain(API_TOKEN);
  });
});
