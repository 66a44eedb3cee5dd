import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { camelCaseKeys } from "../support/camel-keys";

// `flows run`, `resume`, `runs` and `inspect` through the built binary, on real disk state.

const root = resolve(import.meta.dirname, "../..");
const example = join(root, "examples/order-approval");
const flowFile = join(example, "order-approval.flow.json");
const nodes = join(example, "nodes.ts");
const scratch = mkdtempSync(join(tmpdir(), "flows-run-"));
const state = join(scratch, "state");

function flows(...args: string[]) {
  const result = spawnSync(process.execPath, [join(root, "cli/bin/flows.mjs"), ...args], {
    encoding: "utf8",
    env: { ...process.env, FLOWS_PROGRESS: "" },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const ndjson = (text: string) =>
  text
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);

beforeAll(() => {
  const build = spawnSync(process.execPath, [join(root, "cli/build.mjs")], { encoding: "utf8" });
  expect(build.status, build.stderr).toBe(0);
}, 60_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("flows run / resume / runs / inspect", () => {
  it("still runs a flow written with the earlier error_handler shape, warning with CTRL134", () => {
    const document = JSON.parse(readFileSync(flowFile, "utf8")) as {
      control_surfaces: { id: string; config: Record<string, unknown> }[];
    };
    const retry = document.control_surfaces.find((surface) => surface.id === "charge_retry");
    if (retry === undefined) throw new Error("the example has no charge_retry surface");
    const { v: _v, scope: _scope, ...earlier } = retry.config;
    retry.config = earlier;
    const legacy = join(scratch, "legacy.flow.json");
    writeFileSync(legacy, JSON.stringify(document));
    const manifest = join(example, "flows.config.json");
    const args = [
      "--nodes",
      nodes,
      "--manifest",
      manifest,
      "--input",
      `@${join(example, "small-order.json")}`,
      "--state",
      join(scratch, "legacy-state"),
    ];
    const result = flows("run", legacy, ...args, "--run-id", "legacy");
    expect(result.status, result.stderr).toBe(0);
    // The payment call fails once and is retried: the handler read from its targets works.
    expect(ndjson(result.stdout).map((line) => line.line)).toEqual(["order", "item", "item", "charged", "shipped"]);
    expect(result.stderr).toContain(
      'CTRL134 control surface "charge_retry" (error_handler) uses this project\'s earlier keys',
    );
    expect(result.stderr).toContain('"scope": { "nodes"');
    // CI judges it as Lattice does: an error.
    expect(flows("validate", legacy).status).toBe(1);
  });

  it("runs the small order to completion and prints the streamed receipt as NDJSON", () => {
    const result = flows(
      "run",
      flowFile,
      "--nodes",
      nodes,
      "--input",
      `@${join(example, "small-order.json")}`,
      "--run-id",
      "small",
      "--state",
      state,
    );
    expect(result.status, result.stderr).toBe(0);
    expect(ndjson(result.stdout).map((line) => line.line)).toEqual(["order", "item", "item", "charged", "shipped"]);
    expect(result.stderr).toContain("run small completed");
  });

  it("halts the large order, refuses a forged token, resumes with the real one", () => {
    const halted = flows(
      "run",
      flowFile,
      "--nodes",
      nodes,
      "--input",
      `@${join(example, "large-order.json")}`,
      "--run-id",
      "large",
      "--state",
      state,
    );
    expect(halted.status, halted.stderr).toBe(0);
    const record = JSON.parse(halted.stdout) as { status: string; checkpoint: string; token: string; details: unknown };
    expect(camelCaseKeys(record)).toEqual([]);
    expect(record).toMatchObject({
      status: "halted",
      checkpoint: "manager_approval",
      details: { order_id: "B-2002", total: 1899 },
    });

    const forged = flows(
      "resume",
      "large",
      "--checkpoint",
      "manager_approval",
      "--token",
      "forged",
      "--input",
      "{}",
      "--state",
      state,
    );
    expect(forged.status).toBe(1);
    expect(forged.stderr).toContain("HALT403");

    const wrongCheckpoint = flows("resume", "large", "--checkpoint", "ceo", "--state", state);
    expect(wrongCheckpoint.status).toBe(1);
    expect(wrongCheckpoint.stderr).toContain("HALT404");

    const resumed = flows(
      "resume",
      "large",
      "--checkpoint",
      "manager_approval",
      "--token",
      record.token,
      "--input",
      '{"approved":true,"by":"lin"}',
      "--state",
      state,
    );
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(ndjson(resumed.stdout).at(-1)).toEqual({ line: "shipped", carrier: "courier", tracking: "EX-B-2002" });

    const again = flows(
      "resume",
      "large",
      "--checkpoint",
      "manager_approval",
      "--token",
      record.token,
      "--state",
      state,
    );
    expect(again.status).toBe(1);
    expect(again.stderr).toContain("RUN409");
  });

  it("lists runs and inspects a run's history", () => {
    const runs = flows("runs", "--state", state, "--format", "json");
    expect(runs.status).toBe(0);
    const listed = JSON.parse(runs.stdout) as { run_id: string; status: string }[];
    expect(camelCaseKeys(listed)).toEqual([]);
    expect(listed.map((run) => [run.run_id, run.status]).sort()).toEqual([
      ["large", "completed"],
      ["small", "completed"],
    ]);
    const text = flows("inspect", "small", "--state", state);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/charge\s+completed\s+2\s+\d+ ms/);
    expect(text.stdout).toMatch(/approval\s+skipped/);
    expect(text.stdout).toMatch(/retrying charge attempt 1 failed/);
    const json = JSON.parse(flows("inspect", "small", "--state", state, "--format", "json").stdout) as {
      nodes: { alias: string; status: string; attempts: number; input: unknown; output: unknown }[];
      events: { type: string; node: string }[];
      graph: { nodes: unknown[] };
    };
    expect(camelCaseKeys(json)).toEqual([]);
    const charge = json.nodes.find((record) => record.alias === "charge");
    expect(charge).toMatchObject({ status: "completed", attempts: 2 });
    // Inputs are rebuilt from the journal and the flow the run recorded.
    expect(charge?.input).not.toBeNull();
    expect(charge?.output).not.toBeNull();
    expect(json.graph.nodes.length).toBe(json.nodes.length);
    expect(json.events).toContainEqual(expect.objectContaining({ type: "retrying", node: "charge" }));
    expect(flows("inspect", "nope", "--state", state).status).toBe(1);
  });

  it("re-running a finished run id replays its result without executing anything", () => {
    const again = flows("run", flowFile, "--nodes", nodes, "--run-id", "small", "--state", state);
    expect(again.status).toBe(0);
    expect(ndjson(again.stdout).map((line) => line.line)).toEqual(["order", "item", "item", "charged", "shipped"]);
  });

  it("answers bad input with a code and exit 2, never a stack trace", () => {
    const cases: [string[], string][] = [
      [["run", flowFile], "--nodes <module> is required"],
      [["run", flowFile, "--nodes", nodes, "--input", "{oops"], "--input is not valid JSON"],
      [["run", join(scratch, "missing.json"), "--nodes", nodes], "cannot read flow file"],
      [["run", flowFile, "--nodes", nodes, "--bogus"], "Unknown option '--bogus'"],
      [["run", flowFile, "--nodes", nodes, "--timeout=0"], "--timeout must be a positive"],
    ];
    for (const [args, message] of cases) {
      const result = flows(...args, "--state", state);
      expect(result.status, args.join(" ")).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    const invalid = join(scratch, "invalid.flow.json");
    writeFileSync(invalid, JSON.stringify({ id: "x", name: "x", version: "1", profile: "dev", nodes: [{ alias: 1 }] }));
    const refused = flows("run", invalid, "--nodes", nodes, "--state", state);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain("FLOW002");
    const partialNodes = join(scratch, "partial.mjs");
    writeFileSync(partialNodes, 'export default { "orders::order": (x) => x };\n');
    const missing = flows("run", flowFile, "--nodes", partialNodes, "--state", state);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("IMPL001");
    // Node 20's recursive mkdir never returns under /proc; the run must answer at once.
    const unreachable = flows("run", flowFile, "--nodes", nodes, "--state", "/proc/flows-state-test");
    expect(unreachable.status).toBe(2);
    expect(unreachable.stderr).toContain("STATE400: cannot create state directory /proc/flows-state-test");
    const throwing = join(scratch, "throwing.mjs");
    writeFileSync(throwing, 'throw new Error("boom at load");\nexport default {};\n');
    const failed = flows("run", flowFile, "--nodes", throwing, "--state", state);
    expect(failed.status).toBe(2);
    expect(failed.stderr).toContain(`NODES003: node module ${throwing} failed while loading: boom at load`);
    expect(failed.stderr).not.toMatch(/\n\s+at /);
  });
});
