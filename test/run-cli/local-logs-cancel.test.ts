import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acquireRunLease } from "../../cli/src/local/lease";
import { buildCli, type FlowsResult, flowsChild } from "../cli/support";
import { RUN_DETAIL_KEYS, RUN_SUMMARY_KEYS } from "../support/run-shapes";

// `flows logs`, `cancel` and the filters and pages of `flows runs` on local runs, through the
// built binary: the same outputs as against a Worker (test/run-cli/remote-verbs.test.ts).

const root = resolve(import.meta.dirname, "../..");
const example = join(root, "examples/order-approval");
const flowFile = join(example, "order-approval.flow.json");
const nodes = join(example, "nodes.ts");
const scratch = mkdtempSync(join(tmpdir(), "flows-logs-"));
const state = join(scratch, "state");

function flows(
  args: string[],
  onStdout?: (sofar: string) => void,
  extraEnv: Record<string, string> = {},
): Promise<FlowsResult> {
  return flowsChild(args, { env: extraEnv, ...(onStdout === undefined ? {} : { onStdout }) });
}

const start = (runId: string, order: string) =>
  flows([
    "run",
    flowFile,
    "--nodes",
    nodes,
    "--input",
    `@${join(example, order)}`,
    "--run-id",
    runId,
    "--state",
    state,
  ]);
const lines = (text: string) => text.trim().split("\n");
const types = (text: string) => lines(text).map((line) => line.trim().split(/\s+/)[2]);

beforeAll(async () => {
  buildCli();
  for (const [runId, order] of [
    ["big", "large-order.json"],
    ["small", "small-order.json"],
    ["big2", "large-order.json"],
  ] as const) {
    const result = await start(runId, order);
    expect(result.status, result.stderr).toBe(0);
  }
}, 120_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("local runs, logs and cancel", () => {
  it("lists local runs newest first, filtered and paged like a Worker's", async () => {
    const halted = await flows(["runs", "--state", state, "--status", "halted", "--format", "json"]);
    for (const run of JSON.parse(halted.stdout) as object[]) expect(Object.keys(run).sort()).toEqual(RUN_SUMMARY_KEYS);
    const detail = JSON.parse((await flows(["inspect", "big", "--state", state, "--format", "json"])).stdout) as object;
    expect(Object.keys(detail).sort()).toEqual(RUN_DETAIL_KEYS);
    expect((JSON.parse(halted.stdout) as { run_id: string }[]).map((run) => run.run_id)).toEqual(["big2", "big"]);
    const first = await flows(["runs", "--state", state, "--limit", "2"]);
    expect(lines(first.stdout)[0]).toMatch(/^RUN\s+FLOW\s+STATUS\s+STARTED\s+CHECKPOINT$/);
    expect(
      lines(first.stdout)
        .slice(1)
        .map((line) => line.split(/\s+/)[0]),
    ).toEqual(["big2", "small"]);
    const cursor = /--cursor (\S+)/.exec(first.stderr)?.[1] ?? "";
    const second = await flows(["runs", "--state", state, "--limit", "2", "--cursor", cursor, "--format", "json"]);
    expect(JSON.parse(second.stdout)).toEqual([expect.objectContaining({ run_id: "big", status: "halted" })]);
    // An explicit --state reads local runs even with a Worker in the environment.
    const worker = { FLOWS_URL: "http://127.0.0.1:9", FLOWS_API_TOKEN: "unused" };
    const local = await flows(["runs", "--state", state, "--format", "json"], undefined, worker);
    expect(local.status, local.stderr).toBe(0);
    expect(JSON.parse(local.stdout)).toHaveLength(3);
    const both = await flows(["runs", "--state", state, "--url", "http://127.0.0.1:9"]);
    expect(both.status).toBe(2);
    const bad = await flows(["runs", "--state", state, "--since", "yesterday-ish"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("--since");
  }, 60_000);

  it("prints a local run's journal, and follows it live until it finishes", async () => {
    const sofar = await flows(["logs", "big", "--state", state, "--no-follow"]);
    expect(sofar.status, sofar.stderr).toBe(0);
    expect(types(sofar.stdout)).toEqual(["started", "completed", "completed", "halted"]);
    let resumed: Promise<FlowsResult> | undefined;
    const live = await flows(["logs", "big", "--state", state], (out) => {
      if (resumed === undefined && out.includes("halted")) {
        resumed = flows([
          "resume",
          "big",
          "--checkpoint",
          "manager_approval",
          "--input",
          '{"approved":true,"by":"lin"}',
          "--state",
          state,
        ]);
      }
    });
    expect((await resumed)?.status).toBe(0);
    expect(live.status, live.stderr).toBe(0);
    expect(types(live.stdout).slice(3, 5)).toEqual(["halted", "resumed"]);
    expect(lines(live.stdout).at(-1)).toMatch(/finished\s+completed$/);
    const json = lines((await flows(["logs", "big", "--state", state, "--format", "json", "--after", "3"])).stdout).map(
      (line) => JSON.parse(line) as Record<string, unknown>,
    );
    expect(json[0]).toMatchObject({ type: "resumed", node: "approval", checkpoint: "manager_approval" });
    expect(Object.keys(json.find((entry) => entry.type === "completed") ?? {})).toContain("duration_ms");
    const none = await flows(["logs", "nope", "--state", state]);
    expect(none.status).toBe(1);
    expect(none.stderr).toContain("RUN404");
  }, 60_000);

  it("cancels a halted local run once; a finished or unknown one is refused", async () => {
    const cancelled = await flows(["cancel", "big2", "--state", state]);
    expect(cancelled.status, cancelled.stderr).toBe(0);
    expect(cancelled.stdout).toBe("run big2 cancelled\n");
    const again = await flows(["cancel", "big2", "--state", state, "--format", "json"]);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain("RUN409: run big2 already cancelled");
    expect((await flows(["cancel", "nope", "--state", state])).status).toBe(2);
    const logs = await flows(["logs", "big2", "--state", state]);
    expect(logs.status).toBe(1);
    expect(lines(logs.stdout).at(-1)).toMatch(/finished\s+cancelled — RUN499/);
    const resume = await flows(["resume", "big2", "--checkpoint", "manager_approval", "--state", state]);
    expect(resume.status).toBe(1);
  }, 60_000);

  it("refuses to cancel a local run another process is executing, until it lets go", async () => {
    expect((await start("big3", "large-order.json")).status).toBe(0);
    // This test process stands for the executor: it holds the run's lease.
    const lease = await acquireRunLease(state, "big3");
    const held = await flows(["cancel", "big3", "--state", state]);
    expect(held.status).toBe(1);
    expect(held.stderr).toContain(`RUN409: run big3 is being executed by process ${process.pid}: stop that process`);
    const waiting = flows(["cancel", "big3", "--state", state, "--wait"]);
    await new Promise((done) => setTimeout(done, 500));
    lease.release();
    const cancelled = await waiting;
    expect(cancelled.status, cancelled.stderr).toBe(0);
    expect(cancelled.stdout).toBe("run big3 cancelled\n");
  }, 60_000);
});
