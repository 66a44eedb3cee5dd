import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_NETWORK_PREFIX } from "../../cli/src/dev/local-engine-protocol";
import { buildContainerBin } from "../host-container/container-harness";
import { type Booted, boot, shutdown } from "./container/boot";
import { waitFor } from "./support";

// Worker → Container class → a real `flows-container` process → bus → Worker → real KV, Queue
// and Durable Objects, in real workerd (Miniflare from Node). Two stand-ins, named so: the
// Docker engine behind `ctx.container` (the local engine `flows dev` uses, driving real Node
// children through container/supervisor.ts) and Cloudflare's network (the local network route
// of `localContainers` into the Container class's own outbound handler).

beforeAll(() => buildContainerBin(), 60_000);

describe("container placement (restart policy on_failure)", () => {
  let app: Booted;
  beforeAll(async () => {
    app = await boot("container-worker.ts");
  }, 60_000);
  afterAll(() => shutdown(app));

  it("runs a mixed flow as one run with one journal: Worker node, container node, Worker node", async () => {
    const response = await app.post(
      "/flows/mixed/invoke?run_id=mixed-1",
      { id: "m1" },
      { "cf-connecting-ip": "203.0.113.7" },
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; output: Record<string, unknown> };
    expect(body.status).toBe("completed");
    expect(body.output).toMatchObject({
      id: "m1",
      prepared_in: "worker",
      enriched_in: "container",
      finished_in: "worker",
      greeting: "hello from the manifest",
      meta: { run_id: "mixed-1", flow_id: "mixed", client_ip: "203.0.113.7" },
    });
    // The container's kv writes went over the bus into the Worker's real KV namespace.
    expect(await app.ledger("effect:enrich:")).toEqual(["effect:enrich:mixed/enrich/m1"]);
    // And its r2 write into the real bucket.
    const blob = await (await app.mf.getR2Bucket("BLOBS")).get("enriched/m1");
    expect(JSON.parse((await blob?.text()) ?? "null")).toMatchObject({ id: "m1", prepared_in: "worker" });
    const run = (await (await app.call("/runs/mixed-1")).json()) as {
      status: string;
      nodes: { alias: string; status: string }[];
    };
    expect(run.status).toBe("completed");
    expect(run.nodes.map((record) => [record.alias, record.status])).toEqual([
      ["start", "completed"],
      ["prepare", "completed"],
      ["enrich", "completed"],
      ["finish", "completed"],
    ]);
  });

  it("runs a whole flow in the container, journaling into the run's object; kv, queue and do are the Worker's", async () => {
    const response = await app.post("/flows/boxed/invoke?run_id=boxed-1&container_key=whole", { id: "b1" });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { output: { id: string; receipt: number } };
    expect(body.output).toMatchObject({ id: "b1", receipt: 1 });
    const run = (await (await app.call("/runs/boxed-1")).json()) as { status: string; nodes: { alias: string }[] };
    expect(run.status).toBe("completed");
    expect(run.nodes.map((record) => record.alias)).toEqual(["start", "step1", "step2", "step3"]);
    // The queue message the container sent reached the real queue: its consumer ran the sink flow.
    await waitFor(async () => ((await app.ledger("queued:b1")).length > 0 ? true : undefined), "the queued message");
    // Invoking the same run id again answers from the journal: nothing runs twice.
    const again = await app.post("/flows/boxed/invoke?run_id=boxed-1&container_key=whole", { id: "b1" });
    expect(((await again.json()) as { output: unknown }).output).toEqual(body.output);
    expect(await app.ledger("exec:step3:")).toHaveLength(1);
  });

  it("serves a container flow as SSE and as an async run carried by the run object's alarm", async () => {
    const stream = await app.call("/flows/boxed/invoke?run_id=boxed-sse&container_key=whole", {
      method: "POST",
      body: JSON.stringify({ id: "s1" }),
      headers: { accept: "text/event-stream" },
    });
    const events = (await stream.text()).split("\n\n").filter(Boolean);
    expect(events[0]).toBe('event: run\ndata: {"run_id":"boxed-sse"}');
    expect(JSON.parse(events[1]?.replace("data: ", "") ?? "null")).toMatchObject({ id: "s1", receipt: 1 });
    expect(events[2]).toMatch(/^event: end\n/);

    const started = await app.post("/flows/boxed/runs?container_key=whole", { id: "a1" });
    expect(started.status).toBe(202);
    const { run_id: runId } = (await started.json()) as { run_id: string };
    const run = await waitFor(async () => {
      const body = (await (await app.call(`/runs/${runId}`)).json()) as {
        status: string;
        nodes: { status: string }[];
      };
      return body.status === "completed" ? body : undefined;
    }, "the async run to complete in the container");
    expect(run.nodes.filter((record) => record.status === "completed")).toHaveLength(4);

    // Runs executed in the container are in the run index like any other, with their trigger.
    const listed = await waitFor(async () => {
      const page = (await (await app.call("/runs?flow=boxed&limit=200")).json()) as {
        runs: { run_id: string; status: string; trigger: string }[];
      };
      const rows = page.runs.filter((row) => ["boxed-sse", runId].includes(row.run_id));
      return rows.length === 2 && rows.every((row) => row.status === "completed") ? rows : undefined;
    }, "the container runs in the index");
    expect(listed.map((row) => row.trigger).sort()).toEqual(["async", "http"]);
  });

  it("follows a run executing in the container over GET /runs/:id/events: its journal appends reach the stream", async () => {
    const started = await app.post("/flows/boxed/runs?run_id=boxed-follow&container_key=whole", { id: "f1" });
    expect(started.status).toBe(202);
    const stream = await app.call("/runs/boxed-follow/events");
    expect(stream.headers.get("content-type")).toBe("text/event-stream");
    const frames = (await stream.text()).split("\n\n").filter((frame) => frame.startsWith("id: "));
    const types = frames.map((frame) => /\nevent: (\w+)\n/.exec(frame)?.[1]);
    expect(types).toEqual(["started", "completed", "completed", "completed", "completed", "finished"]);
    expect(frames.map((frame) => Number(/^id: (\d+)/.exec(frame)?.[1]))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(frames[5]).toContain('"status":"completed"');
  });

  it("answers malformed container names and keys with BAD_REQUEST", async () => {
    const status = await app.call("/containers/bad%20name");
    expect(status.status).toBe(400);
    expect(((await status.json()) as { code: string }).code).toBe("BAD_REQUEST");
    const invoke = await app.post("/flows/boxed/invoke?container_key=../x", { id: "x" });
    expect(invoke.status).toBe(400);
  });

  it("kill -9 mid-run: the process is restarted, the run resumes from its journal, no effect repeats", async () => {
    const id = await app.containerId("kill");
    const pending = app.post("/flows/boxed/invoke?run_id=kill-1&container_key=kill", { id: "k1", holdMs: 1_500 });
    await waitFor(async () => ((await app.ledger("exec:step2:boxed/step2/k1")).length > 0 ? true : undefined), "step2");
    const pid = app.supervisor.pid(id);
    expect(pid).toBeTypeOf("number");
    process.kill(pid as number, "SIGKILL");

    const response = await pending;
    expect(response.status).toBe(200);
    expect(((await response.json()) as { output: { pid: number } }).output.pid).not.toBe(pid);
    expect(app.supervisor.starts().get(id)).toBe(2);
    // step1 finished before the kill: replayed, not executed again; step2 ran again (it was cut off).
    expect(await app.ledger("exec:step1:boxed/step1/k1")).toHaveLength(1);
    expect(await app.ledger("exec:step2:boxed/step2/k1")).toHaveLength(2);
    expect((await app.ledger("effect:")).filter((key) => key.endsWith("/k1"))).toEqual([
      "effect:step1:boxed/step1/k1",
      "effect:step2:boxed/step2/k1",
      "effect:step3:boxed/step3/k1",
    ]);
    const run = (await (await app.call("/runs/kill-1")).json()) as { status: string };
    expect(run.status).toBe("completed");
    const status = (await (await app.call("/containers/kill")).json()) as Record<string, unknown>;
    expect(status).toMatchObject({
      name: "kill",
      policy: "on_failure",
      crashes: 1,
      running: true,
      last_exit: { code: 137, crash: true },
    });
  });

  it("repeated crashes trip crash-loop protection: typed error, status reports it, no more starts", async () => {
    const id = await app.containerId("loop");
    const response = await app.post("/flows/crashy/invoke?container_key=loop", { id: "c1" });
    expect(response.status).toBe(503);
    const body = (await response.json()) as { code: string; error: string; details: Record<string, unknown> };
    expect(body.code).toBe("CONTAINER_CRASH_LOOP");
    expect(body.error).toContain("CrashLoopDetected");
    expect(body.details).toMatchObject({
      type: "CrashLoopDetected",
      instance: "loop",
      crashes: 3,
      window_ms: 600_000,
      retryable: false,
    });
    expect(app.supervisor.starts().get(id)).toBe(3);

    const status = (await (await app.call("/containers/loop")).json()) as Record<string, unknown>;
    expect(status).toMatchObject({ state: "crash_loop", crashes: 3, running: false, last_exit: { code: 137 } });
    expect((status.crash_loop as { tripped_at: string | null }).tripped_at).toEqual(expect.any(String));

    // Tripped: a healthy flow on that instance is refused at once, nothing is started.
    const refused = await app.post("/flows/boxed/invoke?container_key=loop", { id: "c2" });
    expect(((await refused.json()) as { code: string }).code).toBe("CONTAINER_CRASH_LOOP");
    expect(app.supervisor.starts().get(id)).toBe(3);

    // Reset clears the history; the next request starts it again.
    const reset = (await (await app.call("/containers/loop/reset", { method: "POST" })).json()) as {
      crashes: number;
      state: string;
    };
    expect(reset.crashes).toBe(0);
    const healthy = await app.post("/flows/boxed/invoke?container_key=loop", { id: "c3" });
    expect(healthy.status).toBe(200);
    expect(app.supervisor.starts().get(id)).toBe(4);
  });

  it("lists instances with their restart state; always_on instances are kept running", async () => {
    const keeper = await app.containerId("keeper");
    await waitFor(async () => (app.supervisor.pid(keeper) === undefined ? undefined : true), "keeper to start");
    const first = app.supervisor.pid(keeper) as number;
    process.kill(first, "SIGKILL");
    await waitFor(async () => {
      const pid = app.supervisor.pid(keeper);
      return pid !== undefined && pid !== first ? true : undefined;
    }, "keeper to be restarted");
    const { containers } = (await (await app.call("/containers")).json()) as {
      containers: { name: string; always_on: boolean; policy: string }[];
    };
    expect(containers.map((container) => container.name)).toEqual(["instance-0", "instance-1", "keeper"]);
    expect(containers.find((container) => container.name === "keeper")?.always_on).toBe(true);
  });

  it("the bus answers only runs the instance is serving, and malformed meta with META400", async () => {
    const url = `${(await app.mf.ready).toString().replace(/\/$/, "")}${LOCAL_NETWORK_PREFIX}/${app.supervisor.token}/${await app.containerId("kill")}/bus.flows.internal/bus`;
    const frame = `${JSON.stringify({ id: "1", method: "kv.get", params: { key: "effect:step1:boxed/step1/k1", type: "text" } })}\n`;
    const stranger = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/x-ndjson",
        "x-flows-meta": JSON.stringify({ run_id: "kill-1", flow_id: "boxed" }),
      },
      body: frame,
    });
    expect(stranger.status).toBe(403);
    expect(((await stranger.json()) as { code: string }).code).toBe("BUS403");
    const malformed = await fetch(url, { method: "POST", headers: { "x-flows-meta": "{" }, body: frame });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { code: string }).code).toBe("META400");
  });
});

