import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./support/reference";

// The diagnostic table (docs/flow-ir.md, linked from README) is where a newcomer learns what a code means and whether it fails
// CI: every warning code the validator has beyond Lattice's is in it, marked as a warning.

const readme = readFileSync(resolve(repoRoot, "docs", "flow-ir.md"), "utf8");
const rows = new Map(
  readme
    .split("\n")
    .filter((line) => line.startsWith("| "))
    .map((line) => line.split("|").map((cell) => cell.trim()))
    .map((cells) => [cells[1] ?? "", cells[2] ?? ""] as const),
);

describe("the diagnostic table of docs/flow-ir.md", () => {
  it("documents each code of its own as a warning", () => {
    for (const code of ["DET303", "EFFECT202", "CTRL133", "CTRL134", "CTRL135", "IDEM010"]) {
      expect(rows.get(code), code).toBe("warning");
    }
  });

  it("keeps Lattice's codes as errors", () => {
    for (const code of ["EFFECT201", "DET302", "DAG202", "CTRL130–132", "CTRL110–112", "CTRL120–122"]) {
      expect(rows.get(code), code).toBe("error");
    }
  });
});
