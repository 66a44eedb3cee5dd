import { isoTime, table } from "./table";
import type { WireRunList } from "./wire";

export type ViewFormat = "text" | "json";

/**
 * `flows runs` output, the same for local runs and a Worker's: JSON is the array of runs (the
 * items of `GET /runs`), text a table, newest first. A further page is pointed at on stderr
 * in both, so stdout stays the page itself.
 */
export function formatRunList(list: WireRunList, format: ViewFormat): { stdout: string; stderr: string } {
  const more =
    list.next_cursor === null
      ? ""
      : `more runs: add --cursor ${list.next_cursor} to the same command for the next page\n`;
  if (format === "json") return { stdout: `${JSON.stringify(list.runs)}\n`, stderr: more };
  if (list.runs.length === 0) return { stdout: "no runs\n", stderr: more };
  const rows = [["RUN", "FLOW", "STATUS", "STARTED", "CHECKPOINT"]];
  for (const run of list.runs) {
    rows.push([run.run_id, run.flow, run.status, isoTime(run.started_at), run.checkpoint ?? ""]);
  }
  return { stdout: `${table(rows)}\n`, stderr: more };
}
