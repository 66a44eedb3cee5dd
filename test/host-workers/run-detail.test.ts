import type { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { camelCaseKeys } from "../support/camel-keys";
import { auth, bundleFixture, startMiniflare, waitFor, workerOptions } from "./support";

// The run detail routes in real workerd: a run that retries, halts and ends with a large
// value; a failed one; one followed live over Server-Sent Events.

let mf: Miniflare;
const url = (path: string) => `http://flows.test${path}`;
const call = (path: string, init: RequestInit = {}) =>
  mf.dispatchFetch(url(path), { ...init, headers: { ...auth, ...(init.headers as Record<string, string>) } } as never);
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  call(path, {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json", ...headers },
  });
/** A response as Miniflare gives it (its own Response type). */
interface Answer {
  json(): Promise<unknown>;
  text(): Promise<string>;
  readonly body: unknown;
}
const json = async <T>(response: Answer | Promise<Answer>) => (await (await response).json()) as T;

interface Detail {
  run_id: string;
  status: string;
  error: { code: string } | null;
  output: unknown;
  resume: { node: string; checkpoint: string; token: string | null } | null;
  nodes: {
    node: string;
    alias: string;
    status: string;
    attempts: number;
    input: unknown;
    output: unknown;
    error: { code: string; message: string } | null;
    duration_ms: number | null;
  }[];
  events: { type: string; node: string | null }[];
  graph: { nodes: { alias: string }[]; edges: { from: string; to: string }[] };
}

const node = (detail: Detail, alias: string) => detail.nodes.find((entry) => entry.alias === alias);

beforeAll(async () => {
  mf = startMiniflare(workerOptions(await bundleFixture("detail-worker.ts")));
  await mf.ready;
}, 60_000);

afterAll(async () => {
  await mf?.dispose();
});

describe("GET /runs/:id", () => {
  it("shows a halted run with its retry and a resume token the resume route takes, then the run to its end", async () => {
    const halted = await post("/flows/review/invoke?run_id=rev-1", { order: 7 });
    expect(halted.status).toBe(202);
    const detail = await json<Detail>(call("/runs/rev-1"));
    expect(detail).toMatchObject({ run_id: "rev-1", status: "halted", flow: "review", checkpoint: "approve" });
    expect(node(detail, "flaky")).toMatchObject({ status: "completed", attempts: 2, input: { order: 7 } });
    expect(node(detail, "gate")).toMatchObject({ status: "halted", input: { checked: { order: 7 } }, output: null });
    expect(node(detail, "big")).toMatchObject({ status: "pending", input: null });
    expect(detail.events.map((event) => [event.type, event.node])).toEqual([
      ["retrying", "flaky"],
      ["halted", "gate"],
    ]);
    expect(detail.graph.nodes.map((entry) => entry.alias)).toEqual(["start", "flaky", "gate", "big"]);
    expect(detail.graph.edges).toContainEqual({ from: "gate", to: "big" });
    expect(detail.resume).toMatchObject({ node: "gate", checkpoint: "approve", token: expect.any(String) });

    // The token from the detail resumes the run: a lost 202 answer does not strand it.
    const resumed = await post("/runs/rev-1/resume", { token: detail.resume?.token, payload: { approved: true } });
    expect(resumed.status).toBe(200);
    const done = await json<Detail>(call("/runs/rev-1"));
    expect(done).toMatchObject({ status: "completed", resume: null, checkpoint: null, error: null });
    expect(done.events.map((event) => event.type)).toEqual(["retrying", "halted", "resumed"]);
    expect(node(done, "big")?.output).toMatchObject({ $truncated: true, bytes: expect.any(Number) });
    expect((node(done, "big")?.output as { preview?: string } | undefined)?.preview).toHaveLength(4096);
    expect(done.output).toMatchObject({ $truncated: true });
    for (const entry of done.nodes) expect(entry.status).toBe("completed");
  });

  it("gives a node's whole values, by alias or id; NODE404 and RUN404 for what does not exist", async () => {
    const whole = await json<{ node: string; status: string; input: unknown; output: { report: string } }>(
      call("/runs/rev-1/nodes/big"),
    );
    expect(whole).toMatchObject({ run_id: "rev-1", node: "review::big", alias: "big", status: "completed" });
    expect(whole.output.report).toHaveLength(5000);
    expect(whole.input).toEqual({ checked: { order: 7 }, approved: true });
    expect((await call(`/runs/rev-1/nodes/${encodeURIComponent("review::gate")}`)).status).toBe(200);
    const noNode = await call("/runs/rev-1/nodes/nope");
    expect(noNode.status).toBe(404);
    expect(await noNode.json()).toMatchObject({ code: "NODE404" });
    for (const path of ["/runs/no-such-run", "/runs/no-such-run/nodes/big", "/runs/no-such-run/events"]) {
      const missing = await call(path);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toMatchObject({ code: "RUN404" });
    }
    expect((await mf.dispatchFetch(url("/runs/rev-1"))).status).toBe(401);
  });

  it("shows a failed run's node with its code and message", async () => {
    expect((await post("/flows/broken/invoke?run_id=broken-1", {})).status).toBe(500);
    const detail = await json<Detail>(call("/runs/broken-1"));
    expect(detail).toMatchObject({ status: "failed", error: { code: "LEDGER503" }, output: null });
    expect(node(detail, "boom")).toMatchObject({
      status: "failed",
      attempts: 1,
      input: {},
      error: { code: "LEDGER503", message: "the ledger is closed" },
    });
    expect(node(detail, "boom")?.duration_ms).toEqual(expect.any(Number));
  });
});

/** Reads Server-Sent Events until the stream ends, noting when each arrived. */
async function readEvents(response: Answer) {
  const events: { id: number; event: string; data: Record<string, unknown>; at: number }[] = [];
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end = buffer.indexOf("\n\n");
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf("\n\n");
      const fields = Object.fromEntries(
        block
          .split("\n")
          .filter((line) => !line.startsWith(":"))
          .map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 2)]),
      );
      if (fields.data === undefined) continue;
      events.push({ id: Number(fields.id), event: fields.event ?? "", data: JSON.parse(fields.data), at: Date.now() });
    }
  }
  return events;
}

