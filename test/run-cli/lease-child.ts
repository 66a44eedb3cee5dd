import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { systemClock } from "@flows/kernel";
import { createFsDedupe } from "../../cli/src/local/dedupe";
import { acquireRunLease, isRunLeaseHeld, withKeyLock } from "../../cli/src/local/lease";
import { openLocalStore } from "../../cli/src/local/store";

// A child the lease races start. `races <state> <count>`: for each run race-0… in turn, meet
// the other racer at a barrier, then do what a resume does (continue the run if it is halted)
// under the run's lease; prints each outcome. `hold <state> <run>` takes the lease until killed.
// `dedupe <state> <count> <locked|unlocked> <owner>`: as a run holding its lease, reserves the
// idempotency keys key-0… in turn, each after a barrier with the other racer; prints each outcome.

const [mode, stateDir = "", runId = "", locking = "locked", owner = "run"] = process.argv.slice(2);

async function barrier(name: string): Promise<void> {
  const path = join(stateDir, name);
  appendFileSync(path, "x");
  while (readFileSync(path, "utf8").length < 2) await new Promise((done) => setTimeout(done, 1));
}

async function continueHalted(runId: string): Promise<string> {
  let lease: Awaited<ReturnType<typeof acquireRunLease>>;
  try {
    lease = await acquireRunLease(stateDir, runId);
  } catch (error) {
    return String((error as { code?: unknown }).code);
  }
  try {
    const status = join(stateDir, `${runId}.status`);
    if (readFileSync(status, "utf8") !== "halted") return "not-halted";
    // The gap between reading the state and acting on it that a second executor would fall into.
    await new Promise((done) => setTimeout(done, 2));
    appendFileSync(join(stateDir, `${runId}.log`), `continued ${process.pid}\n`);
    writeFileSync(status, "completed");
    return "continued";
  } finally {
    lease.release();
  }
}

if (mode === "races") {
  const outcomes: string[] = [];
  for (let race = 0; race < Number(runId); race++) {
    await barrier(`race-${race}.barrier`);
    outcomes.push(await continueHalted(`race-${race}`));
  }
  process.stdout.write(`${JSON.stringify(outcomes)}\n`);
} else if (mode === "hold") {
  await acquireRunLease(stateDir, runId);
  process.stdout.write("held\n");
  setInterval(() => {}, 1_000);
}

async function reserveKeys(count: number): Promise<string[]> {
  const lease = await acquireRunLease(stateDir, owner);
  const dedupe = createFsDedupe(openLocalStore(stateDir), systemClock, {
    ownerActive: (holder) => isRunLeaseHeld(stateDir, holder),
    ...(locking === "locked" ? { exclusive: (key, work) => withKeyLock(stateDir, key, work) } : {}),
  });
  const outcomes: string[] = [];
  for (let race = 0; race < count; race++) {
    await barrier(`key-${race}.barrier`);
    outcomes.push((await dedupe.reserve(`key-${race}`, owner, 60_000)).status);
  }
  // The other racer must still see this run alive until it has reserved every key too.
  await barrier("finished.barrier");
  lease.release();
  return outcomes;
}

if (mode === "dedupe") process.stdout.write(`${JSON.stringify(await reserveKeys(Number(runId)))}\n`);
