import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UsageError } from "../exit";
import { followRun, getRun, listRuns } from "./client";
import { RemoteError } from "./remote-error";
import { type RemoteTarget, remoteTarget } from "./target";

// The Worker client against a loopback server that speaks the run routes' contract, and
// misbehaves on purpose: HTML, silence, redirects, a stream that drops mid-run.

const TOKEN = "s3cret-token-value";
let server: Server;
let base = "";
const seen: { path: string; lastEventId: string | undefined; authorization: string | undefined }[] = [];
let drops = 0;

const entries = [
  { type: "started", flow: "hello", trigger: "http", capture: "out", payload: {}, at: 1 },
  { type: "completed", node: "a", output: 1, attempts: 1, started_at: 2, duration_ms: 3 },
  { type: "completed", node: "b", output: 2, attempts: 1, started_at: 5, duration_ms: 1 },
  { type: "finished", status: "completed", output: 2, at: 7 },
];
const frame = (seq: number) => `id: ${seq}\nevent: ${entries[seq]?.type}\ndata: ${JSON.stringify(entries[seq])}\n\n`;

function answer(request: IncomingMessage, response: ServerResponse): void {
  const url = new URL(request.url ?? "/", "http://loopback");
  seen.push({
    path: url.pathname + url.search,
    lastEventId: request.headers["last-event-id"] as string | undefined,
    authorization: request.headers.authorization,
  });
  if (request.headers.authorization !== `Bearer ${TOKEN}`) {
    response.writeHead(401, { "content-type": "application/json" });
    response.end(JSON.stringify({ error: "the bearer token is not valid", code: "AUTH401", details: {} }));
    return;
  }
  switch (url.pathname) {
    case "/runs":
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ runs: [], next_cursor: null }));
      return;
    case "/runs/html":
      response.writeHead(200, { "content-type": "text/html" });
      response.end("<html>sign in</html>");
      return;
    case "/runs/slow":
      // Never answers: the client's wait ends it.
      return;
    case "/runs/moved":
      response.writeHead(302, { location: "http://elsewhere.invalid/runs/moved" });
      response.end();
      return;
    case "/runs/gone":
      response.writeHead(404, { "content-type": "application/json" });
      response.end(JSON.stringify({ error: "no run gone", code: "RUN404", details: {} }));
      return;
    case "/runs/r1/events": {
      const after = Number(request.headers["last-event-id"] ?? url.searchParams.get("after") ?? -1);
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.write(": keep-alive\n\n");
      let seq = after + 1;
      response.write(frame(seq));
      seq += 1;
      // The first connection drops after two entries; the client opens it again after them.
      if (drops === 0) {
        drops += 1;
        // Dropped once both are on the wire, so the client has read them.
        response.write(frame(seq), () => setTimeout(() => response.socket?.destroy(), 50));
        return;
      }
      for (; seq < entries.length; seq += 1) response.write(frame(seq));
      response.end();
      return;
    }
    default:
      response.writeHead(404, { "content-type": "application/json" });
      response.end(JSON.stringify({ error: `no route GET ${url.pathname}`, code: "ROUTE404", details: {} }));
  }
}

const target = (overrides: Partial<RemoteTarget> = {}): RemoteTarget => {
  const made = remoteTarget({ url: base, token: TOKEN }, {});
  if (made === undefined) throw new Error("no target");
  return { ...made, ...overrides };
};

async function refusalOf(promise: Promise<unknown>): Promise<RemoteError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof RemoteError)) throw new Error(`expected a RemoteError, got ${String(error)}`);
  expect(error.message).not.toContain(TOKEN);
  return error;
}

beforeAll(async () => {
  server = createServer(answer);
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
});

