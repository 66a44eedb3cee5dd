import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildCli, fixturesDir, flows, positionOf, referenceDir, repoRoot } from "./support";

// `flows validate` through the built binary: exit codes, the exact JSON shape, annotations and
// positions, on the reference documents, the example project and small fixtures.

beforeAll(buildCli, 60_000);

const rel = (path: string) => relative(repoRoot, path);
const fixture = (name: string) => rel(join(fixturesDir, name));

interface JsonReport {
  files: {
    file: string;
    ok: boolean;
    diagnostics: {
      code: string;
      severity: string;
      message: string;
      path: string;
      node: string | null;
      line: number;
      column: number;
    }[];
  }[];
  summary: { files: number; errors: number; warnings: number };
}

describe.skipIf(!existsSync(referenceDir))("reference documents", () => {
  const etl = rel(join(referenceDir, "etl_logs.flow_ir.json"));
  const s2 = rel(join(referenceDir, "s2_site.flow_ir.json"));
  const etlText = existsSync(etl) ? readFileSync(join(repoRoot, etl), "utf8") : "";
  // The hint that makes `parse` fail: /nodes/1/effectHints/0.
  const hint = () => positionOf(etlText, '"resource::blob::read"', '"alias": "parse"');
  // What the effect hints imply about determinism (warnings; Lattice reads determinismHints only).
  const consume = () => positionOf(etlText, '"resource::queue::consume"', '"alias": "trigger"');

  it("reports exactly Lattice's error (EFFECT201 on node parse) in etl_logs, with the hint's position, and DET303 warnings", () => {
    const { status, stdout, stderr } = flows(["validate", "--format", "json", etl]);
    expect(stderr).toBe("");
    expect(status).toBe(1);
    const report = JSON.parse(stdout) as JsonReport;
    const { line, column } = hint();
    const trigger = consume();
    expect(report.files).toHaveLength(1);
    expect(report.files[0]?.ok).toBe(false);
    expect(report.files[0]?.diagnostics.map((d) => [d.code, d.severity, d.node, d.path, d.line, d.column])).toEqual([
      ["DET303", "warning", "trigger", "/nodes/0/effectHints/0", trigger.line, trigger.column],
      ["EFFECT201", "error", "parse", "/nodes/1/effectHints/0", line, column],
      ["DET303", "warning", "parse", "/nodes/1/effectHints/0", line, column],
    ]);
    expect(report.summary).toEqual({ files: 1, errors: 1, warnings: 2 });
  });

  it("prints the exact JSON shape for the whole reference folder", () => {
    const { status, stdout } = flows(["validate", "--format", "json", rel(referenceDir)]);
    expect(status).toBe(1);
    const report = JSON.parse(stdout) as JsonReport;
    expect(Object.keys(report)).toEqual(["files", "summary"]);
    expect(Object.keys(report.summary)).toEqual(["files", "errors", "warnings"]);
    expect(report.files.map((f) => [f.file, f.ok])).toEqual([
      [etl, false],
      [s2, true],
    ]);
    for (const file of report.files) {
      expect(Object.keys(file)).toEqual(["file", "ok", "diagnostics"]);
      for (const d of file.diagnostics) {
        expect(Object.keys(d)).toEqual(["code", "severity", "message", "path", "node", "line", "column"]);
      }
    }
    expect(report.files[1]?.diagnostics).toEqual([]);
    expect(report.summary).toEqual({ files: 2, errors: 1, warnings: 2 });
  });

  it("prints file:line:col  CODE  message lines and a summary in text", () => {
    const { status, stdout } = flows(["validate", etl, s2]);
    expect(status).toBe(1);
    const { line, column } = hint();
    const trigger = consume();
    const file = etl.replaceAll(".", "\\.");
    const lines = stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(new RegExp(`^${file}:${trigger.line}:${trigger.column}  DET303  node "trigger" `));
    expect(lines[1]).toMatch(new RegExp(`^${file}:${line}:${column}  EFFECT201  node "parse" `));
    expect(lines[2]).toMatch(new RegExp(`^${file}:${line}:${column}  DET303  node "parse" `));
    expect(lines[3]).toBe("1 error, 2 warnings in 2 files");
    expect(stdout).not.toContain("\u001b[");
  });

  it("prints GitHub annotations", () => {
    const { status, stdout } = flows(["validate", "--format", "github", etl, s2]);
    expect(status).toBe(1);
    const { line, column } = hint();
    const lines = stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^::warning file=.*::DET303 node "trigger" /);
    expect(lines[1]).toMatch(new RegExp(`^::error file=${etl},line=${line},col=${column}::EFFECT201 node "parse" `));
    expect(lines[2]).toMatch(new RegExp(`^::warning file=${etl},line=${line},col=${column}::DET303 node "parse" `));
  });

  it("passes s2_site with exit 0", () => {
    expect(flows(["validate", s2])).toEqual({ status: 0, stdout: "1 file valid\n", stderr: "" });
  });
});

