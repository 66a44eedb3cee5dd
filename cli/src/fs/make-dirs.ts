import { mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { UsageError } from "../exit";

const reasonOf = (error: unknown) =>
  error instanceof Error && "code" in error && typeof error.code === "string" ? error.code : String(error);

/**
 * Creates `dir` and its missing parents, or throws a UsageError with `code` naming the first
 * path that stands in the way. One level at a time on purpose: Node 20's recursive mkdir under a
 * pseudo file system such as /proc never returns.
 */
export function makeDirs(dir: string, code: string, what: string): string {
  const absolute = resolve(dir);
  const missing: string[] = [];
  for (let at = absolute; ; at = dirname(at)) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(at).isDirectory();
    } catch (error) {
      // ENOTDIR: a file stands higher up; the walk goes on to name it.
      if (!["ENOENT", "ENOTDIR"].includes(reasonOf(error)) || dirname(at) === at) {
        throw new UsageError(code, `cannot use ${what} ${dir}: ${at} is not reachable (${reasonOf(error)})`);
      }
      missing.unshift(at);
      continue;
    }
    if (!isDirectory) throw new UsageError(code, `cannot use ${what} ${dir}: ${at} is a file, not a directory`);
    break;
  }
  for (const at of missing) {
    try {
      mkdirSync(at);
    } catch (error) {
      // Another process (a concurrent run on the same state directory) created it first.
      if (reasonOf(error) === "EEXIST" && statSync(at, { throwIfNoEntry: false })?.isDirectory()) continue;
      throw new UsageError(code, `cannot create ${what} ${dir}: ${at}: ${reasonOf(error)}`);
    }
  }
  return absolute;
}