describe("restart policy never", () => {
  let app: Booted;
  beforeAll(async () => {
    app = await boot("container-worker-never.ts");
  }, 60_000);
  afterAll(() => shutdown(app));

  it("does not restart a killed process: the run fails with CONTAINER_DOWN and the instance stays down", async () => {
    const id = await app.containerId("once");
    const pending = app.post("/flows/boxed/invoke?run_id=never-1&container_key=once", { id: "n1", holdMs: 1_500 });
    await waitFor(async () => ((await app.ledger("exec:step2:boxed/step2/n1")).length > 0 ? true : undefined), "step2");
    process.kill(app.supervisor.pid(id) as number, "SIGKILL");
    const response = await pending;
    expect(response.status).toBe(503);
    expect(((await response.json()) as { code: string }).code).toBe("CONTAINER_DOWN");

    const refused = await app.post("/flows/boxed/invoke?container_key=once", { id: "n2" });
    expect(((await refused.json()) as { code: string }).code).toBe("CONTAINER_DOWN");
    const status = (await (await app.call("/containers/once")).json()) as Record<string, unknown>;
    expect(status).toMatchObject({ state: "down", policy: "never", running: false, last_exit: { code: 137 } });
    expect(app.supervisor.starts().get(id)).toBe(1);
    expect(await app.ledger("exec:step3:boxed/step3/n1")).toEqual([]);
  });
});

describe("a Worker whose container binding is missing", () => {
  let app: Booted;
  beforeAll(async () => {
    app = await boot("container-worker.ts", { containerBinding: false });
  }, 60_000);
  afterAll(() => shutdown(app));

  it("refuses the first request with DAG203 before anything runs", async () => {
    const response = await app.post("/flows/mixed/invoke", { id: "x" });
    expect(response.status).toBe(500);
    const body = (await response.json()) as { code: string; details: { binding: string } };
    expect(body.code).toBe("DAG203");
    expect(body.details.binding).toBe("FLOW_CONTAINER");
    expect(await app.ledger("")).toEqual([]);
  });
});
