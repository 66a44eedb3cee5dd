import { createServer } from "node:net";
import type { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCli, type FlowsResult, flowsChild } from "../cli/support";
import { API_TOKEN, bundleFixture, startMiniflare, waitFor, workerOptions } from "../host-workers/support";
import { RUN_DETAIL_KEYS, RUN_SUMMARY_KEYS } from "../support/run-shapes";

// `flows runs`, `inspect`, `resume`, `cancel` and `logs` against a real Worker in workerd
// (Miniflare on a loopback port), through the built binary, with --url/--token and with
// FLOWS_URL/FLOWS_API_TOKEN.

let mf: Miniflare;
let url = "";
const printed: string[] = [];

/** The CLI as a child process: Miniflare serves from this process, so it must not block. */
async function flows(
  args: string[],
  env: Record<string, string> = {},
  onStdout?: (sofar: string) => void,
): Promise<FlowsResult> {
  const result = await flowsChild(args, { env, ...(onStdout === undefined ? {} : { onStdout }) });
  printed.push(result.stdout, result.stderr);
  return result;
}

const remote = (...args: string[]) => flows([...args, "--url", url, "--token", API_TOKEN]);
const call = (path: string, init: RequestInit = {}) =>
  fetch(`${url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${API_TOKEN}`, "content-type": "application/json" },
  });
const lines = (text: string) => text.trim().split("\n");

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

beforeAll(async () => {
  buildCli();
  mf = startMiniflare(workerOptions(await bundleFixture("detail-worker.ts"), { host: "127.0.0.1", port: 0 }));
  url = (await mf.ready).toString().replace(/\/$/, "");
  for (const [flow, runId] of [
    ["review", "rev-1"],
    ["review", "rev-2"],
    ["review", "rev-3"],
    ["broken", "broken-1"],
  ]) {
    await call(`/flows/${flow}/invoke?run_id=${runId}`, { method: "POST", body: JSON.stringify({ order: runId }) });
  }
}, 120_000);

afterAll(async () => {
  await mf?.dispose();
  // Whatever the CLI printed, the API token was never part of it.
  expect(printed.join("\n")).not.toContain(API_TOKEN);
});

