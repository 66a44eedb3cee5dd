import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { R2Bucket } from "@cloudflare/workers-types";
import type { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { workerdModuleOptions } from "../../cli/src/workers/bundle-worker";
import { BIN, buildContainerBin } from "../host-container/container-harness";
import { type Supervisor, startSupervisor } from "../host-workers/container/supervisor";
import { API_TOKEN, auth, bundleWorker, RESUME_SECRET, startMiniflare, waitFor } from "../host-workers/support";

// examples/task-runner end to end: its Worker in real workerd (Miniflare from Node), its flow run
// whole by the real `flows-container` process on examples/task-runner/container.ts, behind the
// two stand-ins of the container tests (the Docker engine, Cloudflare's network). The repository
// is a local bare one made here. The process is killed with SIGKILL and its working folder
// removed in the middle of a run; the run ends with the result of an undisturbed one, every
// file uploaded once.

const root = resolve(import.meta.dirname, "../..");
const APP = join(root, "examples/task-runner/container.ts");
const WORKER = join(root, "test/host-workers/fixture/task-runner-worker.ts");

interface Step {
  readonly exit_code: number;
  readonly log_key: string;
  readonly log_bytes: number;
}
interface TaskResult {
  readonly task_id: string;
  readonly run_id: string;
  readonly commit: string;
  readonly build: Step;
  readonly check: Step;
  readonly archive_key: string;
  readonly ok: boolean;
}

let tmp: string;
let repository: string;
let commit: string;
let gates: string;
let supervisor: Supervisor;
let mf: Miniflare;
let bucket: R2Bucket;
const output: string[] = [];

function git(args: readonly string[], cwd: string): string {
  return execFileSync("git", ["-c", "user.email=dev@example.com", "-c", "user.name=dev", ...args], {
    cwd,
    encoding: "utf8",
  }).trim();
}

/** A shell fragment that records its folder in `<gates>/<name>.started` and waits for `<gates>/<name>.go`. */
function gate(name: string): string {
  const at = join(gates, name);
  // Ends with its parent: a process killed with SIGKILL leaves no waiting child behind.
  return `pwd > ${at}.started; while [ ! -e ${at}.go ]; do kill -0 $PPID 2>/dev/null || exit 1; sleep 0.05; done`;
}

/** How many times the build command ran for a run. */
const builds = (runId: string) =>
  readFileSync(join(gates, "builds.log"), "utf8")
    .split("\n")
    .filter((line) => line.includes(`/${runId}/`)).length;

const task = (taskId: string, waits: { build?: string; check?: string } = {}) => ({
  task_id: taskId,
  repository,
  ref: "main",
  // Each execution of the build leaves a line (its folder, which names the run) in builds.log.
  build: [
    "sh",
    "-c",
    `pwd >> ${join(gates, "builds.log")}; sh build.sh${waits.build === undefined ? "" : ` && ${gate(waits.build)}`}`,
  ],
  check: [
    "sh",
    "-c",
    `${waits.check === undefined ? "" : `${gate(waits.check)} && `}test -f out/app.txt && cat out/app.txt && echo check passed`,
  ],
});

const call = (path: string, init: RequestInit = {}) =>
  mf.dispatchFetch(`http://tasks.test${path}`, {
    ...init,
    headers: { ...auth, "content-type": "application/json", ...(init.headers as Record<string, string>) },
  } as never) as unknown as Promise<Response>;

const invoke = (runId: string, instance: string, payload: unknown) =>
  call(`/flows/tasks.run/invoke?run_id=${runId}&container_key=${instance}`, {
    method: "POST",
    body: JSON.stringify(payload),
  });

const state = async (key: string) => (await call(`/__test/state/${encodeURIComponent(key)}`)).json();

const containerId = async (name: string) =>
  (await mf.getDurableObjectNamespace("FLOW_CONTAINER")).idFromName(name).toString();

/** Every object the run left in R2, with who wrote it and when. */
async function artifacts(runId: string) {
  const listed = await bucket.list({ prefix: `runs/${runId}/` });
  const heads = await Promise.all(listed.objects.map((object) => bucket.head(object.key)));
  return Object.fromEntries(
    heads.map((object) => [
      object?.key.slice(`runs/${runId}/`.length) ?? "",
      { written_by: object?.customMetadata?.written_by, uploaded: object?.uploaded.getTime() ?? 0 },
    ]),
  );
}

const text = async (key: string) => (await bucket.get(key))?.text();

/** Waits for the gate, then kills the process with SIGKILL and removes the run's working folder. */
async function killAndWipe(instance: string, name: string): Promise<{ pid: number; at: number; folder: string }> {
  const started = join(gates, `${name}.started`);
  const worktree = await waitFor(
    async () => (existsSync(started) ? readFileSync(started, "utf8").trim() || undefined : undefined),
    `the ${name} command to start`,
    60_000,
  );
  const pid = supervisor.pid(await containerId(instance));
  expect(pid).toBeTypeOf("number");
  process.kill(pid as number, "SIGKILL");
  const at = Date.now();
  // <root>/<run id>/<node>/worktree: the run's whole folder goes, as with a fresh disk.
  const folder = dirname(dirname(worktree));
  rmSync(folder, { recursive: true, force: true });
  writeFileSync(join(gates, `${name}.go`), "");
  return { pid: pid as number, at, folder };
}

beforeAll(async () => {
  buildContainerBin();
  tmp = mkdtempSync(join(tmpdir(), "flows-task-runner-"));
  gates = join(tmp, "gates");
  mkdirSync(gates);
  const source = join(tmp, "source");
  mkdirSync(source);
  git(["init", "-q", "-b", "main"], source);
  writeFileSync(join(source, "VERSION"), "1.4.2\n");
  writeFileSync(
    join(source, "build.sh"),
    'echo "building $(cat VERSION)"\nmkdir -p out\necho "app $(cat VERSION)" > out/app.txt\necho "built out/app.txt"\n',
  );
  git(["add", "."], source);
  git(["commit", "-q", "-m", "first"], source);
  commit = git(["rev-parse", "HEAD"], source);
  git(["clone", "-q", "--bare", source, join(tmp, "repo.git")], tmp);
  repository = `file://${join(tmp, "repo.git")}`;

  supervisor = await startSupervisor({ args: [BIN, APP], onOutput: (line) => output.push(line) });
  const script = await bundleWorker(WORKER);
  mf = startMiniflare({
    ...workerdModuleOptions(script),
    port: 0,
    durableObjects: {
      FLOW_RUNS: { className: "FlowRunObject", useSQLite: true },
      FLOW_CONTAINER: { className: "FlowContainer", useSQLite: true },
      TASK_STATE: { className: "FlowStateObject", useSQLite: true },
    },
    r2Buckets: ["ARTIFACTS"],
    bindings: { FLOWS_API_TOKEN: API_TOKEN, FLOWS_RESUME_SECRET: RESUME_SECRET, ...supervisor.bindings },
    handleRuntimeStdio: (stdout, stderr) => {
      for (const stream of [stdout, stderr]) {
        stream.on("data", (chunk: Buffer) => output.push(...chunk.toString().split("\n").filter(Boolean)));
      }
    },
  });
  supervisor.setWorkerUrl((await mf.ready).toString());
  bucket = (await mf.getR2Bucket("ARTIFACTS")) as unknown as R2Bucket;
}, 120_000);

afterAll(async () => {
  if (process.env.FLOWS_TEST_OUTPUT) writeFileSync(process.env.FLOWS_TEST_OUTPUT, output.join("\n"));
  await mf?.dispose();
  await supervisor?.close();
  if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
});

describe("the task-runner example", () => {
  let baseline: TaskResult;

  it("clones, builds, checks the archived worktree and records the result; nodes pass R2 keys", async () => {
    const response = await invoke("task-base", "runner-0", task("site"));
    const body = await response.text();
    expect(response.status, body).toBe(200);
    baseline = (JSON.parse(body) as { output: TaskResult }).output;
    expect(baseline).toMatchObject({
      task_id: "site",
      run_id: "task-base",
      commit,
      ok: true,
      build: { exit_code: 0, log_key: "runs/task-base/build/log.txt" },
      check: { exit_code: 0, log_key: "runs/task-base/check/log.txt" },
      archive_key: "runs/task-base/build/worktree.tar.gz",
    });
    expect(await text(baseline.build.log_key)).toBe("building 1.4.2\nbuilt out/app.txt\n");
    // The check ran on the worktree the build left, fetched from R2 by its key.
    expect(await text(baseline.check.log_key)).toBe("app 1.4.2\ncheck passed\n");
    expect(Object.keys(await artifacts("task-base")).sort()).toEqual([
      "build/log.txt",
      "build/worktree.tar.gz",
      "check/log.txt",
    ]);
    // In Durable Object state: the run's result and the task's latest run.
    expect(await state("tasks/site/runs/task-base")).toEqual(baseline);
    expect(await state("tasks/site/latest")).toBe("task-base");
  });

  it("kill -9 and a wiped disk during the check: the build is replayed, not redone, and uploaded once", async () => {
    const pending = invoke("task-kill-check", "runner-1", task("site", { check: "check-1" }));
    const killed = await killAndWipe("runner-1", "check-1");
    const response = await pending;
    const body = await response.text();
    expect(response.status, body).toBe(200);
    const result = (JSON.parse(body) as { output: TaskResult }).output;
    expect(result).toEqual({
      ...baseline,
      run_id: "task-kill-check",
      build: { ...baseline.build, log_key: "runs/task-kill-check/build/log.txt" },
      check: { ...baseline.check, log_key: "runs/task-kill-check/check/log.txt" },
      archive_key: "runs/task-kill-check/build/worktree.tar.gz",
    });
    expect(supervisor.pid(await containerId("runner-1"))).not.toBe(killed.pid);
    expect(supervisor.starts().get(await containerId("runner-1"))).toBe(2);
    expect(builds("task-kill-check")).toBe(1);
    expect(existsSync(join(killed.folder, "build"))).toBe(false);

    const files = await artifacts("task-kill-check");
    expect(Object.keys(files).sort()).toEqual(["build/log.txt", "build/worktree.tar.gz", "check/log.txt"]);
    // The build's files were written once, by the killed process, before the kill; the check's
    // by the new process.
    for (const file of ["build/log.txt", "build/worktree.tar.gz"]) {
      expect(files[file]?.written_by).toMatch(new RegExp(`:${killed.pid}$`));
      expect(files[file]?.uploaded).toBeLessThanOrEqual(killed.at);
    }
    expect(files["check/log.txt"]?.written_by).not.toContain(`:${killed.pid}`);
    expect(await text(result.check.log_key)).toBe("app 1.4.2\ncheck passed\n");
    expect(await state("tasks/site/runs/task-kill-check")).toEqual(result);

    const run = (await (await call("/runs/task-kill-check")).json()) as { status: string; nodes: { alias: string }[] };
    expect(run.status).toBe("completed");
    expect(run.nodes.map((record) => record.alias)).toEqual(["task", "build", "check", "record"]);
  });

  it("kill -9 and a wiped disk during the build: it clones again, and each file is uploaded once", async () => {
    const pending = invoke("task-kill-build", "runner-2", task("site", { build: "build-1" }));
    const killed = await killAndWipe("runner-2", "build-1");
    const response = await pending;
    const body = await response.text();
    expect(response.status, body).toBe(200);
    const result = (JSON.parse(body) as { output: TaskResult }).output;
    expect(result).toMatchObject({ commit, ok: true, build: { exit_code: 0 }, check: { exit_code: 0 } });
    expect(result.build.log_bytes).toBe(baseline.build.log_bytes);
    expect(supervisor.starts().get(await containerId("runner-2"))).toBe(2);
    expect(builds("task-kill-build")).toBe(2);
    expect(await text(result.build.log_key)).toBe("building 1.4.2\nbuilt out/app.txt\n");

    const files = await artifacts("task-kill-build");
    expect(Object.keys(files).sort()).toEqual(["build/log.txt", "build/worktree.tar.gz", "check/log.txt"]);
    // Nothing was uploaded before the kill; everything once, afterwards, by one process.
    const writers = new Set(Object.values(files).map((file) => file.written_by));
    expect(writers.size).toBe(1);
    expect([...writers][0]).not.toContain(`:${killed.pid}`);
    for (const file of Object.values(files)) expect(file.uploaded).toBeGreaterThanOrEqual(killed.at);
    expect(await state("tasks/site/latest")).toBe("task-kill-build");
  });

  it("the same run id again answers from the journal: nothing runs or uploads twice", async () => {
    const before = await artifacts("task-base");
    const again = await invoke("task-base", "runner-0", task("site"));
    expect(((await again.json()) as { output: TaskResult }).output).toEqual(baseline);
    expect(await artifacts("task-base")).toEqual(before);
    expect(builds("task-base")).toBe(1);
  });
});
