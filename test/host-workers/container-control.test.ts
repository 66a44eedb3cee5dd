import type { KVNamespace } from "@cloudflare/workers-types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createResumeToken } from "../../host-workers/src/resume-token";
import { buildContainerBin } from "../host-container/container-harness";
import { type Booted, boot, shutdown } from "./container/boot";
import { waitFor } from "./support";

// Halts, cancellation and streams of work in the container, end to end: real workerd (Miniflare
// from Node), the real `flows-container` process, its bus into the Worker's real KV and run
// objects. The stand-ins are the same two as in container.test.ts (Docker engine, Cloudflare's
// network). Every wait is on an effect (a KV key, a run status), never on a duration.

interface SseEvent {
  readonly event: string;
  readonly data: unknown;
}

/** Reads Server-Sent Events one at a time, as they arrive. */
function sseReader(response: Response) {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  return {
    async next(): Promise<SseEvent | undefined> {
      for (;;) {
        const end = buffer.indexOf("\n\n");
        if (end !== -1) {
          const raw = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = "message";
          let data = "";
          for (const line of raw.split("\n")) {
            if (line.startsWith("event: ")) event = line.slice("event: ".length);
            else if (line.startsWith("data: ")) data += line.slice("data: ".length);
          }
          return { event, data: JSON.parse(data) };
        }
        const chunk = await reader.read();
        if (chunk.done) return undefined;
        buffer += decoder.decode(chunk.value, { stream: true });
      }
    },
    cancel: () => reader.cancel(),
  };
}

interface RunSummary {
  readonly status: string;
  readonly nodes: { node: string; alias: string; status: string }[];
  readonly error?: { code: string };
}

/** The nodes a run completed, in the flow's order. */
const completed = (run: RunSummary) =>
  run.nodes.filter((record) => record.status === "completed").map((record) => record.alias);

beforeAll(() => buildContainerBin(), 60_000);

