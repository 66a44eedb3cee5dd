import { type ChildProcess, spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acquireRunLease } from "../../cli/src/local/lease";
import { bundleNodeScript } from "../bus/child-process";

// One executor per local run: racing processes on one run id, holders that die or hang.

const root = resolve(import.meta.dirname, "../..");
mkdirSync(join(root, "node_modules/.cache"), { recursive: true });
const scratch = mkdtempSync(join(root, "node_modules/.cache/flows-lease-"));
const child = join(scratch, "lease-child.mjs");
const example = join(root, "examples/order-approval");
const flowFile = join(example, "order-approval.flow.json");
const nodes = join(example, "nodes.ts");
const bin = join(root, "cli/bin/flows.mjs");

beforeAll(() => bundleNodeScript(resolve(import.meta.dirname, "lease-child.ts"), child), 60_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Finished {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function start(args: string[], env: NodeJS.ProcessEnv = {}): { proc: ChildProcess; done: Promise<Finished> } {
  const proc = spawn(process.execPath, args, {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, FLOWS_PROGRESS: "", ...env },
  });
  let stdout = "";
  let stderr = "";
  proc.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
  });
  proc.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const done = new Promise<Finished>((finish) => proc.once("close", (status) => finish({ status, stdout, stderr })));
  return { proc, done };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 10));
  }
}

