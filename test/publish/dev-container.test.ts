import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildCli, flows, flowsBin, type Running, start } from "./support";

// `flows dev` on a project with a container, without Docker: the container node (hello::count)
// and the whole-container flows (boxed, crashy) run in local `flows-container` processes (the
// container bundle `flows publish workers` puts in the image, run with Node) behind the same
// Container class, bus, restart policy and crash-loop protection as deployed.

const scratch = mkdtempSync(join(tmpdir(), "flows-dev-container-"));
const project = join(scratch, "shop");
const SECRET = "s3cret-for-the-container";
let dev: Running | undefined;

beforeAll(() => {
  buildCli();
  const init = flows(["init", "shop"], scratch);
  if (init.status !== 0) throw new Error(init.stderr);
  copyFileSync(join(import.meta.dirname, "fixture/boxed.flow.ts"), join(project, "boxed.flow.ts"));
  const file = join(project, "flows.config.json");
  const manifest = JSON.parse(readFileSync(file, "utf8")) as { flows: string[] } & Record<string, unknown>;
  manifest.flows.push("boxed.flow.ts");
  manifest.container = {
    nodes: ["hello::count"],
    flows: ["boxed", "crashy"],
    env: { GREETING: "from the manifest" },
    secrets: ["SHOP_SECRET"],
    crash_loop: { max_crashes: 2, window_ms: 600_000 },
  };
  writeFileSync(file, JSON.stringify(manifest, null, 2));
  writeFileSync(
    join(project, ".dev.vars"),
    `${readFileSync(join(project, ".dev.vars"), "utf8")}SHOP_SECRET=${SECRET}\n`,
  );
}, 60_000);
afterEach(async () => {
  await dev?.stop();
  dev = undefined;
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function startDev(...extra: string[]): Promise<string> {
  dev = start(process.execPath, [flowsBin, "dev", "--port", "0", ...extra], project);
  const output = await dev.waitFor(/curl http:\S+\/health\n/);
  return (/ready on (http:\/\/127\.0\.0\.1:\d+)/.exec(output) as RegExpExecArray)[1] as string;
}

async function post(url: string, path: string, body: unknown) {
  const response = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { authorization: "Bearer dev-token", "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const get = async (url: string, path: string) =>
  (await (await fetch(`${url}${path}`, { headers: { authorization: "Bearer dev-token" } })).json()) as Record<
    string,
    unknown
  >;

/** The pid of the latest start of a container instance, as flows dev prints it. */
function startedPid(output: string, instance: string): number {
  const starts = [...output.matchAll(new RegExp(`container ${instance} started \\(pid (\\d+)`, "g"))];
  return Number(starts.at(-1)?.[1]);
}

describe("flows dev with a container (local processes, no Docker)", () => {
  it("serves a container node and a whole-container flow over HTTP, and a reload runs the rebuilt bundle", async () => {
    const url = await startDev();
    expect(dev?.output()).toContain("container nodes and flows run as local Node processes");

    // hello: greet in the Worker, count in the container, its KV over the bus into the Worker's KV.
    const first = await post(url, "/flows/hello/invoke", { name: "Ada" });
    expect(first).toMatchObject({
      status: 200,
      body: { status: "completed", output: { greeting: "Hello, Ada!", visits: 1 } },
    });
    const second = await post(url, "/flows/hello/invoke", { name: "Ada" });
    expect(second.body).toMatchObject({ output: { visits: 2 } });

    const boxed = await post(url, "/flows/boxed/invoke?run_id=box-1", { id: "b1" });
    expect(boxed).toMatchObject({
      status: 200,
      body: {
        run_id: "box-1",
        status: "completed",
        output: {
          id: "b1",
          in: "container",
          greeting: "from the manifest",
          secret_length: SECRET.length,
          first_runs: 1,
        },
      },
    });
    const pid = (boxed.body.output as { pid: number }).pid;
    expect(pid).toBe(startedPid(dev?.output() ?? "", "instance-0"));
    const run = await get(url, "/runs/box-1");
    expect(run.status).toBe("completed");
    expect((run.nodes as { alias: string; status: string }[]).map((node) => `${node.alias}:${node.status}`)).toEqual([
      "request:completed",
      "first:completed",
      "hold:completed",
    ]);

    const output = dev?.output() ?? "";
    // The process's own lines, named by instance; its bus requests are not logged (their path has the token).
    expect(output).toContain(`[container instance-0] holding b1 in ${pid}`);
    expect(output).not.toContain("/__flows/local-network");
    expect(output).not.toContain(SECRET);

    // A change rebuilds the bundle and stops the old process; the next request starts the new one.
    const flowFile = join(project, "boxed.flow.ts");
    writeFileSync(flowFile, readFileSync(flowFile, "utf8").replace('in: "container"', 'in: "container, rebuilt"'));
    await dev?.waitFor(/reloaded after a change to boxed\.flow\.ts/);
    const rebuilt = await post(url, "/flows/boxed/invoke", { id: "b2" });
    expect(rebuilt.body).toMatchObject({ status: "completed", output: { in: "container, rebuilt" } });
    expect((rebuilt.body.output as { pid: number }).pid).not.toBe(pid);
  }, 120_000);

  it("kill -9 mid-run: the process is restarted and the run completes; the crash budget then stops restarts", async () => {
    const url = await startDev();
    const pending = post(url, "/flows/boxed/invoke?run_id=kill-1&container_key=kill", { id: "k1", hold_ms: 2_000 });
    await dev?.waitFor(/\[container kill\] holding k1 in \d+/);
    const pid = startedPid(dev?.output() ?? "", "kill");
    process.kill(pid, "SIGKILL");

    const answer = await pending;
    expect(answer).toMatchObject({ status: 200, body: { status: "completed", output: { id: "k1", first_runs: 1 } } });
    // A new process finished the run; the first step was replayed from the journal, not run again.
    expect((answer.body.output as { pid: number }).pid).not.toBe(pid);
    expect(dev?.output()).toContain("container kill exited with code 137");
    expect(await get(url, "/containers/kill")).toMatchObject({
      name: "kill",
      crashes: 1,
      running: true,
      last_exit: { code: 137, crash: true },
    });

    // Budget 2 in 10 minutes: the second crash trips crash-loop protection, with a typed error.
    const crashed = await post(url, "/flows/crashy/invoke?container_key=kill", { id: "c1" });
    expect(crashed.status).toBe(503);
    expect(crashed.body).toMatchObject({
      code: "CONTAINER_CRASH_LOOP",
      details: { type: "CrashLoopDetected", instance: "kill", crashes: 2, window_ms: 600_000, retryable: false },
    });
    expect(crashed.body.error).toContain("CrashLoopDetected");
    const starts = (dev?.output() ?? "").match(/container kill started/g) ?? [];
    // No start after the trip: a healthy flow on the instance is refused at once.
    const refused = await post(url, "/flows/boxed/invoke?container_key=kill", { id: "k2" });
    expect(refused.body.code).toBe("CONTAINER_CRASH_LOOP");
    expect((dev?.output() ?? "").match(/container kill started/g) ?? []).toHaveLength(starts.length);
  }, 120_000);

  it("leaves no container process behind when flows dev is stopped alone, by SIGTERM or kill -9", async () => {
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    for (const signal of ["SIGTERM", "SIGKILL"] as const) {
      const url = await startDev();
      const answer = await post(url, "/flows/boxed/invoke", { id: `stop-${signal}` });
      const pid = (answer.body.output as { pid: number }).pid;
      expect(alive(pid)).toBe(true);
      const running = dev as Running;
      // Only flows dev itself, not its process group: what it started must go by its own doing.
      process.kill(running.child.pid as number, signal);
      const deadline = Date.now() + 5_000;
      while (alive(pid) && Date.now() < deadline) await new Promise((settle) => setTimeout(settle, 100));
      expect(alive(pid), `container process after ${signal}`).toBe(false);
      await running.stop();
      dev = undefined;
    }
  }, 120_000);

  it("--container-engine docker fails fast with DOCKER503 (exit 2) when Docker is missing", () => {
    // The docker command is here but no engine answers it.
    const noEngine = flows(["dev", "--port", "0", "--container-engine", "docker"], project, {
      DOCKER_HOST: `unix://${join(scratch, "no-docker.sock")}`,
    });
    expect(noEngine.status).toBe(2);
    expect(noEngine.stderr).toContain(
      "flows dev: DOCKER503: --container-engine docker needs a running Docker engine, and docker cannot reach one",
    );
    expect(noEngine.stderr).not.toContain("bundling");
    // No docker command at all.
    const noCommand = flows(["dev", "--port", "0", "--container-engine", "docker"], project, {
      PATH: join(scratch, "no-bin"),
    });
    expect(noCommand.status).toBe(2);
    expect(noCommand.stderr).toContain(
      "flows dev: DOCKER503: --container-engine docker needs Docker, and there is no docker command on PATH",
    );
    const bad = flows(["dev", "--container-engine", "podman"], project);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--container-engine must be local or docker, got "podman"');
  });
});
