import type { KVNamespace } from "@cloudflare/workers-types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildContainerBin } from "../host-container/container-harness";
import { type Booted, boot, shutdown } from "./container/boot";
import { waitFor } from "./support";

// The operator API and the lifecycle hooks, end to end: real workerd (Miniflare from Node), the
// real `flows-container` process behind the Docker-engine stand-in, restart policy `always`
// (fixture/container-worker-always.ts, whose hooks leave each event in KV). Every wait is on
// an effect (a new process, a KV key), never on a duration.

interface Status {
  readonly name: string;
  readonly state: string;
  readonly running: boolean;
  readonly policy: string;
  readonly crashes: number;
  readonly crashes_total: number;
  readonly last_exit: { code: number; crash: boolean } | null;
  readonly last_start: string | null;
  readonly uptime_ms: number | null;
  readonly starts_total: number;
}

interface Failure {
  readonly code: string;
  readonly error: string;
  readonly details: Record<string, unknown>;
}

beforeAll(() => buildContainerBin(), 60_000);

describe("operator routes and hooks (restart policy always)", () => {
  let app: Booted;
  let kv: KVNamespace;
  beforeAll(async () => {
    app = await boot("container-worker-always.ts");
    kv = (await app.mf.getKVNamespace("LEDGER")) as unknown as KVNamespace;
  }, 60_000);
  afterAll(async () => {
    if (process.env.FLOWS_TEST_OUTPUT)
      (await import("node:fs")).writeFileSync(process.env.FLOWS_TEST_OUTPUT, app.output.join("\n"));
    await shutdown(app);
  });

  const status = async (name: string) => (await (await app.call(`/containers/${name}`)).json()) as Status;
  const act = (name: string, action: string) => app.call(`/containers/${name}/${action}`, { method: "POST" });
  /** The events a hook saw for an instance, in order. */
  const hooked = async (hook: string, instance: string) => {
    const { keys } = await kv.list({ prefix: `hook:${hook}:${instance}:` });
    return Promise.all(
      keys.map(async (key) => JSON.parse((await kv.get(key.name)) ?? "null") as Record<string, unknown>),
    );
  };
  const hookCount = (hook: string, instance: string, count: number) =>
    waitFor(async () => {
      const events = await hooked(hook, instance);
      return events.length >= count ? events : undefined;
    }, `${count} ${hook} hook events of ${instance}`);
  const newPid = (id: string, old: number | undefined) =>
    waitFor(async () => {
      const pid = app.supervisor.pid(id);
      return pid !== undefined && pid !== old ? pid : undefined;
    }, "a new process");

  it("start starts an instance; status has its last start and uptime", async () => {
    const response = await act("idle", "start");
    expect(response.status).toBe(200);
    const started = (await response.json()) as Status;
    expect(started).toMatchObject({ name: "idle", running: true, policy: "always", starts_total: 1, crashes: 0 });
    expect(Date.parse(started.last_start ?? "")).toBeGreaterThan(Date.now() - 60_000);
    expect(started.uptime_ms).toBeGreaterThanOrEqual(0);
    const before = started.uptime_ms ?? 0;
    await waitFor(async () => (((await status("idle")).uptime_ms ?? 0) > before ? true : undefined), "uptime to grow");
    expect((await hookCount("start", "idle", 1))[0]).toMatchObject({ instance: "idle", starts_total: 1 });
  });

  it("always: a killed idle process and one that exited cleanly are both restarted, with no request", async () => {
    const id = await app.containerId("idle");
    const first = app.supervisor.pid(id);
    expect(first).toBeTypeOf("number");
    process.kill(first as number, "SIGKILL");
    const second = await newPid(id, first);
    await hookCount("start", "idle", 2);
    expect(await status("idle")).toMatchObject({
      running: true,
      crashes: 1,
      starts_total: 2,
      last_exit: { code: 137, crash: true },
    });

    // SIGTERM from outside (not a stop the Worker asked for): the runtime drains and exits 0.
    // on_failure would leave it down; always brings it back.
    app.supervisor.kill(id, "SIGTERM");
    await newPid(id, second);
    await hookCount("start", "idle", 3);
    expect(await status("idle")).toMatchObject({
      running: true,
      crashes: 1,
      starts_total: 3,
      last_exit: { code: 0, crash: false },
    });
    expect(app.supervisor.starts().get(id)).toBe(3);
    const stops = await hookCount("stop", "idle", 2);
    expect(stops).toEqual([
      expect.objectContaining({ instance: "idle", exit_code: 137, crash: true, requested: false, restart: true }),
      expect.objectContaining({ instance: "idle", exit_code: 0, crash: false, requested: false, restart: true }),
    ]);
  });

  it("stop holds an instance down until start: requests get CONTAINER_STOPPED, reconcile leaves it", async () => {
    const id = await app.containerId("held");
    expect((await app.post("/flows/boxed/invoke?container_key=held", { id: "h1" })).status).toBe(200);

    const stopped = await act("held", "stop");
    expect(stopped.status).toBe(200);
    expect(await stopped.json()).toMatchObject({
      state: "stopped",
      running: false,
      uptime_ms: null,
      crashes: 0,
      last_exit: { code: 0, crash: false },
    });
    expect((await hookCount("stop", "held", 1))[0]).toMatchObject({ requested: true, restart: false, crash: false });

    const refused = await app.post("/flows/boxed/invoke?container_key=held", { id: "h2" });
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({
      code: "CONTAINER_STOPPED",
      details: { instance: "held", retryable: false },
    });
    const reconciled = await act("held", "reconcile");
    expect(await reconciled.json()).toMatchObject({ state: "stopped", running: false });
    expect(app.supervisor.starts().get(id)).toBe(1);

    const started = await act("held", "start");
    expect(await started.json()).toMatchObject({ running: true, starts_total: 2 });
    expect((await app.post("/flows/boxed/invoke?container_key=held", { id: "h3" })).status).toBe(200);
    expect(app.supervisor.starts().get(id)).toBe(2);
  });

  it("stop drains the work in flight: the run finishes, then the instance stays down", async () => {
    const pending = app.post("/flows/boxed/invoke?run_id=drain-1&container_key=drain", { id: "d1", holdMs: 800 });
    await waitFor(async () => ((await app.ledger("exec:step2:boxed/step2/d1")).length > 0 ? true : undefined), "step2");
    const stopped = await act("drain", "stop");
    expect(await stopped.json()).toMatchObject({ state: "stopped", running: false, crashes: 0 });
    const response = await pending;
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "completed", output: { id: "d1", receipt: 1 } });
    expect(await app.ledger("exec:step3:boxed/step3/d1")).toHaveLength(1);
    expect(app.supervisor.starts().get(await app.containerId("drain"))).toBe(1);
  });

  it("an always_on instance stopped by an operator stays down through a reconcile of every instance", async () => {
    const keeper = await app.containerId("keeper");
    await waitFor(async () => app.supervisor.pid(keeper), "keeper to start");
    expect(await (await act("keeper", "stop")).json()).toMatchObject({ state: "stopped", running: false });
    const all = await app.call("/containers/reconcile", { method: "POST" });
    expect(all.status).toBe(200);
    const { containers } = (await all.json()) as { containers: Status[] };
    expect(containers.map((container) => container.name)).toEqual(["instance-0", "instance-1", "keeper"]);
    expect(containers.find((container) => container.name === "keeper")).toMatchObject({ state: "stopped" });
    expect(app.supervisor.pid(keeper)).toBeUndefined();
    expect(await (await act("keeper", "start")).json()).toMatchObject({ running: true });
  });

  it("a crash loop calls the error hook; start is refused while it holds; remove forgets the instance", async () => {
    const id = await app.containerId("looper");
    const crashed = await app.post("/flows/crashy/invoke?container_key=looper", { id: "l1" });
    expect(crashed.status).toBe(503);
    expect(((await crashed.json()) as Failure).code).toBe("CONTAINER_CRASH_LOOP");
    const [error] = await hookCount("error", "looper", 1);
    expect(error).toMatchObject({
      instance: "looper",
      code: "CONTAINER_CRASH_LOOP",
      retryable: false,
      details: { type: "CrashLoopDetected", crashes: 3, window_ms: 600_000 },
    });
    expect(String(error?.message)).toContain("CrashLoopDetected");

    const refused = await act("looper", "start");
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as Failure).code).toBe("CONTAINER_CRASH_LOOP");
    const starts = app.supervisor.starts().get(id);

    const removed = await act("looper", "remove");
    expect(removed.status).toBe(200);
    expect(await removed.json()).toMatchObject({
      name: "looper",
      running: false,
      crashes: 0,
      crashes_total: 0,
      starts_total: 0,
      last_exit: null,
      last_start: null,
      uptime_ms: null,
    });
    expect(app.supervisor.starts().get(id)).toBe(starts);
    // Forgotten, so nothing holds it: the next run starts it afresh.
    expect((await app.post("/flows/boxed/invoke?container_key=looper", { id: "l2" })).status).toBe(200);
    expect(await status("looper")).toMatchObject({ running: true, starts_total: 1, crashes_total: 0 });
  });

  it("a start refused for its environment calls the error hook with CONTAINER_ENV", async () => {
    const refused = await act("no-env", "start");
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ code: "CONTAINER_ENV", details: { instance: "no-env" } });
    const [error] = await hookCount("error", "no-env", 1);
    expect(error).toMatchObject({ instance: "no-env", code: "CONTAINER_ENV", retryable: false });
    expect(String(error?.message)).toContain("no credentials for no-env");
    expect(app.supervisor.starts().has(await app.containerId("no-env"))).toBe(false);
  });

  it("remove stops a running instance first", async () => {
    const id = await app.containerId("held");
    expect(app.supervisor.pid(id)).toBeTypeOf("number");
    expect(await (await act("held", "remove")).json()).toMatchObject({ running: false, starts_total: 0 });
    expect(app.supervisor.pid(id)).toBeUndefined();
  });

  it("the operator routes are authenticated and check the instance name", async () => {
    for (const action of ["start", "stop", "remove", "reconcile"]) {
      const anonymous = (await app.mf.dispatchFetch(`http://flows.test/containers/idle/${action}`, {
        method: "POST",
      })) as unknown as Response;
      expect(anonymous.status).toBe(401);
      expect(((await anonymous.json()) as Failure).code).toBe("AUTH401");
      const bad = await act("bad%20name", action);
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as Failure).code).toBe("BAD_REQUEST");
    }
    expect(app.supervisor.pid(await app.containerId("idle"))).toBeTypeOf("number");
  });
});
