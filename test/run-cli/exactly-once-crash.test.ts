import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { createDoApi } from "@flows/cap-do";
import { createOpendalDoProvider } from "@flows/cap-do/opendal";
import { Operator } from "opendal";
import { afterAll, describe, expect, it } from "vitest";
import { seededRandom } from "../flow-ir/support/random";

// The exactly-once promise under SIGKILL, through the real CLI: `flows run` of a payment flow
// whose exactly_once node updates a balance, takes a charge number and writes a charge record
// through the do capability (a transactional store), then calls an outside service (appends its
// idempotency key to a file). Each order's process is killed at seeded points inside the node
// (the node kills itself at a named step) and at random moments from outside, then run again;
// some orders are finished by a second run with another run id but the same key.

const root = resolve(import.meta.dirname, "../..");
const bin = join(root, "cli/bin/flows.mjs");
const flow = join(import.meta.dirname, "fixtures/payments/charge.flow.ts");
mkdirSync(join(root, "node_modules/.cache"), { recursive: true });
const scratch = mkdtempSync(join(root, "node_modules/.cache/flows-exactly-once-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Attempt {
  readonly killAt?: number;
  readonly killAfterMs?: number;
}

function runCharge(
  state: string,
  runId: string,
  payment: object,
  attempt: Attempt,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const proc = spawn(
    process.execPath,
    [bin, "run", flow, "--run-id", runId, "--input", JSON.stringify(payment), "--state", state, "--quiet"],
    {
      stdio: ["ignore", "ignore", "pipe"],
      env: {
        ...process.env,
        FLOWS_PROGRESS: "",
        CHARGE_EXTERNAL_LOG: join(state, "external.log"),
        CHARGE_PAUSE_MS: attempt.killAfterMs === undefined ? "0" : "40",
        CHARGE_KILL_AT: attempt.killAt === undefined ? "" : String(attempt.killAt),
      },
    },
  );
  let stderr = "";
  proc.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const timer =
    attempt.killAfterMs === undefined ? undefined : setTimeout(() => proc.kill("SIGKILL"), attempt.killAfterMs);
  return new Promise((done) =>
    proc.once("close", (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stderr });
    }),
  );
}

describe("exactly-once under SIGKILL (flows run)", () => {
  it("makes each do-capability effect once per key, hands the key to the outside service, loses nothing", async () => {
    const random = seededRandom(20261203);
    const state = join(scratch, "state");
    const accounts = ["acct-a", "acct-b", "acct-c"];
    const orders = Array.from({ length: 16 }, (_, index) => ({
      order_id: `order-${index}`,
      account: random.pick(accounts),
      amount: 1 + random.int(100),
    }));
    const counts = { processes: 0, killedInside: 0, killedOutside: 0, completedBeforeKill: 0, takenOverByNewRun: 0 };

    for (const [index, order] of orders.entries()) {
      const runId = `pay-${index}`;
      const kills: Attempt[] = Array.from({ length: 1 + random.int(3) }, () =>
        random.chance(0.7) ? { killAt: random.int(5) } : { killAfterMs: 150 + random.int(400) },
      );
      for (const attempt of kills) {
        const outcome = await runCharge(state, runId, order, attempt);
        counts.processes += 1;
        if (outcome.signal === "SIGKILL") {
          if (attempt.killAt === undefined) counts.killedOutside += 1;
          else counts.killedInside += 1;
        } else {
          expect(outcome.code, outcome.stderr).toBe(0);
          counts.completedBeforeKill += 1;
        }
      }
      // A third of the crashed orders are finished by a new run with the same key (the first
      // run is abandoned); the rest by running the same run id again.
      const takeOver = random.chance(0.33);
      if (takeOver) counts.takenOverByNewRun += 1;
      const finish = await runCharge(state, takeOver ? `${runId}-again` : runId, order, {});
      counts.processes += 1;
      expect(finish.code, finish.stderr).toBe(0);
    }

    const store = createDoApi(createOpendalDoProvider(new Operator("fs", { root: join(state, "caps/do") })));
    const expected = new Map<string, number>();
    for (const order of orders) expected.set(order.account, (expected.get(order.account) ?? 0) + order.amount);
    let wrongBalances = 0;
    let balanceExcess = 0;
    for (const [account, total] of expected) {
      const balance = (await store.get<number>(`balance:${account}`)) ?? 0;
      if (balance !== total) wrongBalances += 1;
      balanceExcess += balance - total;
    }
    const numbers: number[] = [];
    let lostRecords = 0;
    for (const order of orders) {
      const record = await store.get<{ number: number; amount: number }>(`charge:${order.order_id}`);
      if (record === undefined) lostRecords += 1;
      else numbers.push(record.number);
    }
    // Charge numbers come from one sequence: a repeated step would have skipped a number.
    const nextNumber = await store.next("charges");
    const external = existsSync(join(state, "external.log"))
      ? readFileSync(join(state, "external.log"), "utf8").trim().split("\n")
      : [];
    const keys = orders.map((order) => `payments.charge/charge/${order.order_id}`);
    const externalMissing = keys.filter((key) => !external.includes(key)).length;
    const externalRepeats = external.length - new Set(external).size;
    const duplicateCharges = nextNumber - 1 - orders.length;
    const report = {
      orders: orders.length,
      ...counts,
      wrongBalances,
      balanceExcess,
      duplicateCharges,
      lostRecords,
      externalMissing,
      externalRepeats,
    };
    console.log(`exactly-once crash suite: ${JSON.stringify(report)}`);

    expect(wrongBalances).toBe(0);
    expect(duplicateCharges).toBe(0);
    expect(lostRecords).toBe(0);
    expect([...numbers].sort((a, b) => a - b)).toEqual(orders.map((_, index) => index + 1));
    expect(nextNumber).toBe(orders.length + 1);
    // Outside effects are at least once, each carrying its key; repeats are the outside service's to drop.
    expect(externalMissing).toBe(0);
    expect(external.every((line) => keys.includes(line))).toBe(true);
    expect(counts.killedInside + counts.killedOutside).toBeGreaterThan(orders.length);
  }, 240_000);
});
