import { beforeAll, describe, expect, it } from "vitest";
import { buildCli, flows } from "./support";

// `flows graph` through the built binary, on the example flow and fixtures.

beforeAll(buildCli, 60_000);

const example = "examples/order-approval/order-approval.flow.json";

describe("flows graph", () => {
  it("draws the example as Mermaid with every edge and its branch labels", () => {
    const { status, stdout, stderr } = flows(["graph", example]);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("flowchart LR");
    expect(lines).toContain('  n0(["<b>order</b><br/>trigger"])');
    expect(lines).toContain(
      '  n3["<b>charge</b><br/>activity<br/>switch shipping_tier: /shipping<br/>retry ×3, backoff 50 ms<br/>timeout 5000 ms"]',
    );
    expect(lines.filter((line) => line.includes("-->"))).toEqual([
      "  n0 --> n1",
      '  n1 -->|"then"| n2',
      '  n1 -->|"else"| n3',
      "  n2 --> n3",
      '  n3 -->|"express<br/>timeout 10000 ms"| n4',
      '  n3 -->|"standard<br/>default"| n5',
      "  n4 --> n6",
      '  n5 -->|"buffer 16"| n6',
    ]);
  });

  it("draws the example as DOT", () => {
    const { status, stdout } = flows(["graph", "--format", "dot", example]);
    expect(status).toBe(0);
    expect(stdout.startsWith('digraph "order_approval" {\n')).toBe(true);
    for (const line of [
      '  "order" -> "price";',
      '  "price" -> "approval" [label="then"];',
      '  "price" -> "charge" [label="else"];',
      '  "charge" -> "ship_express" [label="express\\ntimeout 10000 ms"];',
      '  "charge" -> "ship_standard" [label="standard\\ndefault"];',
      '  "ship_standard" -> "receipt" [label="buffer 16"];',
    ]) {
      expect(stdout).toContain(line);
    }
    expect(stdout.endsWith("}\n")).toBe(true);
  });

  it("labels switch cases, if branches and for-each fan-outs", () => {
    const { status, stdout } = flows(["graph", "test/cli/fixtures/branching.flow.json"]);
    expect(status).toBe(0);
    expect(stdout).toContain('n1 -->|"gold"| n2');
    expect(stdout).toContain('n1 -->|"silver<br/>default"| n3');
    expect(stdout).toContain('n2 -->|"then"| n4');
    expect(stdout).toContain('n3 -->|"for each /lines (≤4 at once)"| n6');
  });

  it("prints the diagnostics of an invalid flow and exits 1", () => {
    const { status, stdout, stderr } = flows(["graph", "test/cli/fixtures/cycle.flow.json"]);
    expect(status).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/^test\/cli\/fixtures\/cycle\.flow\.json:\d+:\d+ {2}DAG200 {2}cycle a -> b -> a/);
  });

  it("exits 2 for a file it cannot read or a format it does not know", () => {
    const missing = flows(["graph", "test/cli/fixtures/absent.flow.json"]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("cannot read test/cli/fixtures/absent.flow.json");
    expect(flows(["graph", "--format", "png", example]).status).toBe(2);
  });
});