describe("example project", () => {
  it("validates order-approval clean against its manifest", () => {
    const { status, stdout, stderr } = flows([
      "validate",
      "--manifest",
      "examples/order-approval/flows.config.json",
      "--format",
      "json",
      "examples/order-approval/order-approval.flow.json",
    ]);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      files: [{ file: "examples/order-approval/order-approval.flow.json", ok: true, diagnostics: [] }],
      summary: { files: 1, errors: 0, warnings: 0 },
    });
  });

  it("finds the example flow, its TypeScript module and the Flow IR built from it, in the examples folder", () => {
    const { status, stdout } = flows([
      "validate",
      "examples",
      "--manifest",
      "examples/order-approval/flows.config.json",
    ]);
    expect(status).toBe(0);
    expect(stdout).toBe("2 files valid\n");
  });
});

describe("fixtures", () => {
  it("reports bad JSON as FLOW001 at the line and column of the syntax error", () => {
    const { status, stdout } = flows(["validate", "--format", "json", fixture("bad-json.flow.txt")]);
    expect(status).toBe(1);
    const [d] = (JSON.parse(stdout) as JsonReport).files[0]?.diagnostics ?? [];
    expect(d).toMatchObject({ code: "FLOW001", severity: "error", path: "", node: null, line: 4, column: 3 });
  });

  it("reports a schema violation as FLOW002 at the offending field", () => {
    const file = fixture("schema-violation.flow.json");
    const { status, stdout } = flows(["validate", "--format", "json", file]);
    expect(status).toBe(1);
    const expected = positionOf(readFileSync(join(repoRoot, file), "utf8"), '"effects": "sometimes"');
    const [d] = (JSON.parse(stdout) as JsonReport).files[0]?.diagnostics ?? [];
    expect(d).toMatchObject({ code: "FLOW002", path: "/nodes/1/effects", ...expected });
  });

  it("reports a cycle as DAG200 naming its nodes", () => {
    const { status, stdout } = flows(["validate", "--format", "github", fixture("cycle.flow.json")]);
    expect(status).toBe(1);
    expect(stdout).toMatch(
      /^::error file=test\/cli\/fixtures\/cycle\.flow\.json,line=\d+,col=\d+::DAG200 cycle a -> b -> a/,
    );
  });

  it("checks many files and folders in one run", () => {
    const { status, stdout } = flows([
      "validate",
      "--format=json",
      fixture("clean.flow.json"),
      fixture("tree"),
      fixture("branching.flow.json"),
    ]);
    expect(status).toBe(1);
    const report = JSON.parse(stdout) as JsonReport;
    expect(report.files.map((f) => [f.file, f.ok])).toEqual([
      [fixture("clean.flow.json"), true],
      [fixture("tree/nested/two.flow_ir.json"), false],
      [fixture("tree/one.flow.json"), true],
      [fixture("branching.flow.json"), true],
    ]);
    expect(report.summary).toEqual({ files: 4, errors: 1, warnings: 0 });
  });

  it("reads standard input with -", () => {
    const text = readFileSync(join(fixturesDir, "cycle.flow.json"), "utf8");
    const { status, stdout } = flows(["validate", "-"], { stdin: text });
    expect(status).toBe(1);
    expect(stdout).toMatch(/^<stdin>:\d+:\d+ {2}DAG200 /);
  });

  it("enables DAG203 with --manifest", () => {
    const flow = fixture("uses-kv.flow.json");
    expect(flows(["validate", flow]).status).toBe(0);
    const unbound = flows(["validate", "--manifest", fixture("empty-manifest.json"), flow]);
    expect(unbound.status).toBe(1);
    expect(unbound.stdout).toContain("DAG203");
  });
});

describe("exit code 2", () => {
  const cases: [string, string[], string][] = [
    ["no inputs", ["validate"], "name the flow files"],
    ["an unknown flag", ["validate", "--fast", "x.flow.json"], "Unknown option '--fast'"],
    ["an unknown format", ["validate", "--format", "sarif", "x.flow.json"], 'unknown --format "sarif"'],
    ["a missing file", ["validate", "test/cli/fixtures/absent.flow.json"], "no such file or directory"],
    ["an unreadable manifest", ["validate", "--manifest", "absent.json", "x.flow.json"], "MANIFEST404"],
    [
      "a malformed manifest",
      ["validate", "--manifest", "test/cli/fixtures/bad-manifest.json", "test/cli/fixtures/clean.flow.json"],
      "MANIFEST002: manifest test/cli/fixtures/bad-manifest.json is malformed",
    ],
  ];
  for (const [what, args, message] of cases) {
    it(`for ${what}`, () => {
      const { status, stderr } = flows(args);
      expect(status).toBe(2);
      expect(stderr).toContain(message);
      expect(stderr).not.toMatch(/\n\s+at /);
    });
  }
});
