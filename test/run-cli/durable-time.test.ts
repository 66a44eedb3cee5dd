import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

// Durable time through the real CLI, across processes: a sleep that suspends the run and a
// later `flows wake` that finishes it; a halt deadline raced by `flows resume`; events sent
// early, twice, and to a run halted on its wait.

const root = resolve(import.meta.dirname, "../..");
mkdirSync(join(root, "node_modules/.cache"), { recursive: true });
const scratch = mkdtempSync(join(root, "node_modules/.cache/flows-time-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const bin = join(root, "cli/bin/flows.mjs");
const flowFile = join(import.meta.dirname, "fixtures/time/time.flow.ts");
const SLEEP_MS = 1_500;

interface Finished {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function flows(state: string, args: string[], sleepMs = SLEEP_MS): Promise<Finished> {
  const proc = spawn(process.execPath, [bin, ...args, "--state", state], {
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      FLOWS_PROGRESS: "",
      FLOWS_IN_MEMORY_WAIT_MS: "100",
      TIME_SLEEP_MS: String(sleepMs),
      TIME_LOG: join(state, "time.log"),
    },
  });
  let stdout = "";
  let stderr = "";
  proc.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
  });
  proc.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  return new Promise((finish) => proc.once("close", (status) => finish({ status, stdout, stderr })));
}

const logOf = (state: string) =>
  existsSync(join(state, "time.log")) ? readFileSync(join(state, "time.log"), "utf8").trim().split("\n") : [];
const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe("durable time, local", () => {
  it("a sleep suspends `flows run`; `flows wake` finishes the run once it is due, not before", async () => {
    const state = join(scratch, "nap");
    const ran = await flows(state, ["run", flowFile, "--flow", "time.nap", "--input", "3", "--run-id", "n1"]);
    expect(ran.status).toBe(0);
    expect(ran.stderr).toMatch(/run n1 suspended until .*flows wake/);
    const early = await flows(state, ["wake"]);
    expect(early).toMatchObject({ status: 0 });
    expect(early.stderr).toContain("no run is due");
    await pause(SLEEP_MS);
    const woke = await flows(state, ["wake"]);
    expect(woke.status).toBe(0);
    expect(woke.stderr).toContain("run n1: completed");
    expect(logOf(state)).toEqual(["n1 wait", "n1 wait", "n1 woke"]);
    const inspected = await flows(state, ["inspect", "n1", "--format", "json"]);
    expect(JSON.parse(inspected.stdout)).toMatchObject({ status: "completed" });
  }, 60_000);

  it("a halt deadline raced by `flows resume`: exactly one continuation each, 8 races; `flows run` of the run id expires it too", async () => {
    const state = join(scratch, "gate");
    const races = 8;
    // Long enough that a resume started before the deadline gets there in time on a busy machine.
    const deadlineMs = 3_000;
    const gated = (args: string[]) => flows(state, args, deadlineMs);
    const outcomes = { resumed: 0, expired: 0 };
    // The races run side by side (one run id each); within each, the resume starts from a
    // little before to a little after the deadline, while `flows wake` starts at it.
    await Promise.all(
      Array.from({ length: races }, async (_, race) => {
        const runId = `g${race}`;
        const halted = await gated(["run", flowFile, "--flow", "time.gate", "--run-id", runId]);
        expect(halted.stdout, halted.stderr).toContain('"status":"halted"');
        expect(JSON.parse(halted.stdout)).toMatchObject({ status: "halted", checkpoint: "ok" });
        const [resume] = await Promise.all([
          pause(deadlineMs - 1_800 + race * 300).then(() =>
            gated(["resume", runId, "--checkpoint", "ok", "--input", '"yes"', "--wait"]),
          ),
          pause(deadlineMs).then(() => gated(["wake", "--quiet"])),
        ]);
        const lines = logOf(state).filter((line) => line.startsWith(`${runId} `));
        expect(lines).toHaveLength(1);
        if (lines[0] === `${runId} continued "yes"`) {
          outcomes.resumed += 1;
          expect(resume.status).toBe(0);
        } else {
          expect(lines[0]).toBe(`${runId} continued expired`);
          outcomes.expired += 1;
          expect(resume.status, resume.stderr).toBe(1);
        }
      }),
    );
    console.log(`local halt deadline vs resume: ${JSON.stringify(outcomes)}`);
    // `flows run` on a halted run past its deadline expires it as well.
    await flows(state, ["run", flowFile, "--flow", "time.gate", "--run-id", "late"]);
    await pause(SLEEP_MS);
    const late = await flows(state, ["run", flowFile, "--flow", "time.gate", "--run-id", "late"]);
    expect(late.stdout.trim()).toBe('"expired"');
  }, 120_000);

  it("events: one sent before the wait is kept for it, one sent twice wakes once, unknown runs are refused", async () => {
    const state = join(scratch, "pay");
    // Halted at a checkpoint before its wait: the event is kept, and the wait takes it.
    await flows(state, ["run", flowFile, "--flow", "time.pay", "--input", '"A-1"', "--run-id", "p1"]);
    const kept = await flows(state, ["event", "p1", "payment.settled", "--input", '{"order":"A-1","amount":30}']);
    expect(JSON.parse(kept.stdout.split("\n")[0] ?? "")).toMatchObject({ status: "kept" });
    const resumed = await flows(state, ["resume", "p1", "--checkpoint", "hold"]);
    expect(resumed.status).toBe(0);
    expect(resumed.stdout.trim()).toBe("30");

    // Halted on its wait: the same event id sent by two processes at once wakes it once.
    await flows(state, ["run", flowFile, "--flow", "time.pay", "--input", '"B-2"', "--run-id", "p2"]);
    await flows(state, ["resume", "p2", "--checkpoint", "hold"]);
    const send = () =>
      flows(state, ["event", "p2", "payment.settled", "--input", '{"order":"B-2","amount":7}', "--id", "e1", "--wait"]);
    const both = await Promise.all([send(), send()]);
    const statuses = both.map((sent) => JSON.parse(sent.stdout.split("\n")[0] ?? "{}").status).sort();
    expect(statuses).toEqual(["duplicate", "woke"]);
    expect(logOf(state).filter((line) => line.startsWith("p2 "))).toEqual(["p2 settled 7"]);

    const unknown = await flows(state, ["event", "nobody", "payment.settled"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("RUN404");
  }, 60_000);
});
