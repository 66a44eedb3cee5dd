import { resolve } from "node:path";
import type { Miniflare } from "miniflare";
import { workerdModuleOptions } from "../../../cli/src/workers/bundle-worker";
import { BIN } from "../../host-container/container-harness";
import { API_TOKEN, auth, bundleWorker, RESUME_SECRET, startMiniflare } from "../support";
import { type Supervisor, startSupervisor } from "./supervisor";

// The end-to-end rig of the container tests: the fixture Worker in real workerd (Miniflare from
// Node) and, behind the Docker-engine stand-in, real `flows-container` processes.

const APP = resolve(import.meta.dirname, "app.ts");

export interface Booted {
  readonly mf: Miniflare;
  readonly supervisor: Supervisor;
  readonly output: string[];
  call(path: string, init?: RequestInit): Promise<Response>;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  containerId(name: string): Promise<string>;
  ledger(prefix: string): Promise<string[]>;
}

export async function boot(
  entry: string,
  options: { containerBinding?: boolean; bindings?: Record<string, string> } = {},
): Promise<Booted> {
  const output: string[] = [];
  const supervisor = await startSupervisor({ args: [BIN, APP], onOutput: (line) => output.push(line) });
  const script = await bundleWorker(resolve(import.meta.dirname, "../fixture", entry));
  const mf = startMiniflare({
    ...workerdModuleOptions(script),
    port: 0,
    durableObjects: {
      FLOW_RUNS: { className: "FlowRunObject", useSQLite: true },
      ...(options.containerBinding === false
        ? {}
        : { FLOW_CONTAINER: { className: "FlowContainer", useSQLite: true } }),
      FLOW_STATE: { className: "FlowStateObject", useSQLite: true },
    },
    kvNamespaces: ["LEDGER"],
    r2Buckets: ["BLOBS"],
    queueProducers: { EVENTS: "container-events" },
    queueConsumers: { "container-events": { maxBatchTimeout: 0.05 } },
    bindings: {
      FLOWS_API_TOKEN: API_TOKEN,
      FLOWS_RESUME_SECRET: RESUME_SECRET,
      ...supervisor.bindings,
      ...options.bindings,
    },
    handleRuntimeStdio: (stdout, stderr) => {
      for (const stream of [stdout, stderr]) {
        stream.on("data", (chunk: Buffer) => output.push(...chunk.toString().split("\n").filter(Boolean)));
      }
    },
  });
  supervisor.setWorkerUrl((await mf.ready).toString());
  const call = (path: string, init: RequestInit = {}) =>
    mf.dispatchFetch(`http://flows.test${path}`, {
      ...init,
      headers: { ...auth, ...(init.headers as Record<string, string>) },
    } as never) as unknown as Promise<Response>;
  return {
    mf,
    supervisor,
    output,
    call,
    post: (path, body, headers = {}) =>
      call(path, {
        method: "POST",
        body: JSON.stringify(body),
        headers: { "content-type": "application/json", ...headers },
      }),
    async containerId(name) {
      const namespace = await mf.getDurableObjectNamespace("FLOW_CONTAINER");
      return namespace.idFromName(name).toString();
    },
    async ledger(prefix) {
      const kv = await mf.getKVNamespace("LEDGER");
      return (await kv.list({ prefix })).keys.map((key) => key.name);
    },
  };
}

export async function shutdown(booted: Booted | undefined): Promise<void> {
  await booted?.mf.dispose();
  await booted?.supervisor.close();
}
