import type { JournalEntry, JournalStore } from "@flows/kernel";
import type { Operator } from "opendal";
import { isNotFound, segment, unsegment } from "./store";

const DIRECTORY = "runs/";
const SUFFIX = ".ndjson";

/**
 * One NDJSON file per run, appended to. A process killed mid-write leaves at most a torn last
 * line: readers skip it and the next append starts on a fresh line, so no entry is ever merged
 * with a fragment.
 */
export function createFsJournal(operator: Operator): JournalStore {
  const checked = new Set<string>();
  // The first append creates the file through a temporary name and a rename, which would drop
  // a concurrent append: appends to one run go one after another (other processes are kept
  // out by the run's lease).
  const tails = new Map<string, Promise<void>>();
  const pathOf = (runId: string) => `${DIRECTORY}${segment(runId)}${SUFFIX}`;

  const readText = async (runId: string): Promise<string> => {
    try {
      return (await operator.read(pathOf(runId))).toString("utf8");
    } catch (error) {
      if (isNotFound(error)) return "";
      throw error;
    }
  };

  return {
    async read(runId) {
      const entries: JournalEntry[] = [];
      for (const line of (await readText(runId)).split("\n")) {
        if (line.trim() === "") continue;
        try {
          entries.push(JSON.parse(line) as JournalEntry);
        } catch {
          // A torn line from a killed process: the entry it held never took effect.
        }
      }
      return entries;
    },
    append(runId, entries) {
      const write = async () => {
        let text = entries.map((entry) => JSON.stringify(entry)).join("\n");
        if (!checked.has(runId)) {
          const existing = await readText(runId);
          if (existing !== "" && !existing.endsWith("\n")) text = `\n${text}`;
          checked.add(runId);
        }
        await operator.write(pathOf(runId), `${text}\n`, { append: true });
      };
      const done = (tails.get(runId) ?? Promise.resolve()).then(write);
      const tail = done.catch(() => {});
      tails.set(runId, tail);
      void tail.then(() => {
        if (tails.get(runId) === tail) tails.delete(runId);
      });
      return done;
    },
    async list() {
      let listed: { path(): string }[];
      try {
        listed = await operator.list(DIRECTORY);
      } catch (error) {
        if (isNotFound(error)) return [];
        throw error;
      }
      const withTimes = await Promise.all(
        listed
          .map((entry) => entry.path())
          .filter((path) => path.endsWith(SUFFIX))
          .map(async (path) => {
            const metadata = await operator.stat(path);
            const modified = metadata.lastModified ? Date.parse(metadata.lastModified) : 0;
            return { id: unsegment(path.slice(DIRECTORY.length, -SUFFIX.length)), modified };
          }),
      );
      return withTimes.sort((a, b) => a.modified - b.modified).map((run) => run.id);
    },
  };
}
