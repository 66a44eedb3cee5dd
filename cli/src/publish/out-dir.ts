import { relative, resolve } from "node:path";
import { UsageError } from "../exit";
import { makeDirs } from "../fs/make-dirs";

/**
 * Resolves and creates the output directory of `flows publish workers` before anything is built.
 * It must be a directory of its own: the project directory (or one above it) would get worker.js,
 * wrangler.jsonc and src/ written among the user's files.
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
  return makeDirs(out ?? dir, "OUT400", "--out");
}
