import { mkdirSync, statSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { UsageError } from "../exit";

const reasonOf = (error: unknown) =>
  error instanceof Error && "code" in error && typeof error.code === "string" ? error.code : String(error);

/**
 * Resolves and creates the output directory of `flows publish workers` before anything is built.
 * It must be a directory of its own: the project directory (or one above it) would get worker.js,
 * wrangler.jsonc and src/ written among the user's files. Missing directories are created one
 * level at a time, since a recursive mkdir under a pseudo file system such as /proc never
 * returns on Node 20.
 */
export function prepareOutDir(out: string | undefined, root: string): string {
  if (out !== undefined && out.trim() === "") throw new UsageError("USAGE", "--out needs a directory");
  const dir = out === undefined ? resolve(root, "dist") : resolve(out);
  const fromDir = relative(dir, root);
  if (fromDir === "" || !fromDir.startsWith("..")) {
    throw new UsageError(
      "OUT409",
      `--out ${out} is the project directory or contains it: the published files would land among the project's own; choose a directory of its own (default: dist)`,
    );
  }
  const missing: string[] = [];
  for (let at = dir; ; at = dirname(at)) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(at).isDirectory();
    } catch (error) {
      // ENOTDIR: a file stands higher up; the walk goes on to name it.
      if (!["ENOENT", "ENOTDIR"].includes(reasonOf(error)) || dirname(at) === at) {
        throw new UsageError("OUT403", `cannot use --out ${out ?? dir}: ${at} is not reachable (${reasonOf(error)})`);
      }
      missing.unshift(at);
      continue;
    }
    if (!isDirectory)
      throw new UsageError("OUT400", `cannot use --out ${out ?? dir}: ${at} is a file, not a directory`);
    break;
  }
  for (const at of missing) {
    try {
      mkdirSync(at);
    } catch (error) {
      throw new UsageError("OUT403", `cannot create --out ${out ?? dir}: ${at}: ${reasonOf(error)}`);
    }
  }
  return dir;
}
