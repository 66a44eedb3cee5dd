import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { serveBusOnStreams } from "@flows/host-container";
import { describe, expect, it } from "vitest";
import { buildFlow } from "../support/flow-builder";
import {
  type Container,
  containerTestFile,
  type HostStores,
  hostStores,
  keys,
  meta,
  post,
  startContainerProcess,
} from "./container-harness";

// The container runtime as a real child process with its bus over a Unix socket and over
// stdio (FLOWS_BUS_URL=unix:/path | stdio), real OpenDAL fs stores on the host side. Its HTTP
// API still listens on PORT.

const cleanup = containerTestFile();

function track(container: Container, stores: HostStores) {
  cleanup(() => stores.remove());
  cleanup(() => {
    container.child.kill("SIGKILL");
  });
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
      serveBusOnStreams(socket, socket, stores.dispatcher);
    });
    await new Promise<void>((ready) => server.listen(socketPath, ready));
    cleanup(() => new Promise<void>((closed) => server.close(() => closed())));
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
    serveBusOnStreams(stdout, stdin, stores.dispatcher);
    await runsOrders(container, stores, "stdio-run");
  });

  it("refuses to start with a code: unreachable bus socket, bad settings, invalid or unimplemented flows, bad app module", async () => {
    const stores = hostStores();
    cleanup(() => stores.remove());
    await expect(startContainerProcess({ FLOWS_BUS_URL: `unix:${join(stores.root, "missing.sock")}` })).rejects.toThrow(
      /"code":"BUS503"/,
    );
    await expect(startContainerProcess({ FLOWS_BUS_URL: "ftp://nope" })).rejects.toThrow(/"code":"CONF400"/);
    await expect(startContainerProcess({ FLOWS_SHUTDOWN_GRACE_MS: "soon" })).rejects.toThrow(/"code":"CONF400"/);
    const app = (name: string, source: string) => {
      const path = join(stores.root, name);
      writeFileSync(path, source);
      return path;
    };
    const flow = JSON.stringify(buildFlow("lonely", { nodes: { start: {} } }));
    const apps: [string, RegExp][] = [
      [app("invalid.mjs", 'export default { flows: [{ "id": 1 }], nodes: {} };'), /"code":"VALID400"/],
      [app("unimplemented.mjs", `export default { flows: [${flow}], nodes: {} };`), /"code":"IMPL001"/],
      [app("shapeless.mjs", "export default 42;"), /"code":"APP400"/],
      [join(stores.root, "missing.mjs"), /"code":"APP400"/],
    ];
    for (const [path, code] of apps) {
      await expect(startContainerProcess({ FLOWS_BUS_URL: "http://127.0.0.1:9/bus" }, { app: path })).rejects.toThrow(
        code,
      );
    }
  });
});
