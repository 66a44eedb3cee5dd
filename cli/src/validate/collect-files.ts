import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { STDIN } from "../read-source";

/** Our own naming, the one Lattice uses for the Flow IR it emits, and modules of defined flows. */
export const FLOW_FILE_SUFFIXES = [".flow.json", ".flow_ir.json", ".flow.ts", ".flow.js"] as const;

const isFlowFile = (name: string) => FLOW_FILE_SUFFIXES.some((suffix) => name.endsWith(suffix));

// Dependencies and hidden folders (.git, .flows state) hold no flows of this project.
const isSkipped = (entry: string) =>
  entry.split(/[\\/]/).some((segment) => segment === "node_modules" || segment.startsWith("."));

/**
 * Expands the arguments of `flows validate`: files as given, directories searched recursively
 * for flow files (other JSON, like manifests and payloads, is left alone), `-` for stdin.
 * Each file comes once, in argument order. Unreadable arguments come back as problems.
 */
export function collectFiles(inputs: readonly string[]): { files: string[]; problems: string[] } {
  const files: string[] = [];
  const problems: string[] = [];
  const add = (file: string) => {
    if (!files.includes(file)) files.push(file);
  };
  for (const input of inputs) {
    if (input === STDIN) {
      add(input);
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
      add(input);
      continue;
    }
    let entries: string[];
    try {
      entries = readdirSync(input, { recursive: true, encoding: "utf8" });
    } catch {
      problems.push(`cannot read directory ${input}`);
      continue;
    }
    const found = entries.filter((entry) => isFlowFile(entry) && !isSkipped(entry)).sort();
    if (found.length === 0) {
      problems.push(
        `${input} holds no ${FLOW_FILE_SUFFIXES.slice(0, -1).join(", ")} or ${FLOW_FILE_SUFFIXES.at(-1)} files`,
      );
    }
    for (const entry of found) add(join(input, entry));
  }
  return { files, problems };
}
