import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { doBusHandlers } from "@flows/cap-do/bus";
import { createOpendalDoProvider } from "@flows/cap-do/opendal";
import { createKvApi } from "@flows/cap-kv";
import { kvBusHandlers } from "@flows/cap-kv/bus";
import { createOpendalKvProvider } from "@flows/cap-kv/opendal";
import { createR2Api } from "@flows/cap-r2";
import { createR2BusService } from "@flows/cap-r2/bus";
import { createOpendalR2Provider } from "@flows/cap-r2/opendal";
import { createBusDispatcher, journalBusHandlers, serveBusOverHttp } from "@flows/caps/bus";
import { createOperator } from "@flows/caps/opendal";
import { busMessageLimits, type ServedFetch, serveFetch } from "@flows/host-container";
import { afterEach, beforeAll } from "vitest";
import { createFsJournal } from "../../cli/src/local/journal";
import { openLocalStore } from "../../cli/src/local/store";

// The host side of the container tests: real OpenDAL fs stores in a temp dir, served over the
// bus to the real `flows-container` binary running as a child process.

export const BIN = resolve(import.meta.dirname, "../../host-container/bin/flows-container.mjs");
export const APP = resolve(import.meta.dirname, "fixture/app.ts");

/** Builds the binary from the current sources (atomically: other test files may be running it). */
export function buildContainerBin(): void {
  const result = spawnSync(process.execPath, [resolve(import.meta.dirname, "../../host-container/build.mjs")], {
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`host-container build failed: ${result.stderr}`);
}

/**
 * Per-test cleanups, run after each test in reverse order (child processes are killed before
 * the stores they use are removed), and the binary built once for the file.
 */
export function containerTestFile(): (cleanup: () => Promise<void> | void) => void {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  beforeAll(() => buildContainerBin(), 60_000);
  return (cleanup) => {
    cleanups.push(cleanup);
  };
}

/** The stores a Worker would hold: kv, r2 and do on OpenDAL fs, the run journal on OpenDAL fs. */
export function hostStores() {
  const root = mkdtempSync(join(tmpdir(), "flows-container-host-"));
  const kvProvider = createOpendalKvProvider(createOperator("fs", { root: join(root, "kv") }));
  const r2Provider = createOpendalR2Provider(createOperator("fs", { root: join(root, "r2") }));
  const journal = createFsJournal(openLocalStore(join(root, "journal")));
  const dispatcher = createBusDispatcher({
    handlers: {
      kv: kvBusHandlers(kvProvider),
      // One service for the container's lifetime: it holds the body streams between POSTs.
      r2: createR2BusService(r2Provider).handlers,
      do: doBusHandlers(createOpendalDoProvider(createOperator("fs", { root: join(root, "do") }))),
      journal: journalBusHandlers(journal),
    },
    allowed: new Set(["kv", "r2", "do", "journal"]),
    // The Worker's table: values larger than a frame arrive in parts up to the platform's limits.
    messageLimits: busMessageLimits,
  });
  return {
    root,
    kv: createKvApi(kvProvider),
    r2: createR2Api(r2Provider),
    journal,
    dispatcher,
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

export type HostStores = ReturnType<typeof hostStores>;

/** The bus over HTTP on loopback, as the Worker serves it; records each POST's meta header. */
export async function serveBus(stores: HostStores): Promise<ServedFetch & { url: string; metas: string[] }> {
  const metas: string[] = [];
  const served = await serveFetch(
    (request) => {
      metas.push(request.headers.get("x-flows-meta") ?? "");
      return serveBusOverHttp(request, stores.dispatcher);
    },
    { port: 0 },
  );
  return { ...served, url: `http://127.0.0.1:${served.port}/bus`, metas };
}

export interface Container {
  readonly child: ChildProcess;
  readonly base: string;
  stderr(): string;
  exited: Promise<number | null>;
}

/** Starts the binary on a free loopback port and waits until it says it is ready. */
export async function startContainerProcess(
  env: Record<string, string>,
  options: { stdio?: "pipe"; app?: string } = {},
): Promise<Container> {
  const child = spawn(process.execPath, [BIN, options.app ?? APP], {
    env: { ...process.env, PORT: "0", FLOWS_LISTEN_HOST: "127.0.0.1", ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
  const port = await new Promise<number>((ready, fail) => {
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /"message":"container ready","port":(\d+)/.exec(stderr);
      if (match) ready(Number(match[1]));
    });
    void exited.then((code) => fail(new Error(`the container exited (${code}) before it was ready: ${stderr}`)));
  });
  return { child, base: `http://127.0.0.1:${port}`, stderr: () => stderr, exited };
}

export function meta(run_id: string, flow_id: string, extra: Record<string, string> = {}): Record<string, string> {
  return { "content-type": "application/json", "x-flows-meta": JSON.stringify({ run_id, flow_id, ...extra }) };
}

export async function post(base: string, path: string, headers: Record<string, string>, body: unknown) {
  const response = await fetch(`${base}${path}`, {
    method: "POST",
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Host-side KV keys under a prefix. */
export async function keys(stores: HostStores, prefix: string): Promise<string[]> {
  return (await stores.kv.list({ prefix })).keys.map((key) => key.name);
}
