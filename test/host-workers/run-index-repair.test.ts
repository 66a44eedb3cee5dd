import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Miniflare } from "miniflare";
import { afterAll, describe, expect, it } from "vitest";
import { auth, bundleFixture, startMiniflare, waitFor, workerOptions } from "./support";

// The run index under crashes and data loss. (1) workerd is disposed after a run's first write
// and before its index push (the fixture holds every push while INDEX_PUSH_HELD is "yes"); a new
// instance on the same storage lists the run: the outbox row written with the run, and the
// alarm armed before it, push it. (2) The index objects' storage is deleted; a rebuild from the
// run ids, or from the run objects' ids as Cloudflare's API lists them, brings every row back.

interface Row {
  run_id: string;
  flow: string;
  status: string;
  trigger: string;
  started_at: number;
}

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

async function boot(script: string, root: string, held: boolean): Promise<Miniflare> {
  const options = workerOptions(script, {
    defaultPersistRoot: root,
    durableObjectsPersist: true,
    kvPersist: true,
  });
  const mf = startMiniflare({
    ...options,
    bindings: { ...(options as { bindings: Record<string, string> }).bindings, INDEX_PUSH_HELD: held ? "yes" : "no" },
  } as typeof options);
  await mf.ready;
  return mf;
}

const get = (mf: Miniflare, path: string) => mf.dispatchFetch(`http://flows.test${path}`, { headers: auth });
const post = (mf: Miniflare, path: string, body: unknown) =>
  mf.dispatchFetch(`http://flows.test${path}`, { method: "POST", body: JSON.stringify(body), headers: auth });

async function listed(mf: Miniflare): Promise<Row[]> {
  const rows: Row[] = [];
  let cursor: string | null = null;
  do {
    const answer = await get(mf, `/runs?limit=200${cursor === null ? "" : `&cursor=${cursor}`}`);
    expect(answer.status).toBe(200);
    const page = (await answer.json()) as { runs: Row[]; next_cursor: string | null };
    rows.push(...page.runs);
    cursor = page.next_cursor;
  } while (cursor !== null);
  return rows;
}

/** Every file of a Durable Object's storage under the persist root, found by its id. */
function objectFiles(root: string, id: string): string[] {
  const found: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.startsWith(id)) found.push(path);
    }
  };
  walk(root);
  return found;
}

