import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import type { BusCaller } from "@flows/cap-r2/bus";
import { createBusClient, JOURNAL_MESSAGE_LIMITS } from "@flows/caps/bus";
import { createLineWriter, openLineChannel } from "@flows/host-container";

export type Transport = "stdio" | "socket";
export type Mode = "bus" | "raw" | "raw-batched";

/** One call: resolves when its answer is back. */
export type Call = () => Promise<unknown>;

export interface Peer {
  readonly call: Call;
  /** The bus client, for a bus peer (its r2 runs on OpenDAL memory). */
  readonly bus?: BusCaller;
  /** CPU milliseconds the peer process has used so far (Linux /proc), or undefined. */
  cpuMs(): number | undefined;
  close(): Promise<void>;
}

/** utime + stime of a process from /proc/<pid>/stat, in milliseconds (clock ticks of 10 ms). */
function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

const PARAMS = { key: "orders/1234", value: "a small payload of the size kv.get returns" };

/** Streams to a fresh peer process over stdio, or over a Unix socket it connects to. */
async function connectPeer(
  script: string,
  mode: Mode,
  transport: Transport,
  scratch: string,
  nodeFlags: readonly string[],
): Promise<{ input: NodeJS.ReadableStream; output: NodeJS.WritableStream; child: ChildProcess; server?: Server }> {
  if (transport === "stdio") {
    const child = spawn(process.execPath, [...nodeFlags, script, mode], { stdio: ["pipe", "pipe", "inherit"] });
    if (child.stdout === null || child.stdin === null) throw new Error("the peer has no stdio pipes");
    return { input: child.stdout, output: child.stdin, child };
  }
  const path = join(scratch, `${mode}.sock`);
  const server = createServer();
  await new Promise<void>((ready) => server.listen(path, ready));
  const child = spawn(process.execPath, [...nodeFlags, script, mode, path], { stdio: ["ignore", "ignore", "inherit"] });
  const socket = await new Promise<import("node:net").Socket>((resolve) => server.once("connection", resolve));
  return { input: socket, output: socket, child, server };
}

/** The bus: a client over the stream transport calling `echo.echo` on the peer's dispatcher. */
function busClient(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): BusCaller {
  const channel = openLineChannel(input as never, output as never, { onLine: (line) => client.receive(line) });
  const client = createBusClient({
    send: (line) => channel.send(line),
    maxInFlight: 256,
    timeoutMs: 60_000,
    messageLimits: JOURNAL_MESSAGE_LIMITS,
  });
  return client;
}

/**
 * The floor: the same request lines written and matched by id, echoed back with no bus; one
 * write a line, or batched by the bus's own line writer.
 */
function rawCall(input: NodeJS.ReadableStream, output: NodeJS.WritableStream, batched: boolean): Call {
  const write = batched
    ? createLineWriter(output as never).send
    : (line: string) => {
        output.write(line);
      };
  const waiting = new Map<string, () => void>();
  let counter = 0;
  let pending = "";
  input.on("data", (chunk: Buffer) => {
    const text = pending + chunk.toString("utf8");
    let start = 0;
    for (let end = text.indexOf("\n"); end !== -1; end = text.indexOf("\n", start)) {
      const { id } = JSON.parse(text.slice(start, end)) as { id: string };
      start = end + 1;
      const done = waiting.get(id);
      waiting.delete(id);
      done?.();
    }
    pending = text.slice(start);
  });
  return () =>
    new Promise<void>((resolve) => {
      const id = `r${++counter}`;
      waiting.set(id, resolve);
      write(`${JSON.stringify({ id, method: "echo.echo", params: PARAMS })}\n`);
    });
}

/** A peer process and a way to call it; `nodeFlags` go to its Node (e.g. --cpu-prof). */
export async function startPeer(
  script: string,
  mode: Mode,
  transport: Transport,
  scratch: string,
  nodeFlags: readonly string[] = [],
): Promise<Peer> {
  const { input, output, child, server } = await connectPeer(script, mode, transport, scratch, nodeFlags);
  const bus = mode === "bus" ? busClient(input, output) : undefined;
  const call = bus === undefined ? rawCall(input, output, mode === "raw-batched") : () => bus.call("echo.echo", PARAMS);
  return {
    call,
    ...(bus === undefined ? {} : { bus }),
    cpuMs: () => processCpuMs(child.pid),
    async close() {
      output.end();
      // The peer exits when its input ends (writing its profile, when asked for one).
      const exited = new Promise((done) => (child.exitCode === null ? child.once("exit", done) : done(undefined)));
      const timer = setTimeout(() => child.kill(), 2_000);
      await exited;
      clearTimeout(timer);
      if (server !== undefined) await new Promise((closed) => server.close(closed));
    },
  };
}

export interface Sample {
  readonly callsPerSecond: number;
  /** CPU time per call of this process and the peer, in µs, when the peer's is known. */
  readonly cpuMicrosPerCall: number | undefined;
  /** Round-trip milliseconds, one per call. */
  readonly latencies: Float64Array;
}

/** `total` calls, `inFlight` of them at a time; the throughput and every call's round trip. */
export async function drive(peer: Peer, total: number, inFlight: number): Promise<Sample> {
  const call = peer.call;
  const latencies = new Float64Array(total);
  let next = 0;
  const lane = async () => {
    while (next < total) {
      const index = next;
      next += 1;
      const started = performance.now();
      await call();
      latencies[index] = performance.now() - started;
    }
  };
  const peerBefore = peer.cpuMs();
  const hostBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(Array.from({ length: inFlight }, lane));
  const elapsed = performance.now() - started;
  const host = process.cpuUsage(hostBefore);
  const peerAfter = peer.cpuMs();
  const cpuMicros =
    peerBefore === undefined || peerAfter === undefined
      ? undefined
      : host.user + host.system + (peerAfter - peerBefore) * 1000;
  return {
    callsPerSecond: (total / elapsed) * 1000,
    cpuMicrosPerCall: cpuMicros === undefined ? undefined : cpuMicros / total,
    latencies,
  };
}
