import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  buildContainerBin,
  type Container,
  type HostStores,
  hostStores,
  keys,
  meta,
  post,
  serveLines,
  startContainerProcess,
} from "./container-harness";

// The container runtime as a real child process with its bus over a Unix socket and over
// stdio (FLOWS_BUS_URL=unix:/path | stdio), real OpenDAL fs stores on the host side. Its HTTP
// API still listens on PORT.

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
beforeAll(() => buildContainerBin(), 60_000);

function track(container: Container, stores: HostStores) {
  cleanups.push(
    () => stores.remove(),
    () => {
      container.child.kill("SIGKILL");
    },
  );
}

async function runsOrders(container: Container, stores: HostStores, runId: string) {
  const first = await post(container.base, "/run", meta(runId, "orders"), { flow: "orders", payload: { id: runId } });
  expect(first.body).toMatchObject({ status: "completed", output: { saved: `orders/${runId}` } });
  expect(await stores.kv.get(`orders/${runId}`)).toBe(JSON.stringify({ id: runId }));
  expect((await stores.journal.read(runId)).at(-1)).toMatchObject({ type: "finished", status: "completed" });
  const again = await post(container.base, "/run", meta(runId, "orders"), { flow: "orders", payload: { id: runId } });
  expect(again.body).toEqual(first.body);
  expect(await keys(stores, `executions/${runId}/`)).toHaveLength(1);
}

describe("flows-container bus transports", () => {
  it("runs a flow with its bus on a Unix socket", async () => {
    const stores = hostStores();
    const socketPath = join(stores.root, "bus.sock");
    const server: Server = createServer((socket) => {
      socket.on("error", () => {});
      serveLines(socket, socket, stores.dispatcher);
    });
    await new Promise<void>((ready) => server.listen(socketPath, ready));
    cleanups.push(() => new Promise<void>((closed) => server.close(() => closed())));
    const container = await startContainerProcess({ FLOWS_BUS_URL: `unix:${socketPath}` });
    track(container, stores);
    await runsOrders(container, stores, "unix-run");
  });

  it("runs a flow with its bus on stdio", async () => {
    const stores = hostStores();
    const container = await startContainerProcess({ FLOWS_BUS_URL: "stdio" });
    track(container, stores);
    const { stdout, stdin } = container.child;
    if (stdout === null || stdin === null) throw new Error("the child has no stdio pipes");
    serveLines(stdout, stdin, stores.dispatcher);
    await runsOrders(container, stores, "stdio-run");
  });

  it("refuses to start on a bus socket that does not exist, with a code", async () => {
    const stores = hostStores();
    cleanups.push(() => stores.remove());
    await expect(startContainerProcess({ FLOWS_BUS_URL: `unix:${join(stores.root, "missing.sock")}` })).rejects.toThrow(
      /"code":"BUS503"/,
    );
    await expect(startContainerProcess({ FLOWS_BUS_URL: "ftp://nope" })).rejects.toThrow(/"code":"CONF400"/);
    await expect(startContainerProcess({ FLOWS_SHUTDOWN_GRACE_MS: "soon" })).rejects.toThrow(/"code":"CONF400"/);
  });
});
