import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { memoryIo } from "../memory-io";
import { runCli } from "../run";

const fixtures = resolve(import.meta.dirname, "../../../test/cli/fixtures");
const fixture = (name: string) => join(fixtures, name);
const empty = mkdtempSync(join(tmpdir(), "flows-validate-"));
const scratch = [empty];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

async function validate(argv: string[], options: Parameters<typeof memoryIo>[0] = {}) {
  const io = memoryIo(options);
  const code = await runCli(["validate", ...argv], io);
  return { code, out: io.out(), err: io.err() };
}

interface JsonReport {
  files: { file: string; ok: boolean; diagnostics: { code: string; line: number; column: number; node: unknown }[] }[];
  summary: { files: number; errors: number; warnings: number };
}

describe("flows validate (in process)", () => {
  it("passes a clean flow with exit 0 and a summary line", async () => {
    expect(await validate([fixture("clean.flow.json")])).toEqual({ code: 0, out: "1 file valid\n", err: "" });
  });

  it("reports a syntax error as FLOW001 at the line and column of the mistake", async () => {
    const file = fixture("bad-json.flow.txt");
    const { code, out } = await validate([file]);
    expect(code).toBe(1);
    expect(out.split("\n")[0]).toMatch(new RegExp(`^${file.replaceAll(".", "\\.")}:4:3  FLOW001  not valid JSON`));
  });

  it("maps a schema violation's pointer to the offending value", async () => {
    const { code, out } = await validate([fixture("schema-violation.flow.json"), "--format", "json"]);
    expect(code).toBe(1);
    const report = JSON.parse(out) as JsonReport;
    expect(report.files[0]?.diagnostics).toMatchObject([{ code: "FLOW002", line: 37, column: 7 }]);
  });

  it("reads a flow from standard input as <stdin>", async () => {
    const { code, out } = await validate(["-", "--format=json"], { stdin: "{" });
    expect(code).toBe(1);
    expect((JSON.parse(out) as JsonReport).files[0]).toMatchObject({ file: "<stdin>", ok: false });
  });

  it("walks directories for *.flow.json and *.flow_ir.json, skipping other JSON, node_modules and hidden folders", async () => {
    const { code, out } = await validate([fixture("tree"), "--format", "json"]);
    expect(code).toBe(1);
    const report = JSON.parse(out) as JsonReport;
    expect(report.files.map((f) => f.file)).toEqual([
      join(fixture("tree"), "nested/two.flow_ir.json"),
      join(fixture("tree"), "one.flow.json"),
    ]);
    expect(report.summary).toEqual({ files: 2, errors: 1, warnings: 0 });
  });

  it("skips node_modules when walking a directory", async () => {
    const root = mkdtempSync(join(tmpdir(), "flows-project-"));
    scratch.push(root);
    mkdirSync(join(root, "node_modules/dep"), { recursive: true });
    writeFileSync(join(root, "node_modules/dep/dep.flow.json"), "not json");
    copyFileSync(fixture("clean.flow.json"), join(root, "main.flow.json"));
    expect(await validate([root])).toEqual({ code: 0, out: "1 file valid\n", err: "" });
  });

  it("checks each file once even when named twice", async () => {
    const file = fixture("clean.flow.json");
    expect((await validate([file, file])).out).toBe("1 file valid\n");
  });

  it("checks bindings only with --manifest (DAG203)", async () => {
    const flow = fixture("uses-kv.flow.json");
    expect((await validate([flow])).code).toBe(0);
    expect((await validate([flow, "--manifest", fixture("kv-manifest.json")])).code).toBe(0);
    const unbound = await validate([flow, "--manifest", fixture("empty-manifest.json")]);
    expect(unbound.code).toBe(1);
    expect(unbound.out).toMatch(/uses-kv\.flow\.json:\d+:\d+ {2}DAG203 {2}node "save" uses capability "kv"/);
  });

  it("treats a malformed, broken or missing manifest as a usage error (exit 2), without a stack", async () => {
    const flow = fixture("clean.flow.json");
    for (const [manifest, message] of [
      ["bad-manifest.json", "MANIFEST002: manifest"],
      ["broken-manifest.txt", "is not valid JSON at line 2"],
      ["missing.json", "MANIFEST404: cannot read manifest"],
    ] as const) {
      const { code, out, err } = await validate([flow, "--manifest", fixture(manifest)]);
      expect(code).toBe(2);
      expect(out).toBe("");
      expect(err).toContain(message);
      expect(err).not.toMatch(/\n\s+at /);
    }
  });

  it("exits 2 on usage and read errors", async () => {
    const cases: [string[], string][] = [
      [[], "name the flow files"],
      [[fixture("clean.flow.json"), "--strict"], "Unknown option '--strict'"],
      [[fixture("clean.flow.json"), "--format", "xml"], 'unknown --format "xml"'],
      [[fixture("nope.flow.json")], "cannot read"],
      [[empty], "holds no .flow.json, .flow_ir.json, .flow.ts or .flow.js files"],
    ];
    for (const [argv, message] of cases) {
      const { code, err } = await validate(argv);
      expect(code, argv.join(" ")).toBe(2);
      expect(err).toContain(message);
    }
  });

  it("still reports the readable files when another is missing, and exits 2", async () => {
    const { code, out, err } = await validate([fixture("cycle.flow.json"), fixture("nope.flow.json")]);
    expect(code).toBe(2);
    expect(out).toContain("DAG200");
    expect(err).toContain("nope.flow.json: no such file or directory");
  });

  it("reports standard input that cannot be read as a read error", async () => {
    const { code, err } = await validate(["-"]);
    expect(code).toBe(2);
    expect(err).toContain("cannot read standard input");
  });

  it("colours text only on a terminal without NO_COLOR", async () => {
    const file = fixture("cycle.flow.json");
    expect((await validate([file], { tty: true })).out).toContain("\u001b[31mDAG200");
    expect((await validate([file], { tty: true, env: { NO_COLOR: "1" } })).out).not.toContain("\u001b[");
    expect((await validate([file], { tty: false })).out).not.toContain("\u001b[");
    expect((await validate([file, "--format", "json"], { tty: true })).out).not.toContain("\u001b[");
  });

  it("prints GitHub annotations", async () => {
    const file = fixture("cycle.flow.json");
    const { code, out } = await validate(["--format", "github", file]);
    expect(code).toBe(1);
    expect(out.trimEnd().split("\n")).toHaveLength(1);
    expect(out.startsWith(`::error file=${file},line=70,col=5::DAG200 cycle a -> b -> a`)).toBe(true);
  });
});
