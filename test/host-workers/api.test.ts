import type { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_TOKEN, auth, bundleFixture, RESUME_SECRET, startMiniflare, waitFor, workerOptions } from "./support";

// The Worker host end to end: a bundled Worker in real workerd (Miniflare driven from Node)
// with a SQLite Durable Object per run, real KV and real Queues.

let mf: Miniflare;
const logs: string[] = [];
const url = (path: string) => `http://flows.test${path}`;
const call = (path: string, init: RequestInit = {}) =>
  mf.dispatchFetch(url(path), { ...init, headers: { ...auth, ...(init.headers as Record<string, string>) } } as never);
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  call(path, {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json", ...headers },
  });

async function ledgerKeys(prefix: string): Promise<string[]> {
  const kv = await mf.getKVNamespace("LEDGER");
  return (await kv.list({ prefix })).keys.map((key) => key.name);
}

beforeAll(async () => {
  const script = await bundleFixture();
  mf = startMiniflare(
    workerOptions(script, {
      handleRuntimeStdio: (stdout, stderr) => {
        stdout.on("data", (chunk: Buffer) => logs.push(...chunk.toString().split("\n").filter(Boolean)));
        stderr.on("data", (chunk: Buffer) => logs.push(...chunk.toString().split("\n").filter(Boolean)));
      },
    }),
  );
  await mf.ready;
}, 60_000);

afterAll(async () => {
  await mf?.dispose();
});

describe("authentication", () => {
  it("serves health without a token", async () => {
    const response = await mf.dispatchFetch(url("/health"));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });

  it("answers 401 without or with a wrong token and runs nothing", async () => {
    const before = await ledgerKeys("exec:");
    for (const headers of [{}, { authorization: "Bearer wrong" }, { authorization: API_TOKEN }]) {
      const response = await mf.dispatchFetch(url("/flows/slow/invoke"), {
        method: "POST",
        body: JSON.stringify({ id: "x" }),
        headers,
      });
      expect(response.status).toBe(401);
      const body = (await response.json()) as { code: string; error: string };
      expect(body.code).toBe("AUTH401");
      expect(JSON.stringify(body)).not.toContain(API_TOKEN);
    }
    expect(await ledgerKeys("exec:")).toEqual(before);
  });
});

describe("routes", () => {
  it("lists flows", async () => {
    const response = await call("/flows");
    expect(response.status).toBe(200);
    const { flows } = (await response.json()) as { flows: { id: string; triggers: string[] }[] };
    expect(flows.map((flow) => flow.id)).toEqual(["orders", "ticker", "failing", "slow", "dead", "patient"]);
    expect(flows[0]?.triggers).toEqual(["start"]);
  });

  it("invokes a flow and returns its result as JSON", async () => {
    const response = await post("/flows/failing/invoke", { ok: true });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "completed", output: "fine" });
  });

  it("maps failures to the error envelope and status codes", async () => {
    const failed = await post("/flows/failing/invoke", { ok: false });
    expect(failed.status).toBe(500);
    expect(await failed.json()).toMatchObject({
      code: "LEDGER503",
      error: "the ledger is closed",
      details: { node: "boom" },
    });
    const missing = await post("/flows/nope/invoke", {});
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: "FLOW404" });
    const malformed = await call("/flows/failing/invoke", { method: "POST", body: "{not json" });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ code: "BAD_REQUEST" });
    const badTrigger = await post("/flows/failing/invoke?trigger=boom", {});
    expect(badTrigger.status).toBe(400);
    expect(await badTrigger.json()).toMatchObject({ code: "TRIG001" });
    const unknownRun = await call("/runs/no-such-run");
    expect(unknownRun.status).toBe(404);
    const unknownRoute = await call("/nowhere");
    expect(unknownRoute.status).toBe(404);
  });

  it("streams values as Server-Sent Events, one event per value, before the run ends", async () => {
    const response = await post("/flows/ticker/invoke", { count: 3, gapMs: 150 }, { accept: "text/event-stream" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let received = "";
    while (!received.includes('data: {"tick":0}\n\n')) received += decoder.decode((await reader.read()).value);
    expect(received).toMatch(/^event: run\ndata: \{"run_id":"[0-9a-f-]+"\}\n\n/);
    // The first value arrives while the producer still has two more to go.
    expect(received).not.toContain('"tick":1');
    let rest = "";
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) break;
      rest += decoder.decode(chunk.value);
    }
    expect(rest).toContain('data: {"tick":1}\n\n');
    expect(rest).toContain('data: {"tick":2}\n\n');
    expect(rest).toContain("event: end\n");
  });

  it("cancels the run when the client disconnects", async () => {
    const response = await post("/flows/ticker/invoke", { count: 1000, gapMs: 20 }, { accept: "text/event-stream" });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let received = "";
    while (!received.includes('"tick":0')) received += new TextDecoder().decode((await reader.read()).value);
    const runId = (/"run_id":"([0-9a-f-]+)"/.exec(received) ?? [])[1] as string;
    await reader.cancel();
    const summary = await waitFor(async () => {
      const body = (await (await call(`/runs/${runId}`)).json()) as { status: string };
      return body.status === "cancelled" ? body : undefined;
    }, "the disconnected run to be cancelled");
    expect(summary).toMatchObject({ status: "cancelled", error: { code: "RUN499" } });
  });

  it("answers 504 with TIME015 when the invocation deadline passes", async () => {
    const response = await post("/flows/slow/invoke?timeout_ms=50", { id: "deadline-1" });
    expect(response.status).toBe(504);
    expect(await response.json()).toMatchObject({ code: "TIME015" });
  });

  it("sends an error event when the run fails", async () => {
    const response = await post("/flows/failing/invoke", { ok: false }, { accept: "text/event-stream" });
    const text = await response.text();
    expect(text).toContain("event: error\n");
    expect(text).toContain('"code":"LEDGER503"');
  });
});