describe("one executor per local run", () => {
  it("of two processes continuing one halted run, exactly one continues (100 races)", async () => {
    const state = join(scratch, "races");
    mkdirSync(state, { recursive: true });
    const races = 100;
    for (let race = 0; race < races; race++) writeFileSync(join(state, `race-${race}.status`), "halted");
    const racers = await Promise.all([0, 1].map(() => start([child, "races", state, String(races)]).done));
    const [first, second] = racers.map((racer) => JSON.parse(racer.stdout) as string[]);
    let refused = 0;
    for (let race = 0; race < races; race++) {
      expect(
        readFileSync(join(state, `race-${race}.log`), "utf8")
          .trim()
          .split("\n"),
      ).toHaveLength(1);
      const sorted = [first?.[race], second?.[race]].sort();
      expect([
        ["RUN409", "continued"],
        ["continued", "not-halted"],
      ]).toContainEqual(sorted);
      if (sorted[0] === "RUN409") refused++;
    }
    // Most races overlap for real (the lease refused the second); the rest ran one after the other.
    expect(refused).toBeGreaterThan(0);
  }, 60_000);

  it("of two processes reserving one idempotency key, exactly one is granted it (100 races)", async () => {
    const race = async (locking: string): Promise<number> => {
      const state = join(scratch, `dedupe-${locking}`);
      mkdirSync(state, { recursive: true });
      const keys = 100;
      const racers = await Promise.all(
        ["a", "b"].map((owner) => start([child, "dedupe", state, String(keys), locking, owner]).done),
      );
      const [first, second] = racers.map((racer) => JSON.parse(racer.stdout) as string[]);
      let grantedTwice = 0;
      for (let key = 0; key < keys; key++) {
        const sorted = [first?.[key], second?.[key]].sort();
        if (sorted[0] === "granted" && sorted[1] === "granted") grantedTwice++;
        else expect(sorted).toEqual(["granted", "pending"]);
      }
      return grantedTwice;
    };
    const locked = await race("locked");
    const unlocked = await race("unlocked");
    console.log(`granted twice: ${locked} of 100 with the key lock, ${unlocked} of 100 without`);
    expect(locked).toBe(0);
    // The same race without the key lock: both processes read "no record" and both are granted.
    expect(unlocked).toBeGreaterThan(0);
  }, 60_000);

  it("takes over the lease of a holder that was killed, and waits for a live one with --wait", async () => {
    const state = join(scratch, "takeover");
    const holder = start([child, "hold", state, "r"]);
    await until(() => holder.proc.stdout !== null && existsSync(join(state, "locks/r.lock")), "the holder");
    await expect(acquireRunLease(state, "r")).rejects.toMatchObject({ code: "RUN409", exitCode: 1 });
    const waiting = acquireRunLease(state, "r", { wait: true });
    let settled = false;
    void waiting.then(() => {
      settled = true;
    });
    await new Promise((done) => setTimeout(done, 200));
    expect(settled).toBe(false);
    holder.proc.kill("SIGKILL");
    await holder.done;
    const lease = await waiting;
    const recorded = JSON.parse(readFileSync(join(state, "locks/r.lock"), "utf8")) as { pid: number; token: string };
    expect(recorded).toMatchObject({ pid: process.pid, token: lease.token });
    lease.release();
    expect(existsSync(join(state, "locks/r.lock"))).toBe(false);
  }, 20_000);

  it("takes over a lease past its expiry even if its process lives (a hung holder)", async () => {
    const state = join(scratch, "expired");
    mkdirSync(join(state, "locks"), { recursive: true });
    writeFileSync(
      join(state, "locks/r.lock"),
      JSON.stringify({ pid: process.pid, token: "hung", expires_at: Date.now() - 1 }),
    );
    const lease = await acquireRunLease(state, "r");
    expect(lease.token).not.toBe("hung");
    lease.release();
  });

  it("two `flows resume` of one halted run: exactly one continues (one finished entry), the other gets RUN409", async () => {
    const state = join(scratch, "resumes");
    const halted = start([
      bin,
      "run",
      flowFile,
      "--nodes",
      nodes,
      "--input",
      `@${join(example, "large-order.json")}`,
      "--run-id",
      "h",
      "--state",
      state,
    ]);
    expect((await halted.done).status).toBe(0);
    let refused = 0;
    for (let race = 0; race < 8; race++) {
      const run = `h${race}`;
      copyFileSync(join(state, "runs/h.ndjson"), join(state, `runs/${run}.ndjson`));
      copyFileSync(join(state, "meta/h.json"), join(state, `meta/${run}.json`));
      const args = [
        bin,
        "resume",
        run,
        "--checkpoint",
        "manager_approval",
        "--input",
        '{"approved":true}',
        "--state",
        state,
      ];
      const results = await Promise.all([start(args).done, start(args).done]);
      const statuses = results.map((result) => result.status).sort();
      expect(statuses, results.map((result) => result.stderr).join("\n")).toEqual([0, 1]);
      const loser = results.find((result) => result.status === 1);
      expect(loser?.stderr).toContain("RUN409");
      if (loser?.stderr.includes("being executed by process")) refused++;
      const journal = readFileSync(join(state, `runs/${run}.ndjson`), "utf8");
      expect(journal.match(/"type":"finished"/g) ?? []).toHaveLength(1);
    }
    expect(refused).toBeGreaterThan(0);
  }, 60_000);

  it("two `flows run` on one run id: one runs, the other gets RUN409 at once; --wait waits its turn", async () => {
    const state = join(scratch, "runs");
    const args = [
      bin,
      "run",
      flowFile,
      "--nodes",
      nodes,
      "--input",
      `@${join(example, "small-order.json")}`,
      "--run-id",
      "same",
      "--state",
      state,
    ];
    const first = start(args, { FLOWS_EXAMPLE_LATENCY_MS: "400" });
    await until(() => existsSync(join(state, "locks/same.lock")), "the first run's lease");
    const second = await start(args).done;
    expect(second.status).toBe(1);
    expect(second.stderr).toMatch(/^flows run: RUN409: run same is being executed by process \d+/);
    const waiter = start([...args, "--wait"]);
    expect((await first.done).status).toBe(0);
    const waited = await waiter.done;
    expect(waited.status, waited.stderr).toBe(0);
    expect(waited.stderr).toContain("run same is being executed by process");
    const journal = readFileSync(join(state, "runs/same.ndjson"), "utf8");
    expect(journal.match(/"type":"started"/g) ?? []).toHaveLength(1);
    expect(existsSync(join(state, "locks/same.lock"))).toBe(false);
  }, 30_000);

  it("a 300-byte or malformed run id is RUN400, exit 2, before anything is written", async () => {
    const state = join(scratch, "bad-ids");
    for (const id of ["x".repeat(300), "é".repeat(150), "a/b", ""]) {
      const ran = await start([bin, "run", flowFile, "--nodes", nodes, "--run-id", id, "--state", state]).done;
      expect(ran.status, ran.stderr).toBe(2);
      expect(ran.stderr).toMatch(/^flows run: RUN400: run id .* is not valid/);
      const resumed = await start([bin, "resume", id, "--checkpoint", "c", "--state", state]).done;
      expect(resumed.status, resumed.stderr).toBe(2);
      expect(resumed.stderr).toContain("RUN400");
    }
    expect(existsSync(state)).toBe(false);
  }, 30_000);
});