describe("remoteTarget", () => {
  it("takes --url and --token over FLOWS_URL and FLOWS_API_TOKEN", () => {
    const env = { FLOWS_URL: "http://env.example", FLOWS_API_TOKEN: "from-env" };
    expect(remoteTarget({}, env)).toMatchObject({
      display: "http://env.example",
      token: "from-env",
      tokenSource: "FLOWS_API_TOKEN",
    });
    expect(remoteTarget({ url: "https://flag.example/base", token: "from-flag" }, env)).toMatchObject({
      display: "https://flag.example/base",
      token: "from-flag",
      tokenSource: "--token",
    });
    expect(remoteTarget({}, {})).toBeUndefined();
  });

  it("refuses a token in the URL, a missing token and a URL that is not http(s), never echoing the token", () => {
    const refusal = (flags: Parameters<typeof remoteTarget>[0], env = {}) => {
      try {
        remoteTarget(flags, env);
      } catch (error) {
        if (error instanceof UsageError) return { code: error.code, message: error.message };
      }
      return undefined;
    };
    for (const name of ["token", "api_token", "access_token"]) {
      const got = refusal({ url: `http://w.example/?${name}=${TOKEN}`, token: "x" });
      expect(got?.code).toBe("AUTH400");
      expect(got?.message).not.toContain(TOKEN);
    }
    expect(refusal({ url: `http://user:${TOKEN}@w.example/` })?.code).toBe("AUTH400");
    expect(refusal({ url: "http://w.example" })).toMatchObject({
      code: "AUTH401",
      message: expect.stringContaining("FLOWS_API_TOKEN"),
    });
    expect(refusal({ url: "ftp://w.example", token: "x" })?.code).toBe("URL400");
    expect(refusal({ url: "not a url", token: "x" })?.code).toBe("URL400");
    expect(refusal({ token: "x" })?.code).toBe("USAGE");
  });
});

describe("the Worker client", () => {
  it("sends the bearer token and reads GET /runs", async () => {
    await expect(listRuns(target(), { limit: 5, status: ["halted", "failed"], since: 10 })).resolves.toEqual({
      runs: [],
      next_cursor: null,
    });
    expect(seen.at(-1)).toMatchObject({
      path: "/runs?status=halted%2Cfailed&since=10&limit=5",
      authorization: `Bearer ${TOKEN}`,
    });
  });

  it("says which flag or variable gave a refused token, without the token", async () => {
    const flag = await refusalOf(listRuns(target({ token: "wrong", tokenSource: "--token" }), { limit: 1 }));
    expect(flag).toMatchObject({ code: "AUTH401", exitCode: 2 });
    expect(flag.message).toContain("--token");
    const env = await refusalOf(getRun(target({ token: "wrong", tokenSource: "FLOWS_API_TOKEN" }), "r1"));
    expect(env.message).toContain("FLOWS_API_TOKEN");
  });

  it("names unreachable Workers, silence, redirects, HTML and unknown routes with stable codes", async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, "127.0.0.1", done));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((done) => closed.close(done));
    const unreachable = await refusalOf(
      listRuns(target({ base: new URL(`http://127.0.0.1:${port}/`), display: `http://127.0.0.1:${port}` }), {
        limit: 1,
      }),
    );
    expect(unreachable.code).toBe("REMOTE503");
    expect(unreachable.message).toContain("connection refused");
    const started = Date.now();
    const slow = await refusalOf(getRun(target({ timeoutMs: 300 }), "slow"));
    expect(slow.code).toBe("REMOTE504");
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await refusalOf(getRun(target(), "moved"))).code).toBe("REMOTE502");
    const html = await refusalOf(getRun(target(), "html"));
    expect(html.code).toBe("REMOTE502");
    expect(html.message).toContain("text/html");
    expect((await refusalOf(getRun(target(), "gone"))).code).toBe("RUN404");
    expect((await refusalOf(followRun(target(), "nothing").next())).code).toBe("ROUTE404");
  });

  it("follows the event stream to the finished entry, reopening it after the last entry when it drops", async () => {
    const got: number[] = [];
    for await (const item of followRun(target(), "r1", { reconnectDelayMs: 10 })) got.push(item.seq);
    expect(got).toEqual([0, 1, 2, 3]);
    const reopened = seen.filter((call) => call.path === "/runs/r1/events");
    expect(reopened.map((call) => call.lastEventId)).toEqual([undefined, "1"]);
  });
});
