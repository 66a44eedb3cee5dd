import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildCli, flows, flowsBin, type Running, start, startWranglerDev } from "./support";

// A bug in node code is reported at its TypeScript line, in workerd: a `flows init` project whose
// greet node calls a helper in src/lookup.ts that reads `undefined.deep`, served by `flows dev`
// and, published, by `wrangler dev`. The invoke answer, the run's record (`GET /runs/:id`) and the
// console all name src/lookup.ts and hello.flow.ts at the right lines.

const scratch = mkdtempSync(join(tmpdir(), "flows-stacks-"));
const project = join(scratch, "hello");
let running: Running | undefined;

const LOOKUP = `export interface Visitor {
  readonly profile?: { readonly deep: string };
}

/** The bug: not every visitor has a profile. */
export function nicknameOf(visitor: Visitor): string {
  const nickname = (visitor.profile as { deep: string }).deep;
  return nickname;
}
`;
/** 1-based, as stack traces print them: the line of the read in src/lookup.ts, and its column. */
const LOOKUP_LINE = 7;
const LOOKUP_COLUMN = (LOOKUP.split("\n")[LOOKUP_LINE - 1] as string).indexOf(".deep") + 2;
let flowLine = 0;
/** The init template's line the bug's call goes before. */
const GREETING = ["        return { name, greeting: `Hello, $", "{name}!` };"].join("");

beforeAll(() => {
  buildCli();
  const init = flows(["init", "hello"], scratch);
  if (init.status !== 0) throw new Error(init.stderr);
  mkdirSync(join(project, "src"));
  writeFileSync(join(project, "src/lookup.ts"), LOOKUP);
  const flowFile = join(project, "hello.flow.ts");
  const call = '        if (name === "bug") return { name, greeting: nicknameOf({}) };';
  const flow = readFileSync(flowFile, "utf8")
    .replace(
      'import * as v from "valibot";',
      'import * as v from "valibot";\nimport { nicknameOf } from "./src/lookup";',
    )
    .replace(GREETING, `${call}\n${GREETING}`);
  writeFileSync(flowFile, flow);
  flowLine = flow.split("\n").indexOf(call) + 1;
  expect(flowLine).toBeGreaterThan(0);
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

/** The stack names the helper's line and column first, then the node's line in the flow module. */
function expectSourcePositions(stack: string): void {
  const lines = stack.split("\n");
  expect(lines[0]).toBe("TypeError: Cannot read properties of undefined (reading 'deep')");
  expect(lines[1]).toMatch(new RegExp(`^ {4}at \\S+ \\(src/lookup\\.ts:${LOOKUP_LINE}:${LOOKUP_COLUMN}\\)$`));
  expect(lines[2]).toMatch(new RegExp(`^ {4}at \\S+ \\(hello\\.flow\\.ts:${flowLine}:\\d+\\)$`));
}

describe("a node's bug, in workerd", () => {
  it("flows dev answers, records and logs it at the .ts file and line", async () => {
    running = start(process.execPath, [flowsBin, "dev", "--port", "0"], project);
    const output = await running.waitFor(/curl http:\S+\/health\n/);
    const base = (/ready on (http:\/\/127\.0\.0\.1:\d+)/.exec(output) as RegExpExecArray)[1] as string;
    const { stack, record } = await failAndRead(base, "dev-token");
    expectSourcePositions(stack);
    // The run's record holds the same mapped stack (journaled mapped, not mapped on the way out).
    expect(record).toContain(JSON.stringify(stack).slice(1, -1));
    // The console's failure line carries it too.
    await running.waitFor(new RegExp(`"stack":"[^"]*src/lookup\\.ts:${LOOKUP_LINE}:${LOOKUP_COLUMN}`));
  }, 120_000);

  it("the published Worker, served by wrangler dev, does the same from its worker.map.txt", async () => {
    const published = flows(["publish", "workers", "--no-deploy"], project);
    expect(published.status, published.stderr).toBe(0);
    const dist = join(project, "dist");
    const map = JSON.parse(readFileSync(join(dist, "worker.map.txt"), "utf8")) as Record<string, unknown>;
    // Only the project's own sources, named from the project, without their text.
    expect(map).toMatchObject({ version: 3, file: "worker.js", sources: ["hello.flow.ts", "src/lookup.ts"] });
    expect(Object.keys(map).sort()).toEqual(["file", "mappings", "sources", "version"]);
    const bytes = readFileSync(join(dist, "worker.map.txt"));
    console.log(
      `worker.map.txt: ${bytes.length} bytes, ${gzipSync(bytes, { level: 9 }).length} gzipped; worker.js ${gzipSync(readFileSync(join(dist, "worker.js")), { level: 9 }).length} gzipped`,
    );
    const served = await startWranglerDev(dist, { persistTo: join(scratch, "wrangler-state"), token: "stack-token" });
    running = served.running;
    const { stack, record } = await failAndRead(`http://127.0.0.1:${served.port}`, "stack-token");
    expectSourcePositions(stack);
    expect(record).toContain(JSON.stringify(stack).slice(1, -1));
  }, 180_000);
});
