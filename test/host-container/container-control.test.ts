import { decodeValueStream } from "@flows/caps/bus";
import { describe, expect, it } from "vitest";
import { containerTestFile, hostStores, meta, post, serveBus, startContainerProcess } from "./container-harness";

// Streams, resume and cancellation on the real binary: `/run`, `/resume` and `/node` answering
// NDJSON when asked, `/cancel` aborting a run's signal. The nodes wait on gates (host-side KV
// keys) the test opens, so nothing depends on timing.

const cleanup = containerTestFile();

async function setup() {
  const stores = hostStores();
  const bus = await serveBus(stores);
  cleanup(() => stores.remove());
  cleanup(() => bus.close());
  const container = await startContainerProcess({ FLOWS_BUS_URL: bus.url });
  cleanup(() => {
    container.child.kill("SIGKILL");
  });
  return { stores, container };
}

const ndjson = (runId: string, flow: string) => ({ ...meta(runId, flow), accept: "application/x-ndjson" });

async function open(base: string, path: string, headers: Record<string, string>, body: unknown) {
  const response = await fetch(`${base}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
  expect(response.headers.get("content-type")).toBe("application/x-ndjson");
  return decodeValueStream(response.body as ReadableStream<Uint8Array>)[Symbol.asyncIterator]();
}

describe("flows-container streams, resumes and cancels", () => {
  it("streams /run's capture values as NDJSON as they are produced, then the outcome", async () => {
    const { stores, container } = await setup();
    const lines = await open(container.base, "/run", ndjson("tick-1", "ticker"), {
      flow: "ticker",
      payload: { count: 3 },
    });
    expect((await lines.next()).value).toEqual({ value: { n: 1 } });
    // The node waits on the gate: nothing more can have been produced yet.
    await stores.kv.put("gates/tick-1", "open");
    expect((await lines.next()).value).toEqual({ value: { n: 2 } });
    expect((await lines.next()).value).toEqual({ value: { n: 3 } });
    expect((await lines.next()).value).toMatchObject({
      outcome: { status: "completed", output: [{ n: 1 }, { n: 2 }, { n: 3 }] },
    });
    expect((await lines.next()).done).toBe(true);
  });

  it("streams /node's values and ends with its coded error", async () => {
    const { container } = await setup();
    const lines = await open(container.base, "/node", ndjson("tick-2", "ticker"), {
      flow: "ticker",
      node: "emit",
      input: { count: 3, fail: true },
    });
    expect((await lines.next()).value).toEqual({ value: { n: 1 } });
    expect((await lines.next()).value).toEqual({
      error: "tick 2 is malformed",
      code: "TICK422",
      details: { node: "emit", retryable: false },
    });
    expect((await lines.next()).done).toBe(true);
    // Without the accept header a streamed output is collected, as before.
    const whole = await post(container.base, "/node", meta("tick-3", "ticker"), {
      flow: "ticker",
      node: "emit",
      input: { count: 1 },
    });
    expect(whole).toEqual({ status: 200, body: { output: [{ n: 1 }] } });
  });

  it("resumes a halted run from its journal; a wrong token or checkpoint changes nothing", async () => {
    const { stores, container } = await setup();
    const halted = await post(container.base, "/run", meta("tick-4", "ticker"), {
      flow: "ticker",
      payload: { count: 1, halt: true },
    });
    expect(halted.body).toMatchObject({ status: "halted", checkpoint: "approval", details: { count: 1 } });
    const token = halted.body.token as string;
    const entries = (await stores.journal.read("tick-4")).length;
    for (const [checkpoint, wrong, code] of [
      ["approval", "nope", "HALT403"],
      ["other", token, "HALT404"],
    ] as const) {
      const refused = await post(container.base, "/resume", meta("tick-4", "ticker"), {
        flow: "ticker",
        checkpoint,
        token: wrong,
        payload: "yes",
      });
      expect(refused.body).toMatchObject({ status: "failed", error: { code } });
    }
    expect(await stores.journal.read("tick-4")).toHaveLength(entries);
    const resumed = await post(container.base, "/resume", meta("tick-4", "ticker"), {
      flow: "ticker",
      checkpoint: "approval",
      token,
      payload: "yes",
    });
    expect(resumed.body).toMatchObject({ status: "completed", output: [{ n: 1, approval: "yes" }] });
    const again = await post(container.base, "/resume", meta("tick-4", "ticker"), {
      flow: "ticker",
      checkpoint: "approval",
      token,
      payload: "no",
    });
    expect(again.body).toMatchObject({ status: "failed", error: { code: "RUN409" } });
    const bad = await post(container.base, "/resume", meta("tick-4", "ticker"), { flow: "ticker", token });
    expect(bad).toMatchObject({ status: 400, body: { code: "BODY400", details: { field: "checkpoint" } } });
  });

  it("cancels a run with /cancel: the kernel journals it cancelled, the run answers RUN499", async () => {
    const { stores, container } = await setup();
    const running = post(container.base, "/run", meta("slow-c", "slow"), { flow: "slow", payload: { id: "c" } });
    for (let tries = 0; tries < 2_000; tries += 1) {
      const nodes = (await stores.journal.read("slow-c")).map((entry) => (entry as { node?: string }).node);
      if (nodes.includes("first")) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const cancel = await post(container.base, "/cancel", meta("slow-c", "slow"), {});
    expect(cancel).toEqual({ status: 200, body: { run_id: "slow-c", cancelled: 1, settled: true } });
    expect((await running).body).toMatchObject({ status: "cancelled", error: { code: "RUN499" } });
    expect((await stores.journal.read("slow-c")).at(-1)).toMatchObject({ type: "finished", status: "cancelled" });
    const nothing = await post(container.base, "/cancel", meta("idle", "slow"), { node: "wait" });
    expect(nothing.body).toMatchObject({ cancelled: 0 });
    const malformed = await post(container.base, "/cancel", meta("idle", "slow"), { node: 5 });
    expect(malformed).toMatchObject({ status: 400, body: { code: "BODY400" } });
  });
});
