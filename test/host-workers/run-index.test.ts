import type { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRunsAtOnce } from "./index-support";
import { auth, bundleFixture, startMiniflare, waitFor, workerOptions } from "./support";

// The run index in workerd: every run the Worker starts is listed, newest first, filtered and
// paged with every run exactly once; status changes reach the row.

interface Row {
  run_id: string;
  flow: string;
  status: string;
  trigger: string;
  started_at: number;
  updated_at: number;
  finished_at: number | null;
  checkpoint: string | null;
  wake_at: number | null;
  error_code: string | null;
}
interface Page {
  runs: Row[];
  next_cursor: string | null;
}

let mf: Miniflare;
let url: URL;
beforeAll(async () => {
  mf = startMiniflare(workerOptions(await bundleFixture("index-worker.ts")));
  url = await mf.ready;
}, 60_000);
afterAll(() => mf?.dispose());

const get = (path: string) => mf.dispatchFetch(`http://flows.test${path}`, { headers: auth });
const post = (path: string, body: unknown) =>
  mf.dispatchFetch(`http://flows.test${path}`, { method: "POST", body: JSON.stringify(body), headers: auth });

/** Every run the index lists for `query`, page after page. */
async function listAll(query: string, limit = 200): Promise<{ rows: Row[]; pages: number }> {
  const rows: Row[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const separator = query === "" ? "" : "&";
    const response = await get(
      `/runs?${query}${separator}limit=${limit}${cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`}`,
    );
    expect(response.status).toBe(200);
    const page = (await response.json()) as Page;
    rows.push(...page.runs);
    cursor = page.next_cursor;
    pages += 1;
  } while (cursor !== null);
  return { rows, pages };
}

const sortedNewestFirst = (rows: readonly Row[]) =>
  rows.every((row, index) => {
    const before = rows[index - 1];
    if (before === undefined) return true;
    return before.started_at > row.started_at || (before.started_at === row.started_at && before.run_id > row.run_id);
  });

describe("run index", () => {
  it("lists a run invoked over HTTP with its status", async () => {
    const invoked = await post("/flows/hello/invoke?run_id=idx-first", { name: "index" });
    expect(invoked.status).toBe(200);
    const row = await waitFor(async () => {
      const { rows } = await listAll("flow=hello");
      const found = rows.find((candidate) => candidate.run_id === "idx-first");
      return found?.status === "completed" ? found : undefined;
    }, "the invoked run listed as completed");
    expect(row).toMatchObject({ flow: "hello", trigger: "http", checkpoint: null, error_code: null, wake_at: null });
    expect(row.finished_at).toBeGreaterThanOrEqual(row.started_at);
  });

  it("lists runs started by a queue message and by a cron with their trigger", async () => {
    await (await mf.getQueueProducer("EVENTS")).send({ name: "queued" });
    await (await mf.getWorker()).scheduled({ cron: "0 * * * *" });
    await waitFor(async () => {
      const { rows } = await listAll("flow=hello&status=completed");
      const seen = new Set(rows.map((row) => row.trigger));
      return seen.has("queue") && seen.has("cron") ? seen : undefined;
    }, "a queue run and a cron run listed as completed");
  });

  it("lists every one of 1,000 runs started at once, then each as completed", async () => {
    const ids = Array.from({ length: 1_000 }, (_, index) => `load-${String(index).padStart(4, "0")}`);
    const began = performance.now();
    const started = await startRunsAtOnce(url, "hello", ids);
    const startedMs = performance.now() - began;
    expect(started.statuses).toEqual({ 202: ids.length });
    const wanted = new Set(ids);
    let missing = ids.length;
    let listedMs = 0;
    await waitFor(
      async () => {
        const { rows } = await listAll("flow=hello");
        const listed = rows.filter((row) => wanted.has(row.run_id));
        expect(new Set(listed.map((row) => row.run_id)).size).toBe(listed.length);
        missing = ids.length - listed.length;
        listedMs = performance.now() - began;
        return missing === 0 ? true : undefined;
      },
      "all 1,000 runs listed",
      120_000,
    );
    let completedMs = 0;
    await waitFor(
      async () => {
        const { rows } = await listAll("flow=hello&status=completed");
        completedMs = performance.now() - began;
        return rows.filter((row) => wanted.has(row.run_id)).length === ids.length ? true : undefined;
      },
      "all 1,000 runs listed as completed",
      120_000,
    );
    const { rows } = await listAll("flow=hello");
    const async = rows.filter((row) => wanted.has(row.run_id));
    expect(async.every((row) => row.trigger === "async")).toBe(true);
    console.log(
      JSON.stringify({
        runs: ids.length,
        missing,
        connection_errors_retried: started.retried,
        starts_answered_ms: Math.round(startedMs),
        all_listed_ms: Math.round(listedMs),
        all_listed_completed_ms: Math.round(completedMs),
      }),
    );
    expect(missing).toBe(0);
  }, 300_000);

  it("shows halts, resumes, cancellations and failures on the row", async () => {
    const halted = await post("/flows/gate/invoke?run_id=gate-resumed", { order: 1 });
    expect(halted.status).toBe(202);
    const { resume_token: token } = (await halted.json()) as { resume_token: string };
    expect((await post("/flows/gate/invoke?run_id=gate-cancelled", { order: 2 })).status).toBe(202);
    expect((await post("/flows/broken/invoke?run_id=broken-1", {})).status).toBe(500);
    const rowOf = async (runId: string, status: string) =>
      waitFor(async () => {
        const { rows } = await listAll("");
        const row = rows.find((candidate) => candidate.run_id === runId);
        return row?.status === status ? row : undefined;
      }, `${runId} listed ${status}`);
    expect(await rowOf("gate-resumed", "halted")).toMatchObject({ checkpoint: "ok", finished_at: null });
    expect(await rowOf("broken-1", "failed")).toMatchObject({ error_code: expect.any(String) });
    expect((await post("/runs/gate-resumed/resume", { token, payload: { ok: true } })).status).toBe(200);
    const resumed = await rowOf("gate-resumed", "completed");
    expect(resumed).toMatchObject({ checkpoint: null, error_code: null });
    expect(resumed.updated_at).toBeGreaterThanOrEqual(resumed.started_at);
    expect((await post("/runs/gate-cancelled/cancel", {})).status).toBe(200);
    expect(await rowOf("gate-cancelled", "cancelled")).toMatchObject({ error_code: "RUN499" });
  });

  it("gives every run exactly once through filters and small pages, newest first", async () => {
    for (let index = 0; index < 5; index += 1) {
      expect((await post(`/flows/gate/invoke?run_id=gate-${index}`, {})).status).toBe(202);
      expect((await post(`/flows/broken/invoke?run_id=broken-more-${index}`, {})).status).toBe(500);
    }
    const everything = await waitFor(async () => {
      const { rows } = await listAll("", 200);
      return rows.filter((row) => row.run_id.startsWith("gate-") && row.status === "halted").length >= 5 &&
        rows.filter((row) => row.run_id.startsWith("broken-more-") && row.status === "failed").length === 5
        ? rows
        : undefined;
    }, "the new runs listed");
    expect(everything.length).toBeGreaterThanOrEqual(1_014);
    expect(sortedNewestFirst(everything)).toBe(true);
    expect(new Set(everything.map((row) => row.run_id)).size).toBe(everything.length);

    // Small pages: the same runs, each once, in the same order.
    const paged = await listAll("", 37);
    expect(paged.pages).toBeGreaterThan(everything.length / 37);
    expect(paged.rows.map((row) => row.run_id)).toEqual(everything.map((row) => row.run_id));

    const byFlow = await listAll("flow=broken", 3);
    expect(byFlow.rows.map((row) => row.run_id).sort()).toEqual(
      everything
        .filter((row) => row.flow === "broken")
        .map((row) => row.run_id)
        .sort(),
    );
    expect(byFlow.rows.length).toBe(6);
    const byStatus = await listAll("status=halted,failed", 4);
    expect(byStatus.rows.map((row) => row.run_id)).toEqual(
      everything.filter((row) => row.status === "halted" || row.status === "failed").map((row) => row.run_id),
    );
    const both = await listAll("flow=gate&status=halted", 2);
    expect(both.rows.every((row) => row.flow === "gate" && row.status === "halted")).toBe(true);
    expect(both.rows.length).toBe(everything.filter((row) => row.flow === "gate" && row.status === "halted").length);

    // since (inclusive) and until (exclusive) split the runs in two, with none lost or repeated.
    const middle = (everything[Math.floor(everything.length / 2)] as Row).started_at;
    const newer = await listAll(`since=${middle}`, 50);
    const older = await listAll(`until=${middle}`, 50);
    expect(newer.rows.every((row) => row.started_at >= middle)).toBe(true);
    expect(older.rows.every((row) => row.started_at < middle)).toBe(true);
    expect([...newer.rows, ...older.rows].map((row) => row.run_id)).toEqual(everything.map((row) => row.run_id));
    const iso = await listAll(`since=${encodeURIComponent(new Date(middle).toISOString())}`, 200);
    expect(iso.rows.length).toBe(newer.rows.length);
  });

  it("refuses bad query values with QUERY400 naming the parameter, and callers without the token", async () => {
    const cases: [string, string][] = [
      ["limit=0", "limit"],
      ["limit=201", "limit"],
      ["limit=ten", "limit"],
      ["status=sleeping", "status"],
      ["since=yesterday", "since"],
      ["until=12:00", "until"],
      ["since=2000&until=1000", "since"],
      ["cursor=not-a-cursor", "cursor"],
      ["cursor=eyJ2IjoyfQ", "cursor"],
      ["flow=", "flow"],
    ];
    for (const [query, parameter] of cases) {
      const response = await get(`/runs?${query}`);
      expect(response.status, query).toBe(400);
      const body = (await response.json()) as { code: string; error: string; details: { parameter: string } };
      expect(body.code, query).toBe("QUERY400");
      expect(body.details.parameter, query).toBe(parameter);
      expect(body.error, query).toContain(parameter);
    }
    expect((await mf.dispatchFetch("http://flows.test/runs")).status).toBe(401);
    expect((await mf.dispatchFetch("http://flows.test/runs/index/rebuild", { method: "POST" })).status).toBe(401);
  });
});
