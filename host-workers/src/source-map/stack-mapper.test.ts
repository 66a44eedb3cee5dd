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
  return base + deepOf(order);
}

function deepOf(order: Order): number {
  // The bug: customer is not always there.
  return (order.customer as { deep: number }).deep;
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

/** Line 12 of nodes.ts, at the `deep` read, 1-based as V8 prints positions. */
const BUG = `src/nodes.ts:12:${(NODES.split("\n")[11] as string).indexOf(".deep") + 2}`;

describe("mapping a stack through an esbuild source map", () => {
  it("names the .ts file and the line of the bug, and the functions the bundle renamed", () => {
    expect(stack).toMatch(/^TypeError: Cannot read properties of undefined \(reading 'deep'\)/);
    const raw = stack.split("\n");
    expect(raw[1]).toMatch(/^ {4}at \w{1,2} \(file:\/\/\S+\/worker\.js:1:\d+\)$/);
    const mapped = createStackMapper({ ...map, file: "worker.js" })(stack).split("\n");
    // Named from their callers' call sites, as Node names them; `node` is the runtime's parameter.
    expect(mapped.slice(1, 5)).toEqual([
      `    at deepOf (../${BUG})`,
      "    at node (../src/nodes.ts:7:17)",
      expect.stringMatching(/^ {4}at \S+ \(\.\.\/node_modules\/runtime\/index\.js:3:\d+\)$/),
      expect.stringMatching(/^ {4}at \S+ \(\.\.\/entry\.ts:5:12\)$/),
    ]);
  });

  it("trimmed to the project's own sources, maps their frames and leaves the others as they were", () => {
    const full = JSON.stringify(map);
    const trimmed = trimSourceMap(full, own, "worker.js");
    expect(trimmed.sources).toEqual(["src/nodes.ts", "entry.ts"]);
    expect(trimmed).not.toHaveProperty("sourcesContent");
    expect(trimmed.names).not.toContain("started");
    const mapped = createStackMapper(JSON.stringify(trimmed))(stack).split("\n");
    expect(mapped[1]).toBe(`    at deepOf (${BUG})`);
    // Called by the runtime, whose call site the trimmed map does not keep: its name stays.
    expect(mapped[2]).toMatch(/^ {4}at \w{1,2} \(src\/nodes\.ts:7:17\)$/);
    // The runtime package's frame stays a bundle position: it is not the project's code.
    expect(mapped[3]).toBe(stack.split("\n")[3]);
    expect(mapped[4]).toMatch(/\(entry\.ts:5:12\)$/);
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
  it("decodes and encodes back the same text", () => {
    expect(encodeMappings(decodeMappings(map.mappings))).toBe(map.mappings);
    expect(encodeMappings(decodeMappings("AAAA,SAAS,gBAAgB;;ACAA,EAAE;A"))).toBe("AAAA,SAAS,gBAAgB;;ACAA,EAAE;A");
    expect(decodeMappings("AAAAA,SAASC")).toEqual([
      [
        [0, 0, 0, 0, 0],
        [9, 0, 0, 9, 1],
      ],
    ]);
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
