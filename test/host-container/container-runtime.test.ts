import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildContainerBin,
  type Container,
  type HostStores,
  hostStores,
  keys,
  meta,
  post,
  serveBus,
  startContainerProcess,
} from "./container-harness";

// The container runtime as a real child process (the `flows-container` binary, loading a
// TypeScript app), its bus over HTTP to a host-side server with real OpenDAL fs stores.

let stores: HostStores;
let bus: Awaited<ReturnType<typeof serveBus>>;
let container: Container;

beforeAll(async () => {
  buildContainerBin();
  stores = hostStores();
  bus = await serveBus(stores);
  container = await startContainerProcess({ FLOWS_BUS_URL: bus.url });
}, 60_000);

afterAll(async () => {
  container?.child.kill("SIGKILL");
  await bus?.close();
  stores?.remove();
});

describe("flows-container over the HTTP bus", () => {
  it("answers /ping", async () => {
    const response = await fetch(`${container.base}/ping`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });

  it("runs a flow whose node writes KV on the host, journals it host-side, and replays it", async () => {
    const headers = meta("run-1", "orders", { colo: "FRA", country: "DE", client_ip: "203.0.113.7" });
    const first = await post(container.base, "/run", headers, { flow: "orders", payload: { id: "o-1", total: 12 } });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      status: "completed",
      runId: "run-1",
      output: {
        saved: "orders/o-1",
        run: { run_id: "run-1", flow_id: "orders", colo: "FRA", country: "DE", client_ip: "203.0.113.7" },
      },
    });
    expect(JSON.parse((await stores.kv.get("orders/o-1")) ?? "null")).toEqual({ id: "o-1", total: 12 });
    const journal = await stores.journal.read("run-1");
    expect(journal.map((entry) => entry.type)).toEqual(["started", "completed", "completed", "completed", "finished"]);
    expect(await keys(stores, "executions/run-1/save/")).toHaveLength(1);
    // Every bus POST named the run.
    expect(bus.metas.some((value) => JSON.parse(value).run_id === "run-1")).toBe(true);

    const second = await post(container.base, "/run", headers, { flow: "orders", payload: { id: "o-1", total: 12 } });
    expect(second.body).toEqual(first.body);
    expect(await keys(stores, "executions/run-1/save/")).toHaveLength(1);
    expect(await stores.journal.read("run-1")).toHaveLength(journal.length);
  });

  it("continues an interrupted run from its host-side journal, executing only what did not complete", async () => {
    await stores.journal.append("run-2", [
      { type: "started", flow: "orders", trigger: "start", capture: "done", payload: { id: "o-2" }, at: 1 },
      { type: "completed", node: "start", output: { id: "o-2" }, attempts: 1, startedAt: 1, durationMs: 0 },
      { type: "completed", node: "save", output: { saved: "orders/o-2" }, attempts: 1, startedAt: 1, durationMs: 0 },
    ]);
    const outcome = await post(container.base, "/run", meta("run-2", "orders"), { flow: "orders" });
    expect(outcome.body).toMatchObject({ status: "completed", output: { saved: "orders/o-2" } });
    expect(await keys(stores, "executions/run-2/")).toEqual([]);
  });

  it("writes an R2 object larger than a bus frame through the bus, into the host's bucket", async () => {
    const size = 3 * 1024 * 1024 + 17;
    const outcome = await post(container.base, "/run", meta("run-r2", "files"), {
      flow: "files",
      payload: { id: "big", size },
    });
    expect(outcome.body).toMatchObject({ status: "completed", output: { key: "files/big", size } });
    const stored = await stores.r2.get("files/big");
    const bytes = (await stored?.bytes()) ?? new Uint8Array();
    expect(bytes.byteLength).toBe(size);
    expect(bytes.every((byte, index) => byte === index % 251)).toBe(true);
  });

  it("hands a long sleep back: with suspend_after_ms the call ends suspended, its wake time journaled host-side", async () => {
    const started = Date.now();
    const outcome = await post(container.base, "/run", meta("run-nap", "nap"), {
      flow: "nap",
      payload: 1,
      suspend_after_ms: 1_000,
    });
    expect(outcome.status).toBe(200);
    const body = outcome.body as { status: string; wakeAt: number };
    expect(body.status).toBe("suspended");
    expect(body.wakeAt - started).toBeGreaterThanOrEqual(24 * 60 * 60 * 1000);
    const journal = await stores.journal.read("run-nap");
    expect(journal.map((entry) => entry.type)).toContain("suspended");
  });

  it("refuses a second /run of a run id already executing here with RUN409", async () => {
    const running = post(container.base, "/run", meta("run-twice", "slow"), { flow: "slow", payload: { id: "t" } });
    for (let tries = 0; tries < 2_000; tries += 1) {
      const nodes = (await stores.journal.read("run-twice")).map((entry) => (entry as { node?: string }).node);
      if (nodes.includes("first")) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const twice = await post(container.base, "/run", meta("run-twice", "slow"), { flow: "slow", payload: { id: "t" } });
    expect(twice).toMatchObject({ status: 409, body: { code: "RUN409", details: { run_id: "run-twice" } } });
    await stores.kv.put("gates/run-twice", "open");
    expect((await running).body).toMatchObject({ status: "completed", output: { done: "t" } });
  });

  it("runs a single node with /node, its capabilities scoped to its hints", async () => {
    const saved = await post(container.base, "/node", meta("run-3", "orders"), {
      flow: "orders",
      node: "save",
      input: { id: "o-3" },
      attempt: 2,
      idempotency_key: "o-3",
    });
    expect(saved).toEqual({ status: 200, body: { output: { saved: "orders/o-3" } } });
    expect(await stores.kv.get("orders/o-3")).toBe('{"id":"o-3"}');

    const done = await post(container.base, "/node", meta("run-3", "orders", { colo: "AMS" }), {
      flow: "orders",
      node: "done",
      input: { x: 1 },
    });
    expect(done.body).toEqual({ output: { x: 1, run: { run_id: "run-3", flow_id: "orders", colo: "AMS" } } });
  });

  it("reads run metadata from plain headers when x-flows-meta is absent; the Worker's header wins", async () => {
    const plain = {
      "content-type": "application/json",
      "x-flows-run-id": "run-plain",
      "x-flows-flow-id": "orders",
      "x-flows-colo": "AMS",
      "cf-ipcountry": "NL",
      "x-forwarded-for": "198.51.100.4, 10.0.0.1",
    };
    const local = await post(container.base, "/run", plain, { flow: "orders", payload: { id: "o-plain" } });
    expect(local.body).toMatchObject({
      status: "completed",
      runId: "run-plain",
      output: {
        run: { run_id: "run-plain", flow_id: "orders", colo: "AMS", country: "NL", client_ip: "198.51.100.4" },
      },
    });
    const both = await post(
      container.base,
      "/run",
      { ...plain, ...meta("run-header", "orders", { country: "DE" }) },
      { flow: "orders", payload: { id: "o-header" } },
    );
    // The Worker's header is taken whole: nothing of the plain headers is mixed in.
    expect((both.body as { output: { run: unknown } }).output.run).toEqual({
      run_id: "run-header",
      flow_id: "orders",
      country: "DE",
    });
    // Without any, a fresh local run id: nothing of another run is replayed.
    const bare = await post(
      container.base,
      "/run",
      { "content-type": "application/json" },
      { flow: "orders", payload: { id: "o-bare" } },
    );
    expect((bare.body as { runId: string }).runId).toMatch(/^local-[0-9a-f-]{36}$/);
  });

  it("serves the app's own fetch for paths the flow API does not claim", async () => {
    const hello = await fetch(`${container.base}/hello`, { method: "POST", body: "hi" });
    expect(hello.status).toBe(200);
    expect(await hello.json()).toEqual({ hello: "from the app", method: "POST", body: "hi" });
    const broken = await fetch(`${container.base}/broken`);
    expect(broken.status).toBe(500);
    expect(((await broken.json()) as { code: string }).code).toBe("APP500");
    // The flow API keeps its paths.
    expect(await (await fetch(`${container.base}/ping`)).json()).toEqual({ ok: true });
  });

  it("answers every bad input with a coded JSON error", async () => {
    const ok = meta("run-e", "orders");
    const cases: [string, Record<string, string>, unknown, number, string][] = [
      ["/run", ok, "{not json", 400, "BODY400"],
      ["/run", ok, [1, 2], 400, "BODY400"],
      ["/run", ok, { payload: 1 }, 400, "BODY400"],
      ["/run", ok, { flow: "orders", deadline_ms: -5 }, 400, "BODY400"],
      ["/run", ok, { flow: "nope" }, 404, "FLOW404"],
      ["/node", ok, { flow: "nope", node: "save" }, 404, "FLOW404"],
      ["/node", ok, { flow: "orders", node: "nope" }, 404, "NODE404"],
      ["/node", ok, { flow: "orders" }, 400, "BODY400"],
      ["/run", { "x-flows-run-id": "r".repeat(1025) }, { flow: "orders" }, 400, "META400"],
      ["/run", { "x-flows-meta": "{oops" }, { flow: "orders" }, 400, "META400"],
      ["/run", { "x-flows-meta": JSON.stringify({ run_id: "r" }) }, { flow: "orders" }, 400, "META400"],
      ["/node", { "x-flows-meta": JSON.stringify({ run_id: 1, flow_id: "f" }) }, { flow: "orders" }, 400, "META400"],
    ];
    for (const [path, headers, body, status, code] of cases) {
      const answer = await post(container.base, path, headers, body);
      expect({ path, body, status: answer.status, code: answer.body.code }).toEqual({ path, body, status, code });
      expect(typeof answer.body.error).toBe("string");
      expect(answer.body.details).toBeTypeOf("object");
    }
    // A path the flow API does not claim is the app's: its own 404 (ROUTE404 without a fetch export).
    const unknownRoute = await fetch(`${container.base}/nowhere`);
    expect(unknownRoute.status).toBe(404);
    expect(await unknownRoute.json()).toEqual({ app: "no such page" });
    const wrongMethod = await fetch(`${container.base}/run`);
    expect(wrongMethod.status).toBe(405);
  });

  it("answers a node failure with the node's code, and an unknown trigger with the kernel's", async () => {
    const sneak = await post(container.base, "/node", meta("run-p", "peek"), { flow: "peek", node: "sneak" });
    expect(sneak.body).toEqual({ output: { refused: "CAP403" } });
    expect(await stores.kv.get("sneaked")).toBeNull();
    const boom = await post(container.base, "/node", meta("run-p", "peek"), { flow: "peek", node: "boom" });
    expect(boom).toMatchObject({
      status: 500,
      body: { code: "ORDER422", error: "the order total is negative", details: { node: "boom", retryable: false } },
    });
    const run = await post(container.base, "/run", meta("run-p", "peek"), { flow: "peek" });
    expect(run.body).toMatchObject({ status: "failed", error: { code: "ORDER422", details: { node: "boom" } } });
    const failed = await post(container.base, "/run", meta("run-t", "orders"), { flow: "orders", trigger: "nope" });
    expect(failed.body).toMatchObject({ status: "failed", error: { code: "TRIG001" } });
  });
});
