import {
  type BusHandlers,
  createBusClient,
  createBusDispatcher,
  createHttpBusChannel,
  FLOWS_META_HEADER,
  serveBusOverHttp,
} from "@flows/caps/bus";
import { type ServedFetch, serveFetch } from "@flows/host-container";
import { afterEach, describe, expect, it } from "vitest";

// The bus over HTTP between a real node:http server (serveBusOverHttp, as the Worker serves it)
// and the container-side channel, over loopback.

const servers: ServedFetch[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function busServer(handlers: BusHandlers, allowed = Object.keys(handlers)) {
  const dispatcher = createBusDispatcher({ handlers, allowed: new Set(allowed) });
  const seen = { posts: 0, meta: [] as (string | null)[] };
  const served = await serveFetch(
    (request) => {
      seen.posts += 1;
      seen.meta.push(request.headers.get(FLOWS_META_HEADER));
      return serveBusOverHttp(request, dispatcher, { maxFrameBytes: 4096 });
    },
    { port: 0 },
  );
  servers.push(served);
  return { url: `http://127.0.0.1:${served.port}/bus`, seen };
}

function client(url: string, headers: Record<string, string> = {}) {
  let receive: (line: string) => void = () => {};
  const channel = createHttpBusChannel({ url, headers }, (line) => receive(line));
  const bus = createBusClient({ send: (line) => channel.send(line), timeoutMs: 10_000 });
  receive = (line) => bus.receive(line);
  return { bus, channel };
}

const store = new Map<string, unknown>();
const kv = {
  get: (params: unknown) => store.get((params as { key: string }).key) ?? null,
  put: (params: unknown) => {
    const { key, value } = params as { key: string; value: unknown };
    store.set(key, value);
    return null;
  },
};

describe("bus over HTTP (NDJSON)", () => {
  it("answers many calls, batched per tick into few POSTs, with the meta header on each", async () => {
    const { url, seen } = await busServer({ kv });
    const meta = JSON.stringify({ run_id: "r1", flow_id: "f" });
    const { bus } = client(url, { [FLOWS_META_HEADER]: meta });
    await bus.call("kv.put", { key: "a", value: { n: 1 } });
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, index) => bus.call("kv.get", { key: index % 2 ? "a" : "none" })),
    );
    expect(answers).toEqual(Array.from({ length: 40 }, (_, index) => (index % 2 ? { n: 1 } : null)));
    expect(seen.posts).toBeLessThan(41);
    expect(seen.meta.every((value) => value === meta)).toBe(true);
  });

  it("streams each answer as soon as it is ready, in any order", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { url, seen } = await busServer({ slow: { wait: async () => gate.then(() => "slow") }, kv });
    const { bus } = client(url);
    const slow = bus.call("slow.wait", {});
    const fast = bus.call("kv.get", { key: "missing" });
    // The fast answer arrives while the slow call of the same POST is still running.
    expect(await fast).toBeNull();
    expect(seen.posts).toBe(1);
    release();
    expect(await slow).toBe("slow");
  });

  it("answers malformed, oversized, unknown and undeclared frames with codes; cancels get none", async () => {
    const { url } = await busServer({ kv, do: { get: () => 1 } }, ["kv"]);
    const body = [
      "{not json",
      JSON.stringify({ id: "big", method: "kv.put", params: { value: "x".repeat(5000) } }),
      JSON.stringify({ id: "u", method: "kv.nope" }),
      JSON.stringify({ id: "d", method: "do.get" }),
      JSON.stringify({ id: "c", cancel: true }),
      JSON.stringify({ id: "ok", method: "kv.get", params: { key: "none" } }),
    ].join("\n");
    const response = await fetch(url, { method: "POST", headers: { "content-type": "application/x-ndjson" }, body });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/x-ndjson");
    const lines = (await response.text())
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { id: string | null; result?: unknown; error?: { code: string } });
    expect(lines).toHaveLength(5);
    const codes = lines.map((line) => line.error?.code ?? `result:${String(line.result)}`).sort();
    expect(codes).toEqual(["BUS400", "BUS404", "BUS413", "CAP403", "result:null"]);
    expect(lines.find((line) => line.id === "ok")?.result).toBeNull();

    const get = await fetch(url);
    expect(get.status).toBe(405);
    expect(((await get.json()) as { code: string }).code).toBe("BUS405");
  });

  it("answers every call of a failed POST with BUS503, retryable", async () => {
    const { url: live } = await busServer({ kv });
    const down = servers.pop();
    await down?.close();
    const { bus } = client(live);
    const failures = await Promise.all(
      [bus.call("kv.get", { key: "a" }), bus.call("kv.get", { key: "b" })].map((call) =>
        call.catch((error: unknown) => error),
      ),
    );
    for (const failure of failures) expect(failure).toMatchObject({ code: "BUS503", retryable: true });

    const refusing = await serveFetch(async () => new Response("no", { status: 502 }), { port: 0 });
    servers.push(refusing);
    const other = client(`http://127.0.0.1:${refusing.port}/bus`);
    await expect(other.bus.call("kv.get", { key: "a" })).rejects.toMatchObject({ code: "BUS503", retryable: true });
  });

  it("answers the unanswered calls with BUS503 when the response is cut short, and after close", async () => {
    const { url } = await busServer({ kv, hang: { forever: () => new Promise(() => {}) } });
    const cut = await serveFetch(
      async (request) => {
        const body = await request.text();
        const first = JSON.parse(body.split("\n")[0] ?? "{}") as { id: string };
        return new Response(`${JSON.stringify({ id: first.id, result: "first" })}\n`, {
          headers: { "content-type": "application/x-ndjson" },
        });
      },
      { port: 0 },
    );
    servers.push(cut);
    const short = client(`http://127.0.0.1:${cut.port}/bus`);
    const [first, second] = await Promise.all(
      [short.bus.call("kv.get", { key: "a" }), short.bus.call("kv.get", { key: "b" })].map((call) =>
        call.catch((error: unknown) => error),
      ),
    );
    expect(first).toBe("first");
    expect(second).toMatchObject({ code: "BUS503", retryable: true });

    const { bus, channel } = client(url);
    const hanging = bus.call("hang.forever", {}).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 20));
    channel.close();
    expect(await hanging).toMatchObject({ code: "BUS503", retryable: true });
    await expect(bus.call("kv.get", { key: "a" })).rejects.toMatchObject({ code: "BUS503" });
  });
});
