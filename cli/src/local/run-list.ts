import { UsageError } from "../exit";
import { newestFirst, type RunQuery } from "../views/run-query";
import type { WireRunList, WireRunSummary } from "../views/wire";
import { createFsJournal } from "./journal";
import { runSummaryOf } from "./run-wire";
import { openLocalStore } from "./store";

/** A page position: the last row shown, so the next page starts after it whatever was added. */
const encodeCursor = (run: WireRunSummary) =>
  Buffer.from(JSON.stringify([run.started_at ?? 0, run.run_id])).toString("base64url");

function decodeCursor(cursor: string): WireRunSummary {
  try {
    const [startedAt, runId] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown[];
    if (typeof startedAt === "number" && typeof runId === "string") {
      return { run_id: runId, started_at: startedAt } as WireRunSummary;
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
  const rows = (await Promise.all(ids.map(async (id) => runSummaryOf(id, await journal.read(id))))).filter(
    (run): run is WireRunSummary => run !== undefined,
  );
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const matching = rows
    .filter(
      (run) =>
        (query.flow === undefined || run.flow === query.flow) &&
        (query.status === undefined || query.status.includes(run.status)) &&
        (query.since === undefined || (run.started_at ?? 0) >= query.since) &&
        (query.until === undefined || (run.started_at ?? 0) < query.until) &&
        (after === undefined || newestFirst(after, run) > 0),
    )
    .sort(newestFirst);
  const page = matching.slice(0, query.limit);
  const last = page.at(-1);
  return { runs: page, next_cursor: matching.length > page.length && last !== undefined ? encodeCursor(last) : null };
}
