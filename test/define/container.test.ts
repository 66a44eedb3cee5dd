import { kvCapability } from "@flows/cap-kv";
import { serveBusOverHttp } from "@flows/caps/bus";
import { defineFlow, use } from "@flows/define";
import { startContainer } from "@flows/host-container";
import { afterEach, describe, expect, it } from "vitest";
import { hostStores, meta, post } from "../host-container/container-harness";

// The container runtime takes a defined flow as it is: its document and the implementations
// it carries, the KV write travelling over the real bus to a dispatcher on OpenDAL fs.

const saves = defineFlow({ id: "saves" }, (f) => {
  const start = f.trigger("start", { run: (payload) => payload as { id: string } });
  f.node("save", {
    after: start,
    uses: [use(kvCapability, "write")],
    idempotency: { key: "id" },
    run: async (input, ctx) => {
      await ctx.caps.kv.put(`saves/${input.id}`, JSON.stringify(input));
      return { saved: `saves/${input.id}` };
    },
  });
});

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe("a defined flow in the container runtime", () => {
  it("runs with no registry, its capability calls over the bus", async () => {
    const stores = hostStores();
    cleanups.push(() => stores.remove());
    const container = await startContainer({
      flows: [saves],
      port: 0,
      host: "127.0.0.1",
      fetch: (url, init) => serveBusOverHttp(new Request(url, init), stores.dispatcher),
    });
    cleanups.push(() => container.close());
    const base = `http://127.0.0.1:${container.port}`;
    const outcome = await post(base, "/run", meta("d-1", "saves"), { flow: "saves", payload: { id: "x" } });
    expect(outcome.body).toMatchObject({ status: "completed", output: { saved: "saves/x" } });
    expect(await stores.kv.get("saves/x")).toBe('{"id":"x"}');
  });
});
