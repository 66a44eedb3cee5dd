import type { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
beforeAll(async () => {
  mf = startMiniflare(workerOptions(await bundleFixture("index-worker.ts")));
  await mf.ready;
}, 60_000);
afterAll(() => mf?.dispose());

const get = async (path: string): Promise<Response> => mf.dispatchFetch(`http://flows.test${path}`, { headers: auth });
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
});
