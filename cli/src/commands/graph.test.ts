import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { memoryIo } from "../memory-io";
import { runCli } from "../run";

const fixtures = resolve(import.meta.dirname, "../../../test/cli/fixtures");
const fixture = (name: string) => join(fixtures, name);

async function graph(argv: string[], stdin?: string) {
  const io = memoryIo(stdin === undefined ? {} : { stdin });
  const code = await runCli(["graph", ...argv], io);
  return { code, out: io.out(), err: io.err() };
}

describe("flows graph (in process)", () => {
  it("draws Mermaid by default, with branch labels", async () => {
    const { code, out, err } = await graph([fixture("branching.flow.json")]);
    expect(err).toBe("");
    expect(code).toBe(0);
    expect(out.startsWith("flowchart LR\n")).toBe(true);
    expect(out).toContain('n1 -->|"gold"| n2');
    expect(out).toContain('n1 -->|"silver<br/>default"| n3');
    expect(out).toContain('n2 -->|"then"| n4');
    expect(out).toContain('n2 -->|"else<br/>timeout 2500 ms"| n5');
  });

  it("draws DOT with --format dot", async () => {
    const { code, out } = await graph(["--format", "dot", fixture("branching.flow.json")]);
    expect(code).toBe(0);
    expect(out).toMatch(/^digraph "branching" \{/);
    expect(out).toContain('"route" -> "vip" [label="gold"];');
    expect(out).toContain('"standard" -> "line" [label="for each /lines (≤4 at once)"];');
  });

  it("reads the flow from standard input with -", async () => {
    const { code, out } = await graph(["-"], readFileSync(fixture("clean.flow.json"), "utf8"));
    expect(code).toBe(0);
    expect(out).toContain("n0 --> n1");
  });

  it("prints the diagnostics of an invalid flow and exits 1 without drawing", async () => {
    const file = fixture("cycle.flow.json");
    const { code, out, err } = await graph([file]);
    expect(code).toBe(1);
    expect(out).toBe("");
    expect(err).toContain(`${file}:70:5  DAG200  cycle a -> b -> a`);
    expect(err).toContain("nothing drawn");
  });

  it("reports a syntax error with its position", async () => {
    const { code, err } = await graph([fixture("bad-json.flow.txt")]);
    expect(code).toBe(1);
    expect(err).toMatch(/bad-json\.flow\.txt:4:3 {2}FLOW001/);
  });

  it("exits 2 on usage and read errors", async () => {
    const cases: [string[], string][] = [
      [[], "name the flow file"],
      [[fixture("clean.flow.json"), fixture("cycle.flow.json")], "one flow at a time"],
      [["--format", "svg", fixture("clean.flow.json")], 'unknown --format "svg"'],
      [["--bogus", fixture("clean.flow.json")], "Unknown option '--bogus'"],
      [[fixture("missing.flow.json")], "READ404: cannot read"],
    ];
    for (const [argv, message] of cases) {
      const { code, err } = await graph(argv);
      expect(code, argv.join(" ")).toBe(2);
      expect(err).toContain(message);
    }
  });
});
