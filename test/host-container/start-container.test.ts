import { DEFAULT_BUS_URL, serveBusOverHttp } from "@flows/caps/bus";
import { startContainer } from "@flows/host-container";
import { afterEach, describe, expect, it } from "vitest";
import { hostStores, meta, post } from "./container-harness";
import app from "./fixture/app";

// startContainer from code, its bus reached through the `fetch` option (what the Container
// class's outbound handler does for bus.flows.internal), served by a dispatcher over OpenDAL fs.

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe("startContainer", () => {
  it("serves /run through a bus reached by the fetch option, and close() drains", async () => {
    const stores = hostStores();
    cleanups.push(() => stores.remove());
    const urls: string[] = [];
    const container = await startContainer({
      ...app,
      port: 0,
      host: "127.0.0.1",
      fetch: (url, init) => {
        urls.push(url);
        return serveBusOverHttp(new Request(url, init), stores.dispatcher);
      },
    });
    cleanups.push(() => container.close());
    const base = `http://127.0.0.1:${container.port}`;
    const outcome = await post(base, "/run", meta("api-1", "orders"), { flow: "orders", payload: { id: "api" } });
    expect(outcome.body).toMatchObject({ status: "completed", output: { saved: "orders/api" } });
    expect(await stores.kv.get("orders/api")).toBe('{"id":"api"}');
    expect(new Set(urls)).toEqual(new Set([DEFAULT_BUS_URL]));
    // This app has no fetch of its own: paths the flow API does not claim are ROUTE404.
    const unknownRoute = await fetch(`${base}/nowhere`);
    expect(unknownRoute.status).toBe(404);
    expect(((await unknownRoute.json()) as { code: string }).code).toBe("ROUTE404");
    await container.close();
    await expect(fetch(`${base}/ping`)).rejects.toThrow();
  });
});