describe("the CLI against a Worker", () => {
  it("lists the Worker's runs with --url/--token and FLOWS_URL/FLOWS_API_TOKEN, filtered and paged", async () => {
    const listed = await waitFor(async () => {
      const result = await remote("runs", "--format", "json");
      const runs = JSON.parse(result.stdout) as { run_id: string; status: string }[];
      return runs.length >= 4 ? runs : undefined;
    }, "four runs in the index");
    expect(Object.fromEntries(listed.map((run) => [run.run_id, run.status]))).toEqual({
      "rev-1": "halted",
      "rev-2": "halted",
      "rev-3": "halted",
      "broken-1": "failed",
    });
    for (const run of listed) expect(Object.keys(run).sort()).toEqual(RUN_SUMMARY_KEYS);
    const halted = await remote("runs", "--status", "halted", "--format", "json");
    expect((JSON.parse(halted.stdout) as { run_id: string }[]).map((run) => run.run_id).sort()).toEqual([
      "rev-1",
      "rev-2",
      "rev-3",
    ]);
    const first = await remote("runs", "--limit", "3");
    expect(first.status).toBe(0);
    expect(lines(first.stdout)[0]).toMatch(/^RUN\s+FLOW\s+STATUS\s+STARTED\s+CHECKPOINT$/);
    expect(lines(first.stdout)).toHaveLength(4);
    const cursor = /--cursor (\S+)/.exec(first.stderr)?.[1];
    expect(cursor, first.stderr).toBeDefined();
    const second = await remote("runs", "--limit", "3", "--cursor", cursor ?? "", "--format", "json");
    expect(JSON.parse(second.stdout)).toHaveLength(1);
    expect(second.stderr).toBe("");
    const fromEnv = await flows(["runs", "--flow", "broken"], { FLOWS_URL: url, FLOWS_API_TOKEN: API_TOKEN });
    expect(fromEnv.status, fromEnv.stderr).toBe(0);
    expect(fromEnv.stdout).toMatch(/broken-1\s+broken\s+failed/);
    expect(fromEnv.stdout).not.toContain("rev-1");
  }, 60_000);

  it("inspects a halted run and resumes it with the token its detail gives", async () => {
    const text = await remote("inspect", "rev-1");
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/gate\s+halted/);
    expect(text.stdout).toContain('status: halted at checkpoint "approve" (node gate), token ');
    const detail = JSON.parse((await remote("inspect", "rev-1", "--format", "json")).stdout) as {
      resume: { token: string };
    };
    expect(typeof detail.resume.token).toBe("string");
    expect(Object.keys(detail).sort()).toEqual(RUN_DETAIL_KEYS);
    const wrongCheckpoint = await remote("resume", "rev-1", "--checkpoint", "nope");
    expect(wrongCheckpoint.status).toBe(1);
    expect(wrongCheckpoint.stderr).toContain("HALT404");
    const resumed = await flows(["resume", "rev-1", "--input", '{"approved":true}'], {
      FLOWS_URL: url,
      FLOWS_API_TOKEN: API_TOKEN,
    });
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain("run rev-1 completed");
    expect(JSON.parse(resumed.stdout)).toMatchObject({ input: { approved: true } });
    const again = await remote("resume", "rev-1", "--input", "{}");
    expect(again.status).toBe(1);
    expect(again.stderr).toContain("RUN409");
    expect((await remote("inspect", "rev-1")).stdout).toMatch(/status: completed/);
  }, 60_000);

  it("cancels a halted run once", async () => {
    const cancelled = await remote("cancel", "rev-2");
    expect(cancelled.status, cancelled.stderr).toBe(0);
    expect(cancelled.stdout).toBe("run rev-2 cancelled\n");
    const again = await remote("cancel", "rev-2", "--format", "json");
    expect(again.status).toBe(1);
    expect(again.stderr).toContain("RUN409");
    expect(JSON.parse((await remote("inspect", "rev-2", "--format", "json")).stdout)).toMatchObject({
      status: "cancelled",
      error: { code: "RUN499" },
    });
  }, 60_000);

  it("follows a run's journal until it finishes", async () => {
    await call("/flows/steady/runs?run_id=steady-1", { method: "POST", body: JSON.stringify({ n: 1 }) });
    const followed = await remote("logs", "steady-1");
    expect(followed.status, followed.stderr).toBe(0);
    const text = lines(followed.stdout);
    expect(text[0]).toMatch(/^\s*0\s+\S+\s+started\s+flow steady/);
    expect(text.filter((line) => / completed\s+node /.test(line))).toHaveLength(4);
    expect(text.at(-1)).toMatch(/finished\s+completed$/);
    const json = lines((await remote("logs", "steady-1", "--format", "json")).stdout).map(
      (line) => JSON.parse(line) as { type: string; duration_ms?: number },
    );
    expect(json.at(-1)?.type).toBe("finished");
    expect(json.find((entry) => entry.type === "completed")?.duration_ms).toEqual(expect.any(Number));
    const failed = await remote("logs", "broken-1");
    expect(failed.status).toBe(1);
    expect(failed.stdout).toMatch(/finished\s+failed — LEDGER503/);
    const sofar = await remote("logs", "rev-3", "--no-follow");
    expect(sofar.status, sofar.stderr).toBe(0);
    expect(lines(sofar.stdout).at(-1)).toMatch(/halted\s+node gate at checkpoint "approve"/);
    // Followed live: the halted run is resumed only once logs has printed its halt.
    let resumed: Promise<Response> | undefined;
    const live = await flows(["logs", "rev-3"], { FLOWS_URL: url, FLOWS_API_TOKEN: API_TOKEN }, (out) => {
      if (resumed !== undefined || !out.includes("halted")) return;
      resumed = call("/runs/rev-3").then(async (answer) => {
        const { resume } = (await answer.json()) as { resume: { token: string } };
        return call("/runs/rev-3/resume", {
          method: "POST",
          body: JSON.stringify({ token: resume.token, payload: { approved: false } }),
        });
      });
    });
    expect((await resumed)?.status).toBe(200);
    expect(live.status, live.stderr).toBe(0);
    expect(live.stderr).toContain('run rev-3 halted at checkpoint "approve": waiting for flows resume');
    expect(lines(live.stdout).map((line) => line.trim().split(/\s+/)[2])).toEqual([
      "started",
      "completed",
      "retrying",
      "completed",
      "halted",
      "resumed",
      "completed",
      "completed",
      "finished",
    ]);
  }, 60_000);

  it("answers a bad token, a token in the URL, an unknown run and an unreachable Worker with codes", async () => {
    const badFlag = await flows(["runs", "--url", url, "--token", "not-the-token"]);
    expect(badFlag.status).toBe(2);
    expect(badFlag.stderr).toMatch(/AUTH401: .*refused the API token from --token/);
    expect(badFlag.stderr).not.toContain("not-the-token");
    const badEnv = await flows(["inspect", "rev-1"], { FLOWS_URL: url, FLOWS_API_TOKEN: "not-the-token" });
    expect(badEnv.status).toBe(2);
    expect(badEnv.stderr).toContain("from FLOWS_API_TOKEN");
    const inUrl = await flows(["runs", "--url", `${url}/?token=${API_TOKEN}`]);
    expect(inUrl.status).toBe(2);
    expect(inUrl.stderr).toContain("AUTH400");
    const unknown = await remote("inspect", "no-such-run");
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain("RUN404");
    const noLogs = await remote("logs", "no-such-run");
    expect(noLogs.status).toBe(1);
    expect(noLogs.stderr).toContain("RUN404");
    const noCancel = await remote("cancel", "no-such-run");
    expect(noCancel.status).toBe(2);
    expect(noCancel.stderr).toContain("RUN404");
    const down = await flows(["runs", "--url", `http://127.0.0.1:${await freePort()}`, "--token", API_TOKEN]);
    expect(down.status).toBe(2);
    expect(down.stderr).toMatch(/REMOTE503: cannot reach http:\/\/127\.0\.0\.1:\d+: connection refused/);
  }, 60_000);
});