describe("run ids, conflicts and cancellation", () => {
  it("lets the client choose the run id: the same id answers from the journal without running again", async () => {
    const first = await post("/flows/slow/invoke?run_id=order-42", { id: "idem-1" });
    expect(first.status).toBe(200);
    const again = await post("/flows/slow/invoke?run_id=order-42", { id: "ignored" });
    expect(await again.json()).toMatchObject({ run_id: "order-42", status: "completed", output: "done" });
    expect(await ledgerKeys("exec:step1:slow/step1/idem-1")).toHaveLength(1);
    const bad = await post("/flows/slow/invoke?run_id=../../etc", {});
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: "RUN400" });
  });

  it("answers 409 when cancelling a run that already finished", async () => {
    const cancelled = await post("/runs/order-42/cancel", {});
    expect(cancelled.status).toBe(409);
    expect(await cancelled.json()).toMatchObject({ code: "RUN409" });
  });

  it("answers 503 to a request whose run is cancelled while it waits", async () => {
    const waiting = post("/flows/slow/invoke?run_id=cancel-sync-1", { id: "sync-cancel" });
    await waitFor(
      async () => ((await ledgerKeys("exec:step1:slow/step1/sync-cancel")).length > 0 ? true : undefined),
      "step1 to start",
    );
    const cancelled = await post("/runs/cancel-sync-1/cancel", {});
    expect(cancelled.status).toBe(200);
    const response = await waiting;
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ code: "RUN499" });
  });
});

describe("human approval", () => {
  it("halts with a signed token, refuses forged and reused tokens, resumes once", async () => {
    const halted = await post("/flows/orders/invoke", { order_id: "A-1" });
    expect(halted.status).toBe(202);
    const record = (await halted.json()) as {
      run_id: string;
      checkpoint: string;
      resume_token: string;
      details: unknown;
    };
    expect(record).toMatchObject({ status: "halted", checkpoint: "manager", details: { total: 1200 } });
    expect(record.resume_token).not.toContain(RESUME_SECRET);

    const status = await call(`/runs/${record.run_id}`);
    expect(await status.json()).toMatchObject({ status: "halted", checkpoint: "manager" });

    const [payload, signature] = record.resume_token.split(".");
    const forged = `${payload}.${(signature ?? "").slice(0, -2)}xx`;
    for (const token of [forged, "garbage", `${payload}`]) {
      const refused = await post(`/runs/${record.run_id}/resume`, { token, payload: { approved: true } });
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({ code: "HALT403" });
    }
    expect(await ledgerKeys("exec:charge:orders/charge/A-1")).toEqual([]);

    const resumed = await post(`/runs/${record.run_id}/resume`, {
      token: record.resume_token,
      payload: { approved: true },
    });
    expect(resumed.status).toBe(200);
    expect(await resumed.json()).toMatchObject({ status: "completed", output: { charged: 1200 } });

    const reused = await post(`/runs/${record.run_id}/resume`, {
      token: record.resume_token,
      payload: { approved: true },
    });
    expect(reused.status).toBe(403);
    expect(await ledgerKeys("exec:charge:orders/charge/A-1")).toHaveLength(1);
  });
});

