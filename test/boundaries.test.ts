import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

// The portable packages must load unchanged in workerd and in Node: no node:* or
// cloudflare:* imports, and no bare Node builtins. Runtime-specific providers live in
// folders that say so (opendal/, workers/, node/) and are exempt.
const root = resolve(import.meta.dirname, "..");
const PORTABLE = [
  "flow-ir/src",
  "kernel/src",
  "caps/src",
  "caps/kv/src",
  "caps/r2/src",
  "caps/queue/src",
  "caps/do/src",
  "define/src",
];
const RUNTIME_FOLDERS = /\/(opendal|workers|node)\//;
const NODE_BUILTINS = [
  "assert",
  "buffer",
  "child_process",
  "crypto",
  "events",
  "fs",
  "fs/promises",
  "http",
  "https",
  "net",
  "os",
  "path",
  "process",
  "stream",
  "timers",
  "url",
  "util",
  "worker_threads",
  "zlib",
];
const IMPORT =
  /(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|require\(\s*["']([^"']+)["']\s*\)/g;

/** The same folders as built for users (`npm run build`): what an installed package loads. */
const PORTABLE_BUILT = PORTABLE.map((dir) => dir.replace(/\/src$/, "/dist"));

function sourceFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(join(root, dir), { recursive: true }).map(String);
  } catch {
    return [];
  }
  return entries
    .filter((file) => (file.endsWith(".ts") || file.endsWith(".js")) && !/\.test\.(ts|js)$/.test(file))
    .map((file) => join(root, dir, file))
    .filter((file) => !RUNTIME_FOLDERS.test(`/${relative(root, file)}`));
}

function forbiddenImports(source: string): string[] {
  const found: string[] = [];
  for (const match of source.matchAll(IMPORT)) {
    const specifier = match[1] ?? match[2] ?? match[3] ?? "";
    if (specifier.startsWith("node:") || specifier.startsWith("cloudflare:") || NODE_BUILTINS.includes(specifier)) {
      found.push(specifier);
    }
  }
  return found;
}

describe("runtime boundaries", () => {
  it("recognises every forbidden import form", () => {
    expect(
      forbiddenImports(
        'import { a } from "node:fs";\nimport type { E } from "cloudflare:workers";\nconst p = await import("path");\nexport * from "./ok";',
      ),
    ).toEqual(["node:fs", "cloudflare:workers", "path"]);
  });

  it("keeps flow-ir, kernel and caps core free of node:* and cloudflare:*", () => {
    const files = PORTABLE.flatMap(sourceFiles);
    expect(files.length).toBeGreaterThan(10);
    const offenders = files.flatMap((file) =>
      forbiddenImports(readFileSync(file, "utf8")).map((specifier) => `${relative(root, file)} imports ${specifier}`),
    );
    expect(offenders).toEqual([]);
  });

  it("keeps their built JavaScript and declarations free of them too", () => {
    const files = PORTABLE_BUILT.flatMap(sourceFiles);
    expect(files.length).toBeGreaterThan(10);
    const offenders = files.flatMap((file) =>
      forbiddenImports(readFileSync(file, "utf8")).map((specifier) => `${relative(root, file)} imports ${specifier}`),
    );
    expect(offenders).toEqual([]);
  });

  it("gives portable packages no Node or Workers ambient types", () => {
    for (const dir of ["flow-ir", "kernel", "caps", "caps/kv", "caps/r2", "caps/queue", "caps/do"]) {
      const config = JSON.parse(readFileSync(join(root, dir, "tsconfig.json"), "utf8")) as {
        compilerOptions: { types?: string[]; lib?: string[] };
      };
      expect(config.compilerOptions.types, dir).toEqual([]);
      expect(config.compilerOptions.lib ?? [], dir).not.toContain("DOM");
    }
  });
});
