import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCli, flows, repoRoot } from "./support";

// Every verb that takes a flow file also takes a TypeScript module of defined flows; a finding
// or a definition mistake names the TypeScript line that caused it.

beforeAll(buildCli, 60_000);
const state = mkdtempSync(join(tmpdir(), "flows-modules-"));
afterAll(() => rmSync(state, { recursive: true, force: true }));

const example = "examples/order-approval/order-approval.flow.ts";
const lineOf = (file: string, needle: string) =>
  readFileSync(join(repoRoot, file), "utf8")
    .split("\n")
    .findIndex((line) => line.includes(needle)) + 1;

describe("flow modules in the CLI", () => {
  it("validate: a validator finding and a definition mistake, each at its TypeScript line", () => {
    const claims = "test/cli/fixtures/ts/claims.flow.ts";
    const duplicate = "test/cli/fixtures/ts/duplicate.flow.ts";
    const { status, stdout } = flows(["validate", "--format", "json", claims, duplicate]);
    expect(status).toBe(1);
    const report = JSON.parse(stdout) as { files: { file: string; diagnostics: { code: string; line: number }[] }[] };
    expect(report.files.map((f) => [f.file, f.diagnostics.map((d) => [d.code, d.line])])).toEqual([
      [claims, [["DET302", lineOf(claims, 'f.node("save"')]]],
      [duplicate, [["DEF101", lineOf(duplicate, 'f.node("step"') + 1]]],
    ]);
  });

  it("graph: draws a module's flow", () => {
    const { status, stdout } = flows(["graph", example]);
    expect(status).toBe(0);
    expect(stdout).toContain('  n1 -->|"then"| n2');
  });

  it("build --check: the committed .flow.json is what the TypeScript emits", () => {
    const { status, stdout } = flows([
      "build",
      example,
      "--check",
      "--schema",
      "../../flow-ir/schema/flow-ir.schema.json",
    ]);
    expect(stdout).toBe("1 file up to date\n");
    expect(status).toBe(0);
    const drift = flows(["build", example, "--check"]);
    expect(drift.status).toBe(1);
    expect(drift.stderr).toContain("order-approval.flow.json differs from its source");
  });

  it("run and resume: the module carries its implementations, no --nodes", () => {
    const input = `@${join(repoRoot, "examples/order-approval/large-order.json")}`;
    const run = flows(["run", example, "--input", input, "--run-id", "big", "--state", state, "--quiet"]);
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: "halted", checkpoint: "manager_approval" });
    const bad = flows([
      "resume",
      "big",
      "--checkpoint",
      "manager_approval",
      "--input",
      '{"approved":"yes"}',
      "--state",
      state,
      "--quiet",
    ]);
    expect(bad.status).toBe(1);
    expect(bad.stdout + bad.stderr).toContain("HALT422");
  });

  it("run: a node without implementation is IMPL001 at its TypeScript line, before anything runs", () => {
    const file = "test/cli/fixtures/ts/unimplemented.flow.ts";
    const run = flows(["run", file, "--state", state]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      `IMPL001: no implementation for node "work" (${file}:${lineOf(file, 'f.node("work"')}:5)`,
    );
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("convert: refuses to overwrite, and refuses what is not Flow IR", () => {
    const dir = mkdtempSync(join(state, "convert-"));
    const out = join(dir, "x.flow.ts");
    writeFileSync(out, "keep");
    const refused = flows(["convert", "examples/order-approval/order-approval.flow.json", "--out", out]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain("CONVERT409");
    expect(readFileSync(out, "utf8")).toBe("keep");
    const broken = flows(["convert", "test/cli/fixtures/schema-violation.flow.json", "--out", out, "--force"]);
    expect(broken.status).toBe(1);
    expect(broken.stderr).toContain("FLOW002");
    expect(broken.stderr).not.toContain("    at ");
  });
});