describe("halts, cancellation and streams of container work", () => {
  let app: Booted;
  let kv: KVNamespace;
  beforeAll(async () => {
    app = await boot("container-worker.ts");
    kv = (await app.mf.getKVNamespace("LEDGER")) as unknown as KVNamespace;
  }, 60_000);
  afterAll(async () => {
    if (process.env.FLOWS_TEST_OUTPUT)
      (await import("node:fs")).writeFileSync(process.env.FLOWS_TEST_OUTPUT, app.output.join("\n"));
    await shutdown(app);
  });

  const run = async (runId: string) => (await (await app.call(`/runs/${runId}`)).json()) as RunSummary;
  const key = (name: string) => waitFor(async () => (await kv.get(name)) ?? undefined, `KV key ${name}`);
  const sse = (path: string, body: unknown) =>
    app.call(path, {
      method: "POST",
      body: JSON.stringify(body),
      headers: { accept: "text/event-stream", "content-type": "application/json" },
    });

  it("resumes a halted container flow through its bus journal; a forged token changes nothing, a used one is refused", async () => {
    const halted = await app.post("/flows/approval/invoke?run_id=approve-1&container_key=whole", { id: "a1" });
    expect(halted.status).toBe(202);
    const body = (await halted.json()) as {
      status: string;
      checkpoint: string;
      details: unknown;
      resume_token: string;
    };
    expect(body).toMatchObject({ status: "halted", checkpoint: "manager", details: { id: "a1" } });
    expect((await run("approve-1")).status).toBe("halted");

    // Signed with another secret: the Worker refuses it before the container hears of it.
    const forged = await createResumeToken(
      { run: "approve-1", checkpoint: "manager", halt: "guessed", exp: Date.now() + 60_000 },
      "not-the-resume-secret",
    );
    const refused = await app.post("/runs/approve-1/resume", { token: forged, payload: { approved: true } });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { code: string }).code).toBe("HALT403");
    expect(await run("approve-1")).toMatchObject({ status: "halted" });
    expect(await kv.get("approved:a1")).toBeNull();

    const decision = { approved: true, by: "lin" };
    const resumed = await app.post("/runs/approve-1/resume", { token: body.resume_token, payload: decision });
    expect(resumed.status).toBe(200);
    expect(await resumed.json()).toMatchObject({
      run_id: "approve-1",
      status: "completed",
      output: { id: "a1", decision, recorded_in: "container" },
    });
    expect(JSON.parse((await kv.get("approved:a1")) ?? "null")).toEqual(decision);
    const done = await run("approve-1");
    expect(done.status).toBe("completed");
    expect(done.nodes.map((record) => [record.alias, record.status])).toEqual([
      ["start", "completed"],
      ["ask", "completed"],
      ["record", "completed"],
    ]);

    // The same token again: its halt is gone, so it is refused and nothing runs twice.
    const reused = await app.post("/runs/approve-1/resume", { token: body.resume_token, payload: { approved: false } });
    expect(reused.status).toBe(403);
    expect(((await reused.json()) as { code: string }).code).toBe("HALT403");
    expect(JSON.parse((await kv.get("approved:a1")) ?? "null")).toEqual(decision);
    expect((await run("approve-1")).nodes.filter((record) => record.status === "completed")).toHaveLength(3);
  });

  it("cancels a container flow waiting on a gate: its signal aborts there, the run is cancelled, no later node runs", async () => {
    const pending = app.post("/flows/gated/invoke?run_id=cancel-1&container_key=whole", { id: "c1" });
    await key("holding:cancel-1:hold");
    const cancelled = await app.call("/runs/cancel-1/cancel", { method: "POST" });
    expect(cancelled.status).toBe(200);
    expect(await cancelled.json()).toMatchObject({ status: "cancelled", error: { code: "RUN499" } });

    const answer = await pending;
    expect(answer.status).toBe(503);
    expect(((await answer.json()) as { code: string }).code).toBe("RUN499");
    // The node saw its signal abort with RUN499, in the container process.
    expect(await key("aborted:cancel-1:hold")).toBe("RUN499");
    expect(app.output.some((line) => line.includes('"message":"run cancelled"') && line.includes("cancel-1"))).toBe(
      true,
    );
    // The container's kernel journaled the cancellation; opening the gate now runs nothing more.
    const summary = await run("cancel-1");
    expect(summary).toMatchObject({ status: "cancelled", error: { code: "RUN499" } });
    expect(completed(summary)).toEqual(["start"]);
    await kv.put("gate:cancel-1", "open");
    const again = await app.post("/flows/gated/invoke?run_id=cancel-1&container_key=whole", { id: "c1" });
    expect(((await again.json()) as { code: string }).code).toBe("RUN499");
    expect(await kv.get("ran:cancel-1:after")).toBeNull();
  });

  it("cancels a Worker run whose container node waits on a gate: the abort reaches the node in the container", async () => {
    const pending = app.post("/flows/mixedgate/invoke?run_id=cancel-2", { id: "c2" });
    await key("holding:cancel-2:hold");
    const cancelled = await app.call("/runs/cancel-2/cancel", { method: "POST" });
    expect(await cancelled.json()).toMatchObject({ status: "cancelled" });
    expect(((await (await pending).json()) as { code: string }).code).toBe("RUN499");
    expect(await key("aborted:cancel-2:hold")).toBe("RUN499");
    await kv.put("gate:cancel-2", "open");
    const summary = await run("cancel-2");
    expect(summary.status).toBe("cancelled");
    expect(completed(summary)).toEqual(["start"]);
    expect(await kv.get("ran:cancel-2:after")).toBeNull();
  });

  it("an SSE client hanging up cancels the container run: its node's signal aborts there", async () => {
    const events = sseReader(
      await sse("/flows/streamy/invoke?run_id=hangup-1&container_key=whole", { id: "h1", endless: true }),
    );
    expect(await events.next()).toEqual({ event: "run", data: { run_id: "hangup-1" } });
    expect(await events.next()).toEqual({ event: "message", data: { id: "h1", n: 1 } });
    await events.cancel();
    // The node streams on until its signal aborts: the Worker noticed the hang-up and cancelled it.
    expect(await key("aborted:hangup-1:emit")).toMatch(/^(RUN499|HOST503)$/);
    const summary = await waitFor(async () => {
      const current = await run("hangup-1");
      return current.status === "cancelled" ? current : undefined;
    }, "the run to be cancelled");
    expect(summary.error?.code).toBe("RUN499");
    expect(completed(summary)).toEqual(["start"]);
  });

  it("streams a container flow's values to SSE as they are produced: the later ones only once the gate opens", async () => {
    const response = await sse("/flows/streamy/invoke?run_id=stream-1&container_key=whole", { id: "s1" });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const events = sseReader(response);
    expect(await events.next()).toEqual({ event: "run", data: { run_id: "stream-1" } });
    expect(await events.next()).toEqual({ event: "message", data: { id: "s1", n: 1 } });
    // The node is waiting on its gate, still shut: the container has produced one value so far.
    await key("holding:stream-1:emit");
    expect(await kv.get("gate:stream-1")).toBeNull();
    await kv.put("gate:stream-1", "open");
    expect(await events.next()).toEqual({ event: "message", data: { id: "s1", n: 2 } });
    expect(await events.next()).toEqual({ event: "message", data: { id: "s1", n: 3, in: "container" } });
    expect(await events.next()).toMatchObject({ event: "end", data: { status: "completed" } });
    expect(await events.next()).toBeUndefined();
    expect((await run("stream-1")).status).toBe("completed");
  });

  it("a container flow's stream failing mid-way ends with the error event and its code", async () => {
    const events = sseReader(
      await sse("/flows/streamy/invoke?run_id=stream-2&container_key=whole", { id: "s2", fail: true }),
    );
    expect(await events.next()).toEqual({ event: "run", data: { run_id: "stream-2" } });
    expect(await events.next()).toEqual({ event: "message", data: { id: "s2", n: 1 } });
    expect(await events.next()).toMatchObject({
      event: "error",
      data: { code: "STREAM422", error: "value 2 is malformed" },
    });
    expect(await events.next()).toBeUndefined();
    expect(await run("stream-2")).toMatchObject({ status: "failed", error: { code: "STREAM422" } });
  });

  it("streams a container node's values into a Worker run's SSE, one event per value, and its error with the code", async () => {
    const events = sseReader(await sse("/flows/mixedstream/invoke?run_id=stream-3", { id: "s3" }));
    expect(await events.next()).toEqual({ event: "run", data: { run_id: "stream-3" } });
    expect(await events.next()).toEqual({ event: "message", data: { id: "s3", n: 1 } });
    await key("holding:stream-3:emit");
    expect(await kv.get("gate:stream-3")).toBeNull();
    await kv.put("gate:stream-3", "open");
    expect(await events.next()).toEqual({ event: "message", data: { id: "s3", n: 2 } });
    expect(await events.next()).toEqual({ event: "message", data: { id: "s3", n: 3, in: "container" } });
    expect(await events.next()).toMatchObject({ event: "end", data: { status: "completed" } });

    const failing = sseReader(await sse("/flows/mixedstream/invoke?run_id=stream-4", { id: "s4", fail: true }));
    expect(await failing.next()).toEqual({ event: "run", data: { run_id: "stream-4" } });
    expect(await failing.next()).toEqual({ event: "message", data: { id: "s4", n: 1 } });
    expect(await failing.next()).toMatchObject({ event: "error", data: { code: "STREAM422" } });
    expect(await failing.next()).toBeUndefined();
  });
});