describe("async runs", () => {
  it("starts a run with 202, continues it in the Durable Object, reports status and history", async () => {
    const started = await post("/flows/slow/runs", { id: "async-1" });
    expect(started.status).toBe(202);
    const { run_id: runId } = (await started.json()) as { run_id: string };
    const done = await waitFor(async () => {
      const summary = (await (await call(`/runs/${runId}`)).json()) as { status: string; nodes: { alias: string }[] };
      return summary.status === "completed" ? summary : undefined;
    }, "the async run to complete");
    expect(done.nodes.map((record) => record.alias)).toEqual(["start", "step1", "step2", "step3"]);
  });

  it("waits out a long retry backoff in a Durable Object alarm, not in memory", async () => {
    const started = await post("/flows/patient/runs", { id: "p-1" });
    const { run_id: runId } = (await started.json()) as { run_id: string };
    const done = await waitFor(async () => {
      const summary = (await (await call(`/runs/${runId}`)).json()) as {
        status: string;
        nodes: { alias: string; attempts: number }[];
      };
      return summary.status === "completed" ? summary : undefined;
    }, "the retried run to complete");
    expect(done.nodes.find((record) => record.alias === "call")).toMatchObject({ attempts: 2 });
    const kv = await mf.getKVNamespace("LEDGER");
    const first = Number(await kv.get("patient:p-1:1", "text"));
    const second = Number(await kv.get("patient:p-1:2", "text"));
    expect(second - first).toBeGreaterThanOrEqual(1_500);
  });

  it("cancels a running async run", async () => {
    const started = await post("/flows/slow/runs", { id: "cancel-me" });
    const { run_id: runId } = (await started.json()) as { run_id: string };
    await waitFor(
      async () => ((await ledgerKeys("exec:step1:slow/step1/cancel-me")).length > 0 ? true : undefined),
      "step1 to start",
    );
    const cancelled = await post(`/runs/${runId}/cancel`, {});
    expect(cancelled.status).toBe(200);
    expect(await cancelled.json()).toMatchObject({ status: "cancelled" });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await ledgerKeys("exec:step3:slow/step3/cancel-me")).toEqual([]);
  });
});

describe("triggers", () => {
  it("runs a queue message and acks it; retries a failing one, then dead-letters it", async () => {
    const producer = await mf.getQueueProducer("EVENTS");
    const okBefore = (await ledgerKeys("queue-ok:")).length;
    await producer.send({ ok: true });
    await producer.send({ ok: false, order: "bad-1" });
    await waitFor(
      async () => ((await ledgerKeys("queue-ok:")).length > 0 ? true : undefined),
      "the good message's run",
    );
    const dead = await waitFor(async () => {
      const keys = await ledgerKeys("dlq:");
      return keys.length > 0 ? keys : undefined;
    }, "the failing message to reach the dead-letter queue");
    expect(dead).toHaveLength(1);
    const kv = await mf.getKVNamespace("LEDGER");
    expect(JSON.parse(((await kv.get(dead[0] as string, "text")) as string | null) ?? "null")).toEqual({
      ok: false,
      order: "bad-1",
    });
    expect(await ledgerKeys("queue-ok:")).toHaveLength(okBefore + 1);
    const attempts = logs.filter(
      (line) => line.includes('"message":"queue message run"') && line.includes('"status":"failed"'),
    );
    expect(attempts.length).toBe(3);
  });

  it("starts the flows bound to a cron", async () => {
    const worker = await mf.getWorker();
    const before = logs.filter((line) => line.includes('"flow_id":"ticker"')).length;
    await worker.scheduled({ cron: "*/5 * * * *" });
    await waitFor(
      async () => (logs.filter((line) => line.includes('"flow_id":"ticker"')).length > before ? true : undefined),
      "the cron run",
    );
  });
});

describe("observability", () => {
  it("logs one JSON line per node execution, never the secrets", () => {
    const lines = logs
      .filter((line) => line.includes('"message":"node completed"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines)
      expect(Object.keys(line)).toEqual(
        expect.arrayContaining(["run_id", "flow_id", "node", "attempts", "duration_ms"]),
      );
    for (const line of logs) {
      expect(line).not.toContain(API_TOKEN);
      expect(line).not.toContain(RESUME_SECRET);
    }
  });
});
