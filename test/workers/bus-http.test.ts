import { createBusClient, createBusDispatcher, createHttpBusChannel, serveBusOverHttp } from "@flows/caps/bus";
import { describe, expect, it } from "vitest";

// The bus's HTTP transport inside workerd: the container-side channel's fetch is answered by
// serveBusOverHttp in the same isolate, as the Container class's outbound handler would.
describe("bus over HTTP inside workerd", () => {
  it("round-trips calls through serveBusOverHttp with streamed NDJSON answers", async () => {
    const values = new Map<string, unknown>();
    const dispatcher = createBusDispatcher({
      handlers: {
        kv: {
          put: (params) => {
            const { key, value } = params as { key: string; value: unknown };
            values.set(key, value);
            return null;
          },
          get: (params) => values.get((params as { key: string }).key) ?? null,
        },
      },
      allowed: new Set(["kv"]),
    });
    let posts = 0;
    let receive: (line: string) => void = () => {};
    const channel = createHttpBusChannel(
      {
        url: "http://bus.flows.internal/bus",
        fetch: (url, init) => {
          posts += 1;
          return serveBusOverHttp(new Request(url, init), dispatcher);
        },
      },
      (line) => receive(line),
    );
    const bus = createBusClient({ send: (line) => channel.send(line), timeoutMs: 5_000 });
    receive = (line) => bus.receive(line);
    await bus.call("kv.put", { key: "k", value: "v" });
    const got = await Promise.all(Array.from({ length: 10 }, () => bus.call("kv.get", { key: "k" })));
    expect(got).toEqual(Array.from({ length: 10 }, () => "v"));
    expect(posts).toBe(2);
    await expect(bus.call("kv.nope", {})).rejects.toMatchObject({ code: "BUS404" });
    const refused = await serveBusOverHttp(new Request("http://bus.flows.internal/bus"), dispatcher);
    expect(refused.status).toBe(405);
  });
});
