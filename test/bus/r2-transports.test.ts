import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createR2BusService } from "@flows/cap-r2/bus";
import { createOpendalR2Provider } from "@flows/cap-r2/opendal";
import { createBusDispatcher, DEFAULT_MAX_FRAME_BYTES } from "@flows/caps/bus";
import { createOperator } from "@flows/caps/opendal";
import { serveBusOnStreams } from "@flows/host-container";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { bundleNodeScript } from "./child-process";

// R2 bodies of 8 MiB (eight times the frame cap) between a real child process (the container
// side) and the host, which serves r2 from a real OpenDAL fs operator — over stdio and over a
// Unix socket. Every line either way stays under the cap; nothing is dropped as oversized.

const scratch = mkdtempSync(join(tmpdir(), "flows-r2-bus-"));
const child = join(scratch, "r2-child.mjs");
const running: ChildProcess[] = [];
const servers: Server[] = [];
afterEach(async () => {
  for (const process_ of running.splice(0)) process_.kill();
  for (const server of servers.splice(0)) await new Promise((closed) => server.close(closed));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

beforeAll(() => bundleNodeScript(resolve(import.meta.dirname, "r2-child.ts"), child), 60_000);

/** The host: r2 on OpenDAL fs behind a dispatcher, fed by one channel's lines. */
function host(root: string) {
  const service = createR2BusService(createOpendalR2Provider(createOperator("fs", { root })));
  const dispatcher = createBusDispatcher({ handlers: { r2: service.handlers }, allowed: new Set(["r2"]) });
  const seen = { largestRequest: 0, oversize: 0 };
  // Every request line passes here on its way to the dispatcher, so its size can be seen.
  const measured = {
    respond: (line: string) => {
      seen.largestRequest = Math.max(seen.largestRequest, Buffer.byteLength(line));
      return dispatcher.respond(line);
    },
  };
  const serve = (input: NodeJS.ReadableStream, output: NodeJS.WritableStream) =>
    serveBusOnStreams(input, output, measured, {
      onOversize: () => {
        seen.oversize += 1;
      },
    });
  return { service, seen, serve };
}

async function finished(process_: ChildProcess): Promise<{ code: number | null; report: Record<string, unknown> }> {
  let stderr = "";
  process_.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((done) => process_.on("exit", done));
  const last = stderr.trim().split("\n").at(-1) ?? "";
  let report: Record<string, unknown> = { stderr };
  try {
    report = JSON.parse(last) as Record<string, unknown>;
  } catch {}
  return { code, report };
}

function expectReport(report: Record<string, unknown>, seen: { largestRequest: number; oversize: number }) {
  expect(report).toMatchObject({
    stored: { size: 8 * 1024 * 1024 + 3, contentType: "application/x-test" },
    whole: true,
    range: true,
    pastEnd: "CAP416",
  });
  expect(report.largestAnswer).toBeLessThan(DEFAULT_MAX_FRAME_BYTES);
  expect(seen.largestRequest).toBeLessThan(DEFAULT_MAX_FRAME_BYTES);
  expect(seen.oversize).toBe(0);
}

describe("r2 bodies over real transports", () => {
  it("streams 8 MiB both ways over stdio", async () => {
    const { service, seen, serve } = host(join(scratch, "stdio-root"));
    const process_ = spawn(process.execPath, [child], { stdio: ["pipe", "pipe", "pipe"] });
    running.push(process_);
    if (process_.stdout === null || process_.stdin === null) throw new Error("no stdio pipes");
    serve(process_.stdout, process_.stdin);
    const { code, report } = await finished(process_);
    expect(code, JSON.stringify(report)).toBe(0);
    expectReport(report, seen);
    expect(service.openStreams).toBe(0);
  });

  it("streams 8 MiB both ways over a Unix socket", async () => {
    const { service, seen, serve } = host(join(scratch, "socket-root"));
    const socketPath = join(scratch, "r2-bus.sock");
    const server = createServer((socket) => {
      socket.on("error", () => {});
      serve(socket, socket);
    });
    servers.push(server);
    await new Promise<void>((ready) => server.listen(socketPath, ready));
    const process_ = spawn(process.execPath, [child, socketPath], { stdio: ["ignore", "ignore", "pipe"] });
    running.push(process_);
    const { code, report } = await finished(process_);
    expect(code, JSON.stringify(report)).toBe(0);
    expectReport(report, seen);
    expect(service.openStreams).toBe(0);
  });
});
