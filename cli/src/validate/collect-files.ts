import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

export const FLOW_FILE_SUFFIX = ".flow.json";

/**
 * Expands the arguments of `flows validate`: files as given, directories searched recursively
 * for `*.flow.json` (other JSON, like manifests and payloads, is left alone), `-` for stdin.
 * Unreadable arguments come back as problems, not exceptions.
 */
export function collectFiles(inputs: readonly string[]): { files: string[]; problems: string[] } {
  const files: string[] = [];
  const problems: string[] = [];
  for (const input of inputs) {
    if (input === "-") {
      files.push(input);
      continue;
    }
    let isDirectory: boolean;
    try {
      isDirectory = statSync(input).isDirectory();
    } catch {
      problems.push(`cannot read ${input}: no such file or directory`);
      continue;
    }
    if (!isDirectory) {
      files.push(input);
      continue;
    }
    const found = (readdirSync(input, { recursive: true }) as string[])
      .filter((entry) => entry.endsWith(FLOW_FILE_SUFFIX) && !entry.split(/[\\/]/).includes("node_modules"))
      .sort()
      .map((entry) => join(input, entry));
    if (found.length === 0) problems.push(`${input} holds no ${FLOW_FILE_SUFFIX} files`);
    files.push(...found);
  }
  return { files, problems };
}
