import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { indexObjectIds } from "./index-support";
import { auth, bundleFixture, startMiniflare, workerOptions } from "./support";

// Bad input against the Worker host in real workerd, with Durable Object storage on disk so
// the test can count what a request left behind.

let mf: Miniflare;
const persist = mkdtempSync(join(tmpdir(), "flows-limits-"));
const url = (path: string) => `http://flows.test${path}`;
const post = (path: string, body: string) =>
  mf.dispatchFetch(url(path), { method: "POST", body, headers: { ...auth, "content-type": "application/json" } });

/** The run index's own objects (a run's row goes to one of them), left out of the counts. */
let indexObjects = new Set<string>();

/** SQLite files of run objects on disk. */
function objectFiles(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name));
      else if (entry.name.endsWith(".sqlite") && !indexObjects.has(entry.name.slice(0, -".sqlite".length)))
        found.push(join(dir, entry.name));
    }
  };
  walk(persist);
  return found;
}

/** Bytes in an object's write-ahead log plus the tables its schema page lists (0 and 0: empty). */
function storedBytes(file: string): number {
  const wal = existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0;
  // Page 1 holds the schema b-tree after the 100-byte file header; bytes 103–104 count its cells.
  const page = readFileSync(file);
  return wal + (page.length >= 105 ? page.readUInt16BE(103) : 0);
}

beforeAll(async () => {
  mf = startMiniflare(workerOptions(await bundleFixture(), { durableObjectsPersist: persist }));
  await mf.ready;
  indexObjects = await indexObjectIds(mf);
}, 60_000);

afterAll(async () => {
  await mf?.dispose().catch(() => {});
  rmSync(persist, { recursive: true, force: true });
});

describe("limits", () => {
  it("answers 3 MB and 10 MB bodies with 413 BODY413 naming the limit, storing nothing", async () => {
    const before = objectFiles();
    for (const megabytes of [3, 10]) {
      const body = JSON.stringify({ id: `big-${megabytes}`, pad: "x".repeat(megabytes * 1024 * 1024) });
      for (const path of [
        `/flows/slow/invoke?run_id=big-${megabytes}`,
        `/flows/slow/runs?run_id=big-${megabytes}`,
        `/runs/big-${megabytes}/resume`,
      ]) {
        const response = await post(path, body);
        expect(response.status, path).toBe(413);
        const answer = (await response.json()) as { code: string; error: string; details: { limit_bytes: number } };
        expect(answer.code).toBe("BODY413");
        expect(answer.error).toContain("limit of 1048576 bytes");
        expect(answer.details.limit_bytes).toBe(1048576);
      }
    }
    expect(objectFiles()).toEqual(before);
    // Under the limit, a large payload still runs.
    const fits = await post("/flows/slow/invoke?run_id=fits", JSON.stringify({ id: "fits", pad: "y".repeat(900_000) }));
    expect(fits.status).toBe(200);
    expect(objectFiles().length).toBe(before.length + 1);
  }, 60_000);

  it("answers run ids of the wrong length or characters with 400 RUN400", async () => {
    for (const id of ["x".repeat(300), "a%20b", "%C3%A9"]) {
      const read = await mf.dispatchFetch(url(`/runs/${id}`), { headers: auth });
      expect(read.status).toBe(400);
      expect(await read.json()).toMatchObject({ code: "RUN400" });
      const invoked = await post(`/flows/slow/invoke?run_id=${id}`, "{}");
      expect(invoked.status).toBe(400);
      expect(await invoked.json()).toMatchObject({ code: "RUN400" });
    }
  });

  // Run last: it stops workerd to read what the objects left on disk.
  it("stores nothing for 50 reads (and 50 cancels) of unknown runs", async () => {
    const before = new Set(objectFiles());
    for (let i = 0; i < 50; i++) {
      const read = await mf.dispatchFetch(url(`/runs/unknown-${i}`), { headers: auth });
      expect(read.status).toBe(404);
      expect(await read.json()).toMatchObject({ code: "RUN404" });
      const cancel = await post(`/runs/unknown-c${i}/cancel`, "");
      expect(cancel.status).toBe(404);
    }
    await mf.dispose();
    // workerd opens a database file for every object it addresses; what matters is that each
    // stays empty: nothing in its write-ahead log, no table in its schema page.
    const created = objectFiles().filter((file) => !before.has(file));
    expect(created).toHaveLength(100);
    expect(created.map(storedBytes).filter((bytes) => bytes > 0)).toEqual([]);
  }, 60_000);
});
