import { journalRunSummary } from "@flows/kernel";
import { UsageError } from "../exit";
import { newestFirst, type RunPosition, type RunQuery } from "../views/run-query";
import type { WireRunList } from "../views/wire";
import { createFsJournal } from "./journal";
import { openLocalStore } from "./store";

/** A page position: the last row shown, so the next page starts after it whatever was added. */
const encodeCursor = (run: RunPosition) =>
  Buffer.from(JSON.stringify([run.started_at, run.run_id])).toString("base64url");

function decodeCursor(cursor: string): RunPosition {
  try {
    const [startedAt, runId] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown[];
    if (typeof startedAt === "number" && typeof runId === "string") {
      return { run_id: runId, started_at: startedAt };
    }
  } catch {
    // Falls through to the refusal below.
  }
  throw new UsageError("USAGE", "--cursor is not one that flows runs printed for this state directory");
}

/** The local runs under `stateDir` as `GET /runs` would list them: filtered, newest first, one page. */
export async function listLocalRuns(stateDir: string, query: RunQuery): Promise<WireRunList> {
  const journal = createFsJournal(openLocalStore(stateDir));
  const ids = await journal.list();
  // A list line comes from the journal alone: no values capped, no inputs rebuilt.
  const rows = (await Promise.all(ids.map(async (id) => journalRunSummary(id, await journal.read(id))))).filter(
    (run) => run !== undefined,
  );
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const matching = rows
    .filter(
      (run) =>
        (query.flow === undefined || run.flow === query.flow) &&
        (query.status === undefined || query.status.includes(run.status)) &&
        (query.since === undefined || run.started_at >= query.since) &&
        (query.until === undefined || run.started_at < query.until) &&
        (after === undefined || newestFirst(run, after) > 0),
    )
    .sort(newestFirst);
  const page = matching.slice(0, query.limit);
  const last = page.at(-1);
  return { runs: page, next_cursor: matching.length > page.length && last !== undefined ? encodeCursor(last) : null };
}