describe("GET /runs/:id/events", () => {
  it("follows a running run's journal live to its finished entry, in snake_case", async () => {
    const started = await post("/flows/steady/runs?run_id=steady-1", 1);
    expect(started.status).toBe(202);
    const opened = Date.now();
    const stream = await call("/runs/steady-1/events");
    expect(stream.headers.get("content-type")).toBe("text/event-stream");
    const events = await readEvents(stream);
    expect(events.map((event) => event.event)).toEqual([
      "started",
      "completed",
      "completed",
      "completed",
      "completed",
      "finished",
    ]);
    expect(events.map((event) => event.id)).toEqual([0, 1, 2, 3, 4, 5]);
    // Delivered as they happened, not all at the end: the nodes take 150 ms each.
    const first = events[0] as { at: number };
    const last = events[5] as { at: number };
    expect(last.at - first.at).toBeGreaterThan(250);
    expect(first.at - opened).toBeLessThan(last.at - opened);
    const step = events[2]?.data as Record<string, unknown>;
    expect(step).toMatchObject({ type: "completed", node: "one", output: { one: 1 }, attempts: 1 });
    expect(Object.keys(step)).toEqual(expect.arrayContaining(["started_at", "duration_ms"]));
    expect(events[5]?.data).toMatchObject({
      type: "finished",
      status: "completed",
      output: { three: { two: { one: 1 } } },
    });
  });

  it("replays after ?after= or Last-Event-ID and ends at once for a finished run", async () => {
    const after = await readEvents(await call("/runs/steady-1/events?after=3"));
    expect(after.map((event) => event.id)).toEqual([4, 5]);
    const resumed = await readEvents(await call("/runs/steady-1/events", { headers: { "last-event-id": "4" } }));
    expect(resumed.map((event) => event.id)).toEqual([5]);
  });
});

describe("one naming convention", () => {
  it("answers every route in snake_case outside user values", async () => {
    const answers: Record<string, unknown> = {};
    const keep = async (name: string, response: Answer | Promise<Answer>) => {
      answers[name] = await (await response).json();
    };
    await keep("flows", call("/flows"));
    await keep("invoke completed", post("/flows/steady/invoke?run_id=names-1", { camelCase: 1 }));
    await keep("invoke halted", post("/flows/review/invoke?run_id=names-2", { camelCase: 1 }));
    await keep("invoke failed", post("/flows/broken/invoke?run_id=names-3", {}));
    await keep("start", post("/flows/steady/runs?run_id=names-4", 1));
    await keep("detail halted", call("/runs/names-2"));
    await keep("node", call("/runs/names-2/nodes/flaky"));
    await keep("event", post("/runs/names-2/events/nudge", { payload: { camelCase: 1 } }));
    await keep("cancel", post("/runs/names-2/cancel", {}));
    await keep("detail cancelled", call("/runs/names-2"));
    await keep("detail failed", call("/runs/names-3"));
    await keep("resume refused", post("/runs/names-2/resume", { token: "forged", payload: null }));
    await keep("not found", call("/runs/nobody"));
    await keep("no route", call("/nowhere"));
    await waitFor(
      async () => ((await json<Detail>(call("/runs/names-4"))).status === "completed" ? true : undefined),
      "the async run to end",
    );
    await keep("detail completed", call("/runs/names-4"));
    answers.events = (await readEvents(await call("/runs/names-2/events"))).map((event) => event.data);
    const sse = await (await post("/flows/steady/invoke?run_id=names-5", 1, { accept: "text/event-stream" })).text();
    answers["invoke sse"] = sse
      .split("\n")
      .filter((line) => line.startsWith("data: "))
      .map((line) => JSON.parse(line.slice(6)));
    expect(camelCaseKeys(answers)).toEqual([]);
    // And the walk does find a camelCase key of ours, but not one inside a user's value.
    expect(camelCaseKeys({ run: { runId: 1, output: { camelCase: 1 } } })).toEqual(["$.run.runId"]);
    // The walk saw what it should: each shape above, with our own keys in it.
    expect(Object.keys(answers)).toHaveLength(17);
    expect(JSON.stringify(answers)).toContain('"run_id"');
    expect(JSON.stringify(answers)).toContain('"started_at"');
    expect(JSON.stringify(answers)).toContain('"duration_ms"');
    expect(JSON.stringify(answers)).toContain('"camelCase"');
  });
});
