import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// Each fixture in type-tests/ marks the line after `// @expect-error TSnnnn` as one that must
// not compile, with that code; every other line must compile. tsc checks them all at once.
const fixtures = fileURLToPath(new URL("../type-tests/", import.meta.url));
const tsc = join(dirname(createRequire(import.meta.url).resolve("typescript/package.json")), "bin", "tsc");

function expected(): string[] {
  const found: string[] = [];
  for (const file of readdirSync(fixtures).filter((f) => f.endsWith(".ts"))) {
    readFileSync(join(fixtures, file), "utf8")
      .split("\n")
      .forEach((line, index) => {
        const marker = /\/\/ @expect-error (TS\d+)/.exec(line);
        if (marker !== null) found.push(`${file}:${index + 2} ${marker[1]}`);
      });
  }
  return found.sort();
}

describe("type errors", () => {
  it("every marked mistake fails to compile with its code, and nothing else does", () => {
    const result = spawnSync(process.execPath, [tsc, "-p", join(fixtures, "tsconfig.json")], { encoding: "utf8" });
    const actual = [...result.stdout.matchAll(/type-tests\/([\w.-]+)\((\d+),\d+\): error (TS\d+)/g)]
      .map((m) => `${m[1]}:${m[2]} ${m[3]}`)
      .sort();
    expect(result.status).not.toBe(0);
    expect(actual).toEqual(expected());
    expect(actual.length).toBeGreaterThanOrEqual(5);
  });
});
