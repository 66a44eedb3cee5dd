import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * The directory whose package.json declares the workspaces, found by walking up from `start`,
 * so the answer is the same whether the suites run bundled (bench/.out/) or from source.
 */
export function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      const parsed: unknown = JSON.parse(readFileSync(manifest, "utf8"));
      if (typeof parsed === "object" && parsed !== null && "workspaces" in parsed) return dir;
    }
    if (dirname(dir) === dir) throw new Error(`no workspace root above ${start}`);
  }
}
