import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildContainerBin } from "../host-container/container-harness";
import { childPids, mib, rssBytes, sampleRss } from "../support/rss";
import { type Booted, boot, shutdown } from "./container/boot";

// Values larger than a bus frame, end to end: Worker → Container class → the real
// `flows-container` process → bus (in parts) → the Worker's real KV and the run's Durable
// Object journal, in real workerd. Peak RSS of both processes is printed for the record.

const MIB = 1024 * 1024;
const FIVE = 5 * MIB;

beforeAll(() => buildContainerBin(), 60_000);

describe("large values across the bus", () => {
  let app: Booted;
  let workerd: number;
  beforeAll(async () => {
    app = await boot("container-worker.ts");
    const [pid] = childPids("workerd");
    if (pid === undefined) throw new Error("no workerd child found");
    workerd = pid;
  }, 60_000);
  afterAll(() => shutdown(app));

  it("a 5 MiB node output and a 5 MiB KV value of a container flow cross the bus; memory stays bounded", async () => {
    // A small run first starts the process, so the sample below covers the transfer alone.
    const warm = await app.post("/flows/bulky/invoke?run_id=bulk-warm&container_key=bulk", {
      id: "w",
      kv_bytes: 10,
      output_bytes: 10,
    });
    expect(warm.status).toBe(200);
    const container = app.supervisor.pid(await app.containerId("bulk")) as number;
    const before = { workerd: rssBytes(workerd), container: rssBytes(container) };
    const sampler = sampleRss({ workerd, container });
    const started = performance.now();
    const response = await app.post("/flows/bulky/invoke?run_id=bulk-1&container_key=bulk", {
      id: "b1",
      kv_bytes: FIVE,
      output_bytes: FIVE,
    });
    const elapsed = performance.now() - started;
    const peaks = sampler.stop();
    const body = (await response.json()) as { status: string; output: Record<string, unknown> };
    expect(response.status).toBe(200);
    expect(body.output).toMatchObject({ id: "b1", kv_bytes: FIVE, output_bytes: FIVE });
    // The value is in the Worker's real KV namespace.
    const stored = await (await app.mf.getKVNamespace("LEDGER")).get("bulk:b1", "text");
    expect(typeof stored === "string" ? stored.length : 0).toBe(FIVE);
    console.log(
      `5 MiB KV value + 5 MiB node output, container flow (${elapsed.toFixed(0)} ms): peak RSS workerd ${mib(peaks.workerd)} (before ${mib(before.workerd)}), flows-container ${mib(peaks.container)} (before ${mib(before.container)})`,
    );

    // Five more runs of the same size: the peaks level off after the third (the collectors let
    // each heap grow to a size, then keep it; nothing accumulates run after run).
    for (const n of [2, 3, 4, 5, 6]) {
      const more = sampleRss({ workerd, container });
      const next = await app.post(`/flows/bulky/invoke?run_id=bulk-${n}&container_key=bulk`, {
        id: `b${n}`,
        kv_bytes: FIVE,
        output_bytes: FIVE,
      });
      expect(next.status).toBe(200);
      const peak = more.stop();
      console.log(`  run ${n}: peak RSS workerd ${mib(peak.workerd)}, flows-container ${mib(peak.container)}`);
    }

    // Invoked again, the run replays from its journal: the 5 MiB output comes back over the bus.
    const again = await app.post("/flows/bulky/invoke?run_id=bulk-1&container_key=bulk", { id: "b1" });
    expect(((await again.json()) as { output: unknown }).output).toEqual(body.output);
    const run = (await (await app.call("/runs/bulk-1")).json()) as {
      status: string;
      nodes: { alias: string; status: string }[];
    };
    expect(run.status).toBe("completed");
    expect(run.nodes.map((node) => `${node.alias}:${node.status}`)).toEqual([
      "start:completed",
      "make:completed",
      "check:completed",
    ]);
  });

  it("a 5 MiB output of a container node in a Worker run is journaled by the run's object", async () => {
    const response = await app.post("/flows/mixedbulk/invoke?run_id=mixedbulk-1&container_key=bulk", {
      id: "m1",
      output_bytes: FIVE,
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { output: unknown }).output).toEqual({
      id: "m1",
      kv_bytes: 0,
      output_bytes: FIVE,
    });
    const again = await app.post("/flows/mixedbulk/invoke?run_id=mixedbulk-1&container_key=bulk", { id: "m1" });
    expect(((await again.json()) as { output: { output_bytes: number } }).output.output_bytes).toBe(FIVE);
  });

  it("a 5 MiB output streams to an SSE client of a container flow (one line of the container's answer)", async () => {
    const stream = await app.call("/flows/bulky/invoke?run_id=bulk-sse&container_key=bulk&capture=make", {
      method: "POST",
      body: JSON.stringify({ id: "s1", output_bytes: FIVE }),
      headers: { accept: "text/event-stream", "content-type": "application/json" },
    });
    const events = (await stream.text()).split("\n\n").filter(Boolean);
    expect(events[0]).toBe('event: run\ndata: {"run_id":"bulk-sse"}');
    const value = JSON.parse(events[1]?.replace("data: ", "") ?? "null") as { id: string; output: string };
    expect(value.id).toBe("s1");
    expect(value.output.length).toBe(FIVE);
    expect(events[2]).toMatch(/^event: end\n/);
  });

  it("a node output over the journal's platform limit fails with BUS413 naming the limit", async () => {
    const response = await app.post("/flows/bulky/invoke?run_id=bulk-over&container_key=bulk", {
      id: "o1",
      output_bytes: 33 * MIB,
    });
    const body = (await response.json()) as { code: string; error: string };
    expect(body.code).toBe("BUS413");
    expect(body.error).toContain("32 MiB");
    expect(body.error).toContain("Workers RPC");
    console.log(`over the limit: ${response.status} ${body.code} ${body.error}`);
  });
});

describe("reference for the figures above, in a workerd of its own", () => {
  let app: Booted;
  let workerd: number;
  beforeAll(async () => {
    app = await boot("container-worker.ts");
    // The newest: the first block's workerd has been disposed of, but may not be gone yet.
    const pids = childPids("workerd");
    if (pids.length === 0) throw new Error("no workerd child found");
    workerd = Math.max(...pids);
  }, 60_000);
  afterAll(() => shutdown(app));

  it("the same 5 MiB KV value put and read straight into workerd from Node, no bus, no container", async () => {
    const kv = await app.mf.getKVNamespace("LEDGER");
    const before = mib(rssBytes(workerd));
    const peaks: string[] = [];
    for (const n of [1, 2, 3, 4, 5, 6]) {
      const sampler = sampleRss({ workerd });
      await kv.put(`reference:${n}`, "k".repeat(FIVE));
      expect(((await kv.get(`reference:${n}`, "text")) ?? "").length).toBe(FIVE);
      peaks.push(mib(sampler.stop().workerd));
    }
    console.log(
      `reference, 5 MiB KV put + get from Node into workerd: peak RSS (before ${before}) ${peaks.join(", ")}`,
    );
  });
});
