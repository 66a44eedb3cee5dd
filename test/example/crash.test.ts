import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The order-approval example in a real child process, killed with SIGKILL at random points
// and then run again with the same run id: the journal must carry it to the same result, and
// the ledger of effects must show every effect exactly once.

const root = resolve(import.meta.dirname, "../..");
const flowsBin = join(root, "cli/bin/flows.mjs");
const flowFile = join(root, "examples/order-approval/order-approval.flow.json");
const nodesModule = join(root, "examples/order-approval/nodes.ts");
const order = `@${join(root, "examples/order-approval/small-order.json")}`;
const LATENCY_MS = "40";
const WANTED_MID_RUN_KILLS = 20;
const MAX_TRIALS = 60;

const scratch = mkdtempSync(join(tmpdir(), "flows-crash-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function runArgs(state: string, runId: string) {
  return ["run", flowFile, "--nodes", nodesModule, "--input", order, "--run-id", runId, "--state", state, "--quiet"];
}

function runToEnd(state: string, runId: string) {
  const result = spawnSync(process.execPath, [flowsBin, ...runArgs(state, runId)], {
    encoding: "utf8",
    env: { ...process.env, FLOWS_EXAMPLE_LATENCY_MS: LATENCY_MS },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function journalOf(state: string, runId: string): { type: string }[] {
  const path = join(state, "runs", `${runId}.ndjson`);
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as { type: string }];
      } catch {
        return [];
      }
    });
}

function ledgerOf(state: string): { effect: string; key: string }[] {
  const path = join(state, "ledger.ndjson");
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as { effect: string; key: string });
}

/**
 * Starts a run and kills it with SIGKILL once its journal holds `afterEntries` lines, plus a
 * random few milliseconds. Counting entries instead of waiting a fixed time spreads the kill
 * points over the whole run however fast or loaded the machine is.
 */
function killAt(state: string, runId: string, afterEntries: number, jitterMs: number): Promise<void> {
  const journal = join(state, "runs", `${runId}.ndjson`);
  return new Promise((done) => {
    const child: ChildProcess = spawn(process.execPath, [flowsBin, ...runArgs(state, runId)], {
      stdio: "ignore",
      env: { ...process.env, FLOWS_EXAMPLE_LATENCY_MS: LATENCY_MS },
    });
    let timer: NodeJS.Timeout | undefined;
    const watch = setInterval(() => {
      if (!existsSync(journal)) return;
      const lines = readFileSync(journal, "utf8").split("\n").length - 1;
      if (lines < afterEntries) return;
      clearInterval(watch);
      timer = setTimeout(() => child.kill("SIGKILL"), jitterMs);
    }, 1);
    child.on("exit", () => {
      clearInterval(watch);
      clearTimeout(timer);
      done();
    });
  });
}

describe("crash and resume (order-approval example, real child processes)", () => {
  let reference: { stdout: string; ledger: { effect: string; key: string }[]; entries: number };

  beforeAll(() => {
    const build = spawnSync(process.execPath, [join(root, "cli/build.mjs")], { encoding: "utf8" });
    expect(build.status, build.stderr).toBe(0);
    const state = join(scratch, "reference");
    const result = runToEnd(state, "reference");
    expect(result.status, result.stderr).toBe(0);
    reference = { stdout: result.stdout, ledger: ledgerOf(state), entries: journalOf(state, "reference").length };
  }, 120_000);

  it("the uninterrupted run streams the receipt and performs each effect once", () => {
    const lines = reference.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { line: string });
    expect(lines.map((line) => line.line)).toEqual(["order", "item", "item", "charged", "shipped"]);
    expect(reference.ledger.map((entry) => entry.effect)).toEqual(["charge", "ship"]);
  });

  it(`every run killed mid-way ends, once resumed, exactly like the uninterrupted one (${WANTED_MID_RUN_KILLS}+ kill points)`, async () => {
    let midRun = 0;
    let trials = 0;
    const killPoints: number[] = [];
    while (midRun < WANTED_MID_RUN_KILLS && trials < MAX_TRIALS) {
      const batch = Array.from({ length: 4 }, () => {
        trials += 1;
        const state = join(scratch, `trial-${trials}`);
        const runId = `crash-${trials}`;
        // After any of the journal entries an uninterrupted run writes, give or take a few ms.
        const afterEntries = 1 + Math.floor(Math.random() * reference.entries);
        const jitterMs = Math.floor(Math.random() * 6);
        return { state, runId, afterEntries, jitterMs };
      });
      await Promise.all(batch.map((trial) => killAt(trial.state, trial.runId, trial.afterEntries, trial.jitterMs)));
      for (const trial of batch) {
        const before = journalOf(trial.state, trial.runId);
        const landedMidRun = before.some((e) => e.type === "started") && !before.some((e) => e.type === "finished");
        if (landedMidRun) {
          midRun += 1;
          killPoints.push(before.length);
        }
        const resumed = runToEnd(trial.state, trial.runId);
        expect(resumed.status, resumed.stderr).toBe(0);
        expect(resumed.stdout).toBe(reference.stdout);
        const ledger = ledgerOf(trial.state);
        expect(ledger.map((entry) => `${entry.effect} ${entry.key}`)).toEqual(
          reference.ledger.map((entry) => `${entry.effect} ${entry.key}`),
        );
        expect(journalOf(trial.state, trial.runId).filter((e) => e.type === "finished")).toHaveLength(1);
      }
    }
    console.info(
      `crash test: ${trials} runs killed, ${midRun} mid-run, at ${new Set(killPoints).size} distinct journal positions (${[...new Set(killPoints)].sort((a, b) => a - b).join(", ")})`,
    );
    expect(midRun).toBeGreaterThanOrEqual(WANTED_MID_RUN_KILLS);
    // The kills landed at many different places in the journal, not all at one spot.
    expect(new Set(killPoints).size).toBeGreaterThanOrEqual(4);
  }, 300_000);
});
