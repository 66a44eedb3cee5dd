import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildFlow } from "../support/flow-builder";

// `flows run` gives nodes the capabilities the manifest binds, through OpenDAL under the state
// directory, and refuses a flow whose capability has no provider before anything runs.

const root = resolve(import.meta.dirname, "../..");
const scratch = mkdtempSync(join(tmpdir(), "flows-run-caps-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function flows(...args: string[]) {
  const result = spawnSync(process.execPath, [join(root, "cli/bin/flows.mjs"), ...args], { encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  const flow = buildFlow("counter", {
    nodes: {
      start: {},
      count: {
        effects: "effectful",
        key: "name",
        effectHints: ["resource::kv::read", "resource::kv::write"],
        determinism: "best_effort",
      },
    },
    edges: [["start", "count"]],
  });
  writeFileSync(join(scratch, "counter.flow.json"), JSON.stringify(flow));
  writeFileSync(
    join(scratch, "nodes.mjs"),
    `export default {
  "counter::start": (input) => input,
  "counter::count": async (input, ctx) => {
    const seen = Number((await ctx.caps.kv.get(input.name)) ?? "0") + 1;
    await ctx.caps.kv.put(input.name, String(seen));
    return { name: input.name, seen };
  },
};
`,
  );
  writeFileSync(
    join(scratch, "flows.config.json"),
    JSON.stringify({ capabilities: { kv: { provider: "opendal.fs" } } }),
  );
  writeFileSync(join(scratch, "empty.config.json"), JSON.stringify({ capabilities: {} }));
}, 60_000);

describe("capabilities in local runs", () => {
  it("binds kv from the manifest beside the flow, persisted under <state>/caps/kv", () => {
    const state = join(scratch, "state");
    const args = ["run", join(scratch, "counter.flow.json"), "--nodes", join(scratch, "nodes.mjs"), "--state", state];
    const first = flows(...args, "--input", '{"name":"ada"}');
    expect(first.status, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({ name: "ada", seen: 1 });
    const second = flows(...args, "--input", '{"name":"ada"}');
    expect(JSON.parse(second.stdout)).toEqual({ name: "ada", seen: 2 });
    expect(existsSync(join(state, "caps", "kv"))).toBe(true);
  });

  it("refuses a flow whose capability the manifest does not bind (CAP101), before running anything", () => {
    const state = join(scratch, "refused");
    const refused = flows(
      "run",
      join(scratch, "counter.flow.json"),
      "--nodes",
      join(scratch, "nodes.mjs"),
      "--state",
      state,
      "--manifest",
      join(scratch, "empty.config.json"),
      "--input",
      '{"name":"ada"}',
    );
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain("CAP101");
    expect(existsSync(join(state, "runs"))).toBe(false);
  });

  it("checks the manifest against its schema first: MANIFEST001/002 at file:line:col, exit 2, nothing run", () => {
    const cases = [
      ["not-json.config.json", '{\n  "capabilities": {\n', /not-json\.config\.json:3:1 {2}MANIFEST001 /, "MANIFEST001"],
      [
        "schema.config.json",
        '{\n  "capabilities": {\n    "kv": { "provider": 7 }\n  }\n}\n',
        /schema\.config\.json:3:13 {2}MANIFEST002 {2}\/capabilities\/kv\/provider: provider must be a string/,
        "MANIFEST002",
      ],
    ] as const;
    for (const [name, text, line, code] of cases) {
      writeFileSync(join(scratch, name), text);
      const state = join(scratch, `state-${name}`);
      const args = ["--state", state, "--manifest", join(scratch, name), "--input", '{"name":"ada"}'];
      const result = flows("run", join(scratch, "counter.flow.json"), "--nodes", join(scratch, "nodes.mjs"), ...args);
      expect(result.status, result.stderr).toBe(2);
      expect(result.stderr).toContain(`flows run: ${code}: manifest `);
      expect(result.stderr).toMatch(line);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(join(state, "runs"))).toBe(false);
    }
  });
});
