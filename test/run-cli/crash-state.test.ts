import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createOpendalKvProvider } from "@flows/cap-kv/opendal";
import { createOperator } from "@flows/caps/opendal";
import { systemClock } from "@flows/kernel";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFsDedupe } from "../../cli/src/local/dedupe";
import { createFsJournal } from "../../cli/src/local/journal";
import { acquireRunLease, isRunLeaseHeld } from "../../cli/src/local/lease";
import { readRunMeta } from "../../cli/src/local/run-meta";
import { openLocalStore, parseRecord } from "../../cli/src/local/store";
import { bundleNodeScript } from "../bus/child-process";

// Local state under SIGKILL: a child rewrites the dedupe ledger, run metadata, the journal and
// OpenDAL fs KV records in a loop and is killed at seeded random moments; every file must
// still read. Separately, processes load one cached node bundle at once and none may see a
// half-written bundle (NODES002).

const root = resolve(import.meta.dirname, "../..");
// Under the repository so the bundled child resolves opendal from node_modules.
mkdirSync(join(root, "node_modules/.cache"), { recursive: true });
const scratch = mkdtempSync(join(root, "node_modules/.cache/flows-crash-"));
const child = join(scratch, "state-child.mjs");

beforeAll(() => bundleNodeScript(resolve(import.meta.dirname, "state-child.ts"), child), 60_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function start(args: string[]): ChildProcess {
  return spawn(process.execPath, [child, ...args], { stdio: ["ignore", "pipe", "pipe"] });
}

const exited = (proc: ChildProcess) =>
  new Promise<number | null>((done) => {
    if (proc.exitCode !== null || proc.signalCode !== null) done(proc.exitCode);
    else proc.once("exit", (code) => done(code));
  });

const firstLine = (proc: ChildProcess) =>
  new Promise<string>((done) => {
    let text = "";
    proc.stdout?.on("data", (chunk: Buffer) => {
      text += chunk.toString("utf8");
      if (text.includes("\n")) done(text.slice(0, text.indexOf("\n")));
    });
    proc.once("exit", () => done(text));
  });

/** Reads every state file the writer touches through the readers flows uses; throws on a torn one. */
async function readAll(stateDir: string): Promise<number> {
  const operator = openLocalStore(stateDir);
  let records = 0;
  for (const name of readdirSync(join(stateDir, "dedupe"))) {
    parseRecord(`dedupe/${name}`, readFileSync(join(stateDir, "dedupe", name)));
    records++;
  }
  const journal = createFsJournal(operator);
  const kv = createOpendalKvProvider(createOperator("fs", { root: join(stateDir, "caps/kv") }));
  for (let run = 0; run < 3; run++) {
    if ((await readRunMeta(operator, `run-${run}`)) !== undefined) records++;
    records += (await journal.read(`run-${run}`)).length;
  }
  for (let key = 0; key < 4; key++) if ((await kv.get(`visits-${key}`, "json")) !== null) records++;
  return records;
}

describe("local state under SIGKILL", () => {
  it("a kill at any moment of a ledger, metadata, journal or KV write leaves every file readable", async () => {
    const random = seeded(16);
    const stateDir = join(scratch, "killed");
    const kills = 24;
    let records = 0;
    for (let round = 0; round < kills; round++) {
      const proc = start(["write", stateDir]);
      expect(await firstLine(proc)).toBe("ready");
      // Seeded, bounded: somewhere in the next 5–80 ms of rewriting.
      await new Promise((done) => setTimeout(done, 5 + Math.floor(random() * 75)));
      proc.kill("SIGKILL");
      await exited(proc);
      records = await readAll(stateDir);
    }
    expect(records).toBeGreaterThan(0);
  }, 60_000);

  it("an empty or torn ledger or metadata file is STATE422, never read as no record", async () => {
    const stateDir = join(scratch, "torn");
    mkdirSync(join(stateDir, "dedupe"), { recursive: true });
    mkdirSync(join(stateDir, "meta"), { recursive: true });
    writeFileSync(join(stateDir, "dedupe/charge.json"), "");
    writeFileSync(join(stateDir, "meta/r.json"), '{"flowFile":"/a.fl');
    const operator = openLocalStore(stateDir);
    await expect(createFsDedupe(operator, systemClock).reserve("charge", "run-2", 60_000)).rejects.toMatchObject({
      code: "STATE422",
      retryable: false,
      details: { file: "dedupe/charge.json" },
    });
    await expect(readRunMeta(operator, "r")).rejects.toMatchObject({ code: "STATE422" });
  });

  it("a reservation whose run no longer executes is taken over; a live run's one stays pending", async () => {
    const stateDir = join(scratch, "reclaim");
    mkdirSync(stateDir, { recursive: true });
    const dedupe = createFsDedupe(openLocalStore(stateDir), systemClock, {
      ownerActive: (owner) => isRunLeaseHeld(stateDir, owner),
    });
    // "crashed" reserved the key, then died mid-node: it holds no lease.
    expect(await dedupe.reserve("charge:A-1", "crashed", 60_000)).toEqual({ status: "granted" });
    expect(await dedupe.reserve("charge:A-1", "retry", 60_000)).toEqual({ status: "granted" });
    await dedupe.complete("charge:A-1", "retry", { charged: 1 }, 60_000);
    expect(await dedupe.reserve("charge:A-1", "third", 60_000)).toEqual({
      status: "completed",
      result: { charged: 1 },
    });
    const lease = await acquireRunLease(stateDir, "alive");
    try {
      expect(await dedupe.reserve("charge:B-2", "alive", 60_000)).toEqual({ status: "granted" });
      expect(await dedupe.reserve("charge:B-2", "other", 60_000)).toEqual({ status: "pending", owner: "alive" });
    } finally {
      lease.release();
    }
    expect(await dedupe.reserve("charge:B-2", "other", 60_000)).toEqual({ status: "granted" });
  });

  it("an empty or cut-short OpenDAL fs KV record is CAP422, never a missing or wrong value", async () => {
    const kvRoot = join(scratch, "torn-kv");
    const kv = createOpendalKvProvider(createOperator("fs", { root: kvRoot }));
    await kv.put("empty", JSON.stringify({ n: 1 }), {});
    // A record with metadata carries its header's length, so a cut inside it is detectable.
    await kv.put("short", JSON.stringify({ n: 2 }), { metadata: { owner: "ada" } });
    const files = readdirSync(join(kvRoot, "kv"));
    const fileOf = (key: string) => join(kvRoot, "kv", files.find((name) => name.startsWith(key)) ?? key);
    writeFileSync(fileOf("empty"), "");
    const whole = readFileSync(fileOf("short"));
    writeFileSync(fileOf("short"), whole.subarray(0, 10));
    for (const key of ["empty", "short"]) {
      await expect(kv.get(key, "json")).rejects.toMatchObject({ code: "CAP422", retryable: false });
    }
  });

  it("processes loading one cached node bundle at once never see a half-written one (no NODES002)", async () => {
    const stateDir = join(scratch, "bundle");
    const module = join(scratch, "nodes.mjs");
    // Big enough that esbuild's write of the bundle is not a single syscall.
    writeFileSync(
      module,
      `const pad = ${JSON.stringify("y".repeat(256 * 1024))};\nexport default { hello: () => pad.length };\n`,
    );
    const processes = Array.from({ length: 6 }, () => start(["load", stateDir, module, "6"]));
    const lines = await Promise.all(processes.map(firstLine));
    await Promise.all(processes.map(exited));
    expect(lines).toEqual(Array.from({ length: 6 }, () => "loaded"));
    // The scratch names are renamed away or removed: only the bundle stays.
    expect(readdirSync(join(stateDir, "cache"))).toEqual([expect.stringMatching(/^nodes-[0-9a-f]{16}\.mjs$/)]);
  }, 60_000);
});
