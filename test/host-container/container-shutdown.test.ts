import { afterEach, beforeAll, describe, expect, it } from "vitest";
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

// SIGTERM on the real binary while a run is in flight: new work is refused with 503, the run
// finishes (or, at the grace deadline, is interrupted with what it completed journaled on the
// host), and the process exits 0. The run's `wait` node holds it until the test opens a gate.

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
beforeAll(() => buildContainerBin(), 60_000);

async function setup(graceMs: number) {
  const stores = hostStores();
  const bus = await serveBus(stores);
  cleanups.push(
    () => stores.remove(),
    () => bus.close(),
  );
  const container = await start(bus.url, graceMs);
  return { stores, bus, container };
}

async function start(busUrl: string, graceMs: number): Promise<Container> {
  const container = await startContainerProcess({ FLOWS_BUS_URL: busUrl, FLOWS_SHUTDOWN_GRACE_MS: String(graceMs) });
  cleanups.push(() => {
    container.child.kill("SIGKILL");
  });
  return container;
}

/** Waits for a condition the test cannot be told about directly; never a fixed delay. */
async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 2_000; attempt += 1) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`gave up waiting until ${what}`);
}

const completedNodes = async (stores: HostStores, runId: string) =>
  (await stores.journal.read(runId)).flatMap((entry) => (entry.type === "completed" ? [entry.node] : []));

async function refusesNewWork(container: Container) {
  await until("the container drains", async () => (await fetch(`${container.base}/ping`)).status === 503);
  const ping = await fetch(`${container.base}/ping`);
  expect(await ping.json()).toMatchObject({ code: "HOST503" });
  const refused = await post(container.base, "/run", meta("late", "orders"), { flow: "orders", payload: { id: "x" } });
  expect(refused).toMatchObject({ status: 503, body: { code: "HOST503", details: { retryable: true } } });
}

describe("flows-container on SIGTERM", () => {
  it("refuses new work, lets the run in flight finish, journals it, and exits 0", async () => {
    const { stores, container } = await setup(30_000);
    const running = post(container.base, "/run", meta("drain-1", "slow"), { flow: "slow", payload: { id: "s1" } });
    await until("the run is in flight", async () => (await completedNodes(stores, "drain-1")).includes("first"));
    container.child.kill("SIGTERM");
    await refusesNewWork(container);
    await stores.kv.put("gates/drain-1", "open");
    expect(await running).toEqual({
      status: 200,
      body: { status: "completed", runId: "drain-1", flow: "slow", output: { done: "s1" } },
    });
    expect(await container.exited).toBe(0);
    expect(await completedNodes(stores, "drain-1")).toEqual(["start", "first", "wait", "second"]);
    expect((await stores.journal.read("drain-1")).at(-1)).toMatchObject({ type: "finished", status: "completed" });
  });

  it("interrupts a run still going at the grace deadline, keeps what completed, and replays it later", async () => {
    const { stores, bus, container } = await setup(300);
    const running = post(container.base, "/run", meta("drain-2", "slow"), { flow: "slow", payload: { id: "s2" } });
    await until("the run is in flight", async () => (await completedNodes(stores, "drain-2")).includes("first"));
    container.child.kill("SIGTERM");
    expect(await running).toMatchObject({
      status: 503,
      body: { code: "HOST503", details: { run_id: "drain-2", retryable: true } },
    });
    expect(await container.exited).toBe(0);
    // Every completed node is journaled on the host; the run is not marked finished.
    const journal = await stores.journal.read("drain-2");
    expect(journal.map((entry) => entry.type)).toEqual(["started", "completed", "completed"]);
    expect(await completedNodes(stores, "drain-2")).toEqual(["start", "first"]);

    // A new container continues the run: `first` is replayed, not executed again.
    const next = await start(bus.url, 300);
    await stores.kv.put("gates/drain-2", "open");
    const resumed = await post(next.base, "/run", meta("drain-2", "slow"), { flow: "slow", payload: { id: "s2" } });
    expect(resumed.body).toMatchObject({ status: "completed", output: { done: "s2" } });
    expect(await keys(stores, "executions/drain-2/first/")).toHaveLength(1);
    expect(await keys(stores, "executions/drain-2/second/")).toHaveLength(1);
  });
});
