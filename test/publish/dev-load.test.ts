import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keepAliveLoad, quantile } from "../support/keepalive-load";
import { buildCli, flows, flowsBin, type Running, start } from "./support";

// `flows dev` under load, on loopback: 1,000 invocations from 50 clients on kept-alive
// connections. Every request gets an answer and every answer is a run in storage. (The dev
// process once watched its own state folder, which gains a SQLite file per run: the watcher kept
// the process hosting workerd so busy that requests stalled for seconds and about one in five
// kept-alive connections was reset.)

const scratch = mkdtempSync(join(tmpdir(), "flows-dev-load-"));
const project = join(scratch, "hello");
let dev: Running | undefined;

beforeAll(() => {
  buildCli();
  const init = flows(["init", "hello"], scratch);
  if (init.status !== 0) throw new Error(init.stderr);
}, 60_000);
afterAll(async () => {
  await dev?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

/** Run objects persisted by workerd: one SQLite file per run. */
function storedRuns(): number {
  const folder = join(project, ".flows", "dev", "state", "do", "-FlowRunObject");
  try {
    return readdirSync(folder).filter((file) => file.endsWith(".sqlite")).length;
  } catch {
    return 0;
  }
}

describe("flows dev under load", () => {
  it("answers 1,000 invocations from 50 kept-alive clients with no connection error, each a stored run", async () => {
    dev = start(process.execPath, [flowsBin, "dev", "--port", "0"], project);
    const output = await dev.waitFor(/curl http:\S+\/health\n/);
    const url = (/ready on (http:\/\/127\.0\.0\.1:\d+)/.exec(output) as RegExpExecArray)[1] as string;
    const before = storedRuns();
    const result = await keepAliveLoad({
      url: `${url}/flows/hello/invoke`,
      total: 1_000,
      concurrency: 50,
      headers: { authorization: "Bearer dev-token", "content-type": "application/json" },
      body: (index) => JSON.stringify({ name: `visitor-${index % 37}` }),
    });
    console.log(
      `flows dev, 1,000 invocations at 50 keep-alive clients: ${JSON.stringify(result.statuses)} errors ${JSON.stringify(result.errors)}; p50 ${quantile(result.latencies, 0.5).toFixed(0)} ms, p99 ${quantile(result.latencies, 0.99).toFixed(0)} ms, ${(result.wallMs / 1000).toFixed(1)} s`,
    );
    expect(result.errors).toEqual({});
    expect(result.statuses).toEqual({ 200: 1_000 });
    // Every answer is a run in the run index, and a run object on disk; the index's own objects
    // (a directory and up to 8 shards for each hour the runs started in) are files there too.
    const listed = async () => {
      let count = 0;
      let cursor: string | null = null;
      do {
        const answer = await fetch(`${url}/runs?flow=hello&limit=200${cursor === null ? "" : `&cursor=${cursor}`}`, {
          headers: { authorization: "Bearer dev-token" },
        });
        const page = (await answer.json()) as { runs: unknown[]; next_cursor: string | null };
        count += page.runs.length;
        cursor = page.next_cursor;
      } while (cursor !== null);
      return count;
    };
    const started = Date.now();
    while ((await listed()) < 1_000 && Date.now() - started < 60_000) await new Promise((r) => setTimeout(r, 200));
    expect(await listed()).toBe(1_000);
    const stored = storedRuns() - before;
    expect(stored).toBeGreaterThanOrEqual(1_000);
    expect(stored).toBeLessThanOrEqual(1_000 + 1 + 2 * 8);
  }, 240_000);
});
