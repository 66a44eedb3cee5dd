import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type BuggyProject, buggyProject, expectSourcePositions } from "./buggy-project";
import { buildCli, flows, flowsBin, type Running, start, startWranglerDev } from "./support";

// A bug in node code is reported at its TypeScript line, locally and in workerd: a `flows init` project whose
// greet node calls a helper in src/lookup.ts that reads `undefined.deep`, served by `flows dev`
// and, published, by `wrangler dev`. The invoke answer, the run's record (`GET /runs/:id`) and the
// console all name src/lookup.ts and hello.flow.ts at the right lines.

const scratch = mkdtempSync(join(tmpdir(), "flows-stacks-"));
let running: Running | undefined;

let bug: BuggyProject;

beforeAll(() => {
  buildCli();
  bug = buggyProject(scratch);
}, 60_000);
afterEach(async () => {
  await running?.stop();
  running = undefined;
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Failure {
  readonly code: string;
  readonly details: { readonly node: string; readonly run_id: string; readonly stack: string };
}

/** Invokes the flow with the name that hits the bug; checks the answer; returns the run's record as text. */
async function failAndRead(base: string, token: string): Promise<{ stack: string; record: string }> {
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const answer = await fetch(`${base}/flows/hello/invoke`, { method: "POST", headers, body: '{"name":"bug"}' });
  expect(answer.status).toBe(500);
  const failure = (await answer.json()) as Failure;
  expect(failure).toMatchObject({ code: "NODE500", details: { node: "greet" } });
  const record = await fetch(`${base}/runs/${failure.details.run_id}`, { headers });
  expect(record.status).toBe(200);
  return { stack: failure.details.stack, record: await record.text() };
}

describe("a node's bug", () => {
  it("flows run prints it and journals it at the .ts file and line, relative to the project", () => {
    const result = flows(["run", "hello.flow.ts", "--input", '{"name":"bug"}'], bug.dir);
    expect(result.status).toBe(1);
    const [summary, ...frames] = result.stderr.trim().split("\n");
    const runId = (/^run (\S+) failed: NODE500 in node greet: /.exec(summary ?? "") as RegExpExecArray)[1] as string;
    expectSourcePositions(
      ["TypeError: Cannot read properties of undefined (reading 'deep')", ...frames].join("\n"),
      bug,
    );
    const journal = readFileSync(join(bug.dir, ".flows/runs", `${runId}.ndjson`), "utf8");
    const failed = journal
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { type: string; error?: { details: { stack: string } } })
      .find((entry) => entry.type === "failed");
    expectSourcePositions(failed?.error?.details.stack ?? "", bug);
  });

  it("flows dev answers, records and logs it at the .ts file and line", async () => {
    running = start(process.execPath, [flowsBin, "dev", "--port", "0"], bug.dir);
    const output = await running.waitFor(/curl http:\S+\/health\n/);
    const base = (/ready on (http:\/\/127\.0\.0\.1:\d+)/.exec(output) as RegExpExecArray)[1] as string;
    const { stack, record } = await failAndRead(base, "dev-token");
    expectSourcePositions(stack, bug);
    // The run's record holds the same mapped stack (journaled mapped, not mapped on the way out).
    expect(record).toContain(JSON.stringify(stack).slice(1, -1));
    // The console's failure line carries it too.
    await running.waitFor(new RegExp(`"stack":"[^"]*src/lookup\\.ts:${bug.lookupLine}:${bug.lookupColumn}`));
  }, 120_000);

  it("the published Worker, served by wrangler dev, does the same from its worker.map.txt", async () => {
    const published = flows(["publish", "workers", "--no-deploy"], bug.dir);
    expect(published.status, published.stderr).toBe(0);
    const dist = join(bug.dir, "dist");
    const map = JSON.parse(readFileSync(join(dist, "worker.map.txt"), "utf8")) as Record<string, unknown>;
    // Only the project's own sources, named from the project, without their text.
    expect(map).toMatchObject({ version: 3, file: "worker.js", sources: ["hello.flow.ts", "src/lookup.ts"] });
    expect(Object.keys(map).sort()).toEqual(["file", "mappings", "names", "sources", "version"]);
    const bytes = readFileSync(join(dist, "worker.map.txt"));
    console.log(
      `worker.map.txt: ${bytes.length} bytes, ${gzipSync(bytes, { level: 9 }).length} gzipped; worker.js ${gzipSync(readFileSync(join(dist, "worker.js")), { level: 9 }).length} gzipped`,
    );
    const served = await startWranglerDev(dist, { persistTo: join(scratch, "wrangler-state"), token: "stack-token" });
    running = served.running;
    const { stack, record } = await failAndRead(`http://127.0.0.1:${served.port}`, "stack-token");
    expectSourcePositions(stack, bug);
    expect(record).toContain(JSON.stringify(stack).slice(1, -1));
  }, 180_000);
});
