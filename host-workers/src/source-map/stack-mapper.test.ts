import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeSourceMap, type SourceMapV3 } from "./source-map";
import { createStackMapper } from "./stack-mapper";
import { trimSourceMap } from "./trim";
import { decodeMappings, encodeMappings } from "./vlq";

// A project file with a bug, a runtime package that calls it, both bundled and minified by
// esbuild the way `flows publish workers` bundles a Worker; the bundle is run and its real
// stack mapped back.
const NODES = `export interface Order {
  readonly customer?: { readonly deep: number };
}

export function total(order: Order): number {
  const base = 10;
  // The bug: customer is not always there.
  return base + (order.customer as { deep: number }).deep;
}
`;
const RUNTIME = `export function runNode(node, input) {
  const started = Date.now();
  return { output: node(input), started };
}
`;
const ENTRY = `import { total } from "./src/nodes";
import { runNode } from "runtime";
export function invoke(input) {
  try {
    return runNode(total, input);
  } catch (error) {
    return error.stack;
  }
}
`;

let dir = "";
let map: SourceMapV3;
let stack = "";

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "flows-stack-"));
  mkdirSync(join(dir, "src"));
  mkdirSync(join(dir, "node_modules/runtime"), { recursive: true });
  writeFileSync(join(dir, "src/nodes.ts"), NODES);
  writeFileSync(join(dir, "node_modules/runtime/index.js"), RUNTIME);
  writeFileSync(join(dir, "entry.ts"), ENTRY);
  mkdirSync(join(dir, "dist"));
  await build({
    entryPoints: [join(dir, "entry.ts")],
    outfile: join(dir, "dist/worker.js"),
    bundle: true,
    minify: true,
    sourcemap: true,
    format: "esm",
    platform: "neutral",
    logLevel: "silent",
  });
  map = JSON.parse(readFileSync(join(dir, "dist/worker.js.map"), "utf8")) as SourceMapV3;
  // The bundle's own positions, as workerd reports them: run in a Node of its own, which maps nothing.
  const script = `const { invoke } = await import(${JSON.stringify(pathToFileURL(join(dir, "dist/worker.js")).href)}); process.stdout.write(invoke({}));`;
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "" },
  });
  stack = child.stdout;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** esbuild names sources relative to the map: the project's own are those outside node_modules. */
const own = (source: string) => (source.includes("node_modules/") ? undefined : source.replace(/^\.\.\//, ""));

describe("mapping a stack through an esbuild source map", () => {
  it("names the .ts file and the line of the bug", () => {
    expect(stack).toMatch(/^TypeError: Cannot read properties of undefined \(reading 'deep'\)/);
    expect(stack).toMatch(/worker\.js:1:\d+\)/);
    const mapped = createStackMapper({ ...map, file: "worker.js" })(stack);
    // Line 8 of nodes.ts, at the property read (esbuild maps the member expression).
    expect(mapped).toMatch(/ at \S+ \(\.\.\/src\/nodes\.ts:8:54\)/);
    expect(mapped).toMatch(/\.\.\/node_modules\/runtime\/index\.js:3:\d+/);
    expect(mapped).toMatch(/\.\.\/entry\.ts:5:\d+/);
    expect(mapped).not.toMatch(/worker\.js:/);
  });

  it("trimmed to the project's own sources, maps their frames and leaves the others as they were", () => {
    const full = JSON.stringify(map);
    const trimmed = trimSourceMap(full, own, "worker.js");
    expect(trimmed.sources).toEqual(["src/nodes.ts", "entry.ts"]);
    expect(trimmed).not.toHaveProperty("sourcesContent");
    expect(JSON.stringify(trimmed).length).toBeLessThan(full.length / 4);
    const mapped = createStackMapper(JSON.stringify(trimmed))(stack);
    const lines = mapped.split("\n");
    // Line 8, column 54: the \`deep\` read, 1-based as V8 prints positions.
    expect(lines[1]).toMatch(/\(src\/nodes\.ts:8:54\)$/);
    // The runtime package's frame stays a bundle position: it is not the project's code.
    expect(lines[2]).toMatch(/worker\.js:1:\d+\)$/);
    expect(lines[3]).toMatch(/\(entry\.ts:5:12\)$/);
    // Same positions as the full map gives for the kept sources.
    const fullMapped = createStackMapper({ ...map, file: "worker.js" })(stack).split("\n");
    expect(lines[1]?.replace("src/", "")).toBe(fullMapped[1]?.replace("../src/", ""));
  });

  it("leaves frames of other files, and stacks without frames, as they are", () => {
    const mapper = createStackMapper({ ...map, file: "worker.js" });
    const other = "Error: x\n    at f (file:///elsewhere/other.js:1:20)\n    at async Promise.all (index 0)";
    expect(mapper(other)).toBe(other);
    expect(mapper("just a message")).toBe("just a message");
  });

  it("reads the map only when a stack is first mapped, once", () => {
    let reads = 0;
    const mapper = createStackMapper(() => {
      reads += 1;
      return JSON.stringify(map);
    });
    expect(reads).toBe(0);
    mapper(stack);
    mapper(stack);
    expect(reads).toBe(1);
  });
});

describe("mappings codec", () => {
  it("decodes and encodes back the same text, without names", () => {
    const decoded = decodeMappings(map.mappings);
    expect(decodeMappings(encodeMappings(decoded))).toEqual(decoded);
    expect(encodeMappings(decodeMappings("AAAA,SAAS,gBAAgB;;ACAA,EAAE;A"))).toBe("AAAA,SAAS,gBAAgB;;ACAA,EAAE;A");
    // A name index (the fifth field) is read past and dropped.
    expect(encodeMappings(decodeMappings("AAAAA,SAASC"))).toBe("AAAA,SAAS");
  });

  it("reads large and negative deltas", () => {
    const lines = [[[0, 0, 100_000, 5] as const, [70_000, 0, 3, 0] as const, [70_001] as const]];
    expect(decodeMappings(encodeMappings(lines))).toEqual(lines);
  });

  it("refuses text that is not mappings", () => {
    expect(() => decodeMappings("AA!A")).toThrow(/"!"/);
    expect(() => decodeMappings("g")).toThrow(/inside a number/);
  });

  it("finds the segment covering a column, and nothing past a segment mapped to nothing", () => {
    const decoded = decodeSourceMap({ version: 3, sources: ["a.ts"], mappings: "AAAA,KAAE,KAAE,E" });
    expect(decoded.lookup(1, 1)).toEqual({ source: "a.ts", line: 1, column: 1 });
    expect(decoded.lookup(1, 7)).toEqual({ source: "a.ts", line: 1, column: 3 });
    expect(decoded.lookup(1, 20)).toBeUndefined();
    expect(decoded.lookup(2, 1)).toBeUndefined();
  });
});