describe("run index repair and rebuild", () => {
  it("lists a run whose index push was cut off by a crash, once workerd is back", async () => {
    const script = await bundleFixture("index-worker.ts");
    const root = mkdtempSync(join(tmpdir(), "flows-index-crash-"));
    roots.push(root);
    let mf = await boot(script, root, true);
    try {
      const invoked = await post(mf, "/flows/hello/invoke?run_id=crash-invoked", {});
      expect(invoked.status, await invoked.clone().text()).toBe(200);
      expect((await post(mf, "/flows/hello/runs?run_id=crash-started", {})).status).toBe(202);
      const current = mf;
      await waitFor(async () => {
        const answer = await get(current, "/runs/crash-started");
        return ((await answer.json()) as { status?: string }).status === "completed" ? true : undefined;
      }, "the async run to complete");
      // Both runs exist and completed, and neither is in the index: their pushes are held.
      expect((await listed(mf)).map((row) => row.run_id)).toEqual([]);
      await mf.dispose();
      mf = await boot(script, root, false);
      const back = mf;
      const rows = await waitFor(
        async () => {
          const rows = await listed(back);
          return rows.length === 2 && rows.every((row) => row.status === "completed") ? rows : undefined;
        },
        "both runs listed after the restart",
        60_000,
      );
      expect(rows.map((row) => [row.run_id, row.trigger]).sort()).toEqual([
        ["crash-invoked", "http"],
        ["crash-started", "async"],
      ]);
    } finally {
      await mf.dispose();
    }
  }, 120_000);

  it("rebuilds wiped index objects from the run objects, by run id or by object id", async () => {
    const script = await bundleFixture("index-worker.ts");
    const root = mkdtempSync(join(tmpdir(), "flows-index-rebuild-"));
    roots.push(root);
    let mf = await boot(script, root, false);
    try {
      const ids = Array.from({ length: 12 }, (_, index) => `rebuild-${index}`);
      for (const [index, id] of ids.entries()) {
        const flow = index % 3 === 0 ? "gate" : index % 3 === 1 ? "hello" : "broken";
        const answer = await post(mf, `/flows/${flow}/${index % 2 === 0 ? "invoke" : "runs"}?run_id=${id}`, {});
        expect([200, 202, 500]).toContain(answer.status);
      }
      const current = mf;
      let seen: Row[] = [];
      const before = await waitFor(async () => {
        const rows = await listed(current);
        seen = rows;
        return rows.length === ids.length && rows.every((row) => row.status !== "running") ? rows : undefined;
      }, "every run listed and settled").catch((error) => {
        throw new Error(`${error}: ${JSON.stringify(seen)}`);
      });
      // The index objects: the directory and each shard of each hour bucket (4 shards, as the fixture sets).
      const namespace = await mf.getDurableObjectNamespace("FLOW_RUNS");
      const buckets = [...new Set(before.map((row) => Math.floor(row.started_at / 3_600_000)))];
      const names = [
        "flows-index/directory",
        ...buckets.flatMap((b) => [0, 1, 2, 3].map((s) => `flows-index/${b}/${s}`)),
      ];
      const indexIds = names.map((name) => namespace.idFromName(name).toString());
      const runObjectIds = ids.map((id) => namespace.idFromName(id).toString());
      await mf.dispose();
      const wiped = indexIds.flatMap((id) => objectFiles(root, id));
      expect(wiped.length).toBeGreaterThan(1);
      for (const file of wiped) rmSync(file);
      expect(wiped.every((file) => !existsSync(file))).toBe(true);

      mf = await boot(script, root, false);
      expect(await listed(mf)).toEqual([]);
      // Half by run id, half by Durable Object id; an unknown run id is reported, not created.
      const byRun = await post(mf, "/runs/index/rebuild", { run_ids: [...ids.slice(0, 6), "never-started"] });
      expect(byRun.status).toBe(200);
      const first = (await byRun.json()) as { rebuilt: Row[]; not_found: string[]; failed: unknown[] };
      expect(first.rebuilt.map((row) => row.run_id).sort()).toEqual(ids.slice(0, 6).sort());
      expect(first.not_found).toEqual(["never-started"]);
      expect(first.failed).toEqual([]);
      const shardIds = indexIds.slice(1);
      const byObject = await post(mf, "/runs/index/rebuild", { object_ids: [...runObjectIds.slice(6), ...shardIds] });
      const second = (await byObject.json()) as { rebuilt: Row[]; index_objects: string[]; not_found: string[] };
      expect(second.rebuilt.map((row) => row.run_id).sort()).toEqual(ids.slice(6).sort());
      // Shards that hold rows again say so; shards that never held any are simply not found.
      expect([...second.index_objects, ...second.not_found].sort()).toEqual([...shardIds].sort());
      expect(await listed(mf)).toEqual(before);

      const bad = await post(mf, "/runs/index/rebuild", { run_ids: ["has a space"] });
      expect(bad.status).toBe(400);
      const tooMany = await post(mf, "/runs/index/rebuild", {
        run_ids: Array.from({ length: 101 }, (_, index) => `r${index}`),
      });
      expect(tooMany.status).toBe(400);
    } finally {
      await mf.dispose();
    }
  }, 120_000);

  it("lists a sleeping run suspended with its wake time, leaves its alarm at that time, and lists it completed once woken", async () => {
    const script = await bundleFixture("time-worker.ts");
    const root = mkdtempSync(join(tmpdir(), "flows-index-sleep-"));
    roots.push(root);
    const mf = await boot(script, root, false);
    try {
      const started = await post(mf, "/flows/nap/invoke?run_id=sleeper", 5);
      expect(started.status).toBe(202);
      const { wake_at: wake } = (await started.json()) as { wake_at: number | string };
      const wakeAt = typeof wake === "number" ? wake : Date.parse(wake);
      // The answer came after the index push: the row is there, and the repair alarm gave way to the wake.
      const [row] = await listed(mf);
      expect(row).toMatchObject({ run_id: "sleeper", status: "suspended", wake_at: wakeAt });
      const clock = (offset: number) =>
        mf.dispatchFetch(`http://flows.test/__test/clock?run=sleeper&offset_ms=${offset}&alarm=0`);
      expect(((await (await clock(0)).json()) as { alarm: number }).alarm).toBe(wakeAt);
      await mf.dispatchFetch(`http://flows.test/__test/clock?run=sleeper&offset_ms=${31 * 86_400_000}&alarm=1`);
      const done = await waitFor(async () => {
        const [again] = await listed(mf);
        return again?.status === "completed" ? again : undefined;
      }, "the woken run listed as completed");
      expect(done).toMatchObject({ wake_at: null, error_code: null });
    } finally {
      await mf.dispose();
    }
  }, 60_000);
});
