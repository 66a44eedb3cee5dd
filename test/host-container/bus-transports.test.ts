import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createKvApi } from "@flows/cap-kv";
import { createOpendalKvProvider } from "@flows/cap-kv/opendal";
import { createBusDispatcher } from "@flows/caps/bus";
import { createOperator } from "@flows/caps/opendal";
import { serveBusOnStreams } from "@flows/host-container";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleNodeScript } from "../bus/child-process";

// The host command bus between a real child process (the container side) and the host, which
// serves kv from a real OpenDAL fs operator — over stdio and over a Unix socket.

const scratch = mkdtempSync(join(tmpdir(), "flows-bus-"));
const child = join(scratch, "bus-child.mjs");
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

beforeAll(() => bundleNodeScript(resolve(import.meta.dirname, "bus-child.ts"), child), 60_000);

/** The host's dispatcher: kv on OpenDAL fs, and only kv (the flow declared nothing else). */
function hostDispatcher(root: string) {
  const kv = createKvApi(createOpendalKvProvider(createOperator("fs", { root })));
  return createBusDispatcher({
    handlers: {
      kv: {
        get: (params) => kv.get((params as { key: string }).key),
        put: (params) => {
          const { key, value } = params as { key: string; value: string };
          return kv.put(key, value);
        },
      },
      do: { get: () => null },
    },
    allowed: new Set(["kv"]),
  });
}

function expectReport(stderr: string) {
  const report = JSON.parse(stderr.trim().split("\n").at(-1) ?? "{}") as Record<string, unknown>;
  expect(report.value).toBe("hello from the container");
  expect(report.parallel).toEqual(
    Array.from({ length: 20 }, (_, index) => (index % 2 ? "hello from the container" : null)),
  );
  expect(report.undeclared).toBe("CAP403");
}

describe("bus transports with a real child process", () => {
  it("serves the container's calls over stdio", async () => {
    const dispatcher = hostDispatcher(join(scratch, "stdio-root"));
    const process_ = spawn(process.execPath, [child], { stdio: ["pipe", "pipe", "pipe"] });
    let stderr = "";
    process_.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    serveBusOnStreams(process_.stdout, process_.stdin, dispatcher);
    const code = await new Promise<number | null>((done) => process_.on("exit", done));
    expect(code, stderr).toBe(0);
    expectReport(stderr);
  });

  it("serves the container's calls over a Unix socket", async () => {
    const dispatcher = hostDispatcher(join(scratch, "socket-root"));
    const socketPath = join(scratch, "bus.sock");
    const server = createServer((socket) => {
      serveBusOnStreams(socket, socket, dispatcher);
      socket.on("error", () => {});
    });
    await new Promise<void>((ready) => server.listen(socketPath, ready));
    try {
      const process_ = spawn(process.execPath, [child, socketPath], { stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      process_.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const code = await new Promise<number | null>((done) => process_.on("exit", done));
      expect(code, stderr).toBe(0);
      expectReport(stderr);
    } finally {
      await new Promise((closed) => server.close(closed));
    }
  });
});
