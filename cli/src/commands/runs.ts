import { resolve } from "node:path";
import { foldJournal, journalRunSummary, type RunDetail, runDetail, type WireRunSummary } from "@flows/kernel";
import { parseVerbArgs } from "../args";
import { reportUsage, UsageError } from "../exit";
import { createFsJournal } from "../local/journal";
import { openLocalStore } from "../local/store";
import { recordedFlow } from "./recorded-flow";
import type { RunIo } from "./run-io";

export const RUNS_HELP = `Usage: flows runs [--state <dir>] [--format text|json]

Lists the local runs under the state directory, oldest first: run id, flow,
status, start time and, for halted runs, the checkpoint they wait at. With
--format json, an array of runs: run_id, flow, status, trigger, started_at,
updated_at, finished_at, checkpoint, wake_at, error_code (times in epoch ms).

Options:
  --state <dir>        state directory (default: .flows)
  --format <format>    text (default) or json
  -h, --help           show this help
`;

export const INSPECT_HELP = `Usage: flows inspect <run-id> [--state <dir>] [--format text|json]

Shows what happened in one run: every node of its flow with its status, attempts,
duration, error code and (briefly) its input and output, the halts, resumes and
retries along the way, then the run's status (and checkpoint and token when it is
halted). With --format json, the run detail: the same as GET /runs/:id of a Worker
(values over 4 KiB of JSON shown as {"$truncated": true, "bytes", "preview"}).

Options:
  --state <dir>        state directory (default: .flows)
  --format <format>    text (default) or json
  -h, --help           show this help
`;

const OPTIONS = {
  state: { type: "string" },
  format: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

function readFormat(format: string | undefined): "text" | "json" {
  if (format === undefined || format === "text" || format === "json") return format ?? "text";
  throw new UsageError("USAGE", `unknown --format "${format}": use text or json`);
}

/** Every local run in a line; runs that never started are left out. */
async function summaries(stateDir: string): Promise<WireRunSummary[]> {
  const journal = createFsJournal(openLocalStore(stateDir));
  const found = await Promise.all(
    (await journal.list()).map(async (id) => journalRunSummary(id, await journal.read(id))),
  );
  return found.filter((summary) => summary !== undefined);
}

/** A value in one short line: its JSON, cut to `width` characters. */
function brief(value: unknown, width = 32): string {
  if (value === null || value === undefined) return "-";
  const marker = value as { $truncated?: unknown; bytes?: unknown };
  if (marker.$truncated === true) return `(${marker.bytes} bytes)`;
  const text = JSON.stringify(value);
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

const time = (at: number | null | undefined) => (at === undefined || at === null ? "-" : new Date(at).toISOString());

export async function runsCommand(argv: readonly string[], io: RunIo): Promise<number> {
  try {
    const { values, positionals } = parseVerbArgs(argv, OPTIONS);
    if (values.help) {
      io.stdout(RUNS_HELP);
      return 0;
    }
    if (positionals.length > 0) throw new UsageError("USAGE", `unexpected arguments: ${positionals.join(" ")}`);
    const format = readFormat(values.format);
    const runs = await summaries(resolve(values.state ?? ".flows"));
    if (format === "json") {
      io.stdout(`${JSON.stringify(runs)}\n`);
      return 0;
    }
    if (runs.length === 0) {
      io.stdout("no runs yet: start one with flows run\n");
      return 0;
    }
    const rows = [["RUN", "FLOW", "STATUS", "STARTED", "CHECKPOINT"]];
    for (const run of runs) rows.push([run.run_id, run.flow, run.status, time(run.started_at), run.checkpoint ?? ""]);
    io.stdout(`${table(rows)}\n`);
    return 0;
  } catch (error) {
    return reportUsage(error, io, "runs");
  }
}

export async function inspectCommand(argv: readonly string[], io: RunIo): Promise<number> {
  try {
    const { values, positionals } = parseVerbArgs(argv, OPTIONS);
    if (values.help) {
      io.stdout(INSPECT_HELP);
      return 0;
    }
    const [runId, ...extra] = positionals;
    if (runId === undefined) throw new UsageError("USAGE", "name the run id to inspect");
    if (extra.length > 0) throw new UsageError("USAGE", `unexpected arguments: ${extra.join(" ")}`);
    const format = readFormat(values.format);
    const stateDir = resolve(values.state ?? ".flows");
    const entries = await createFsJournal(openLocalStore(stateDir)).read(runId);
    const state = foldJournal(runId, entries);
    const detail =
      state.started === undefined ? undefined : runDetail(runId, entries, await recordedFlow(stateDir, state));
    if (detail === undefined) {
      io.stderr(`flows inspect: no run ${runId} under ${stateDir} (see "flows runs")\n`);
      return 1;
    }
    if (format === "json") {
      io.stdout(`${JSON.stringify(detail)}\n`);
      return 0;
    }
    io.stdout(inspectText(detail));
    return 0;
  } catch (error) {
    return reportUsage(error, io, "inspect");
  }
}

/** `flows inspect` as text: a line per node, the waits and retries, then how the run stands. */
function inspectText(detail: RunDetail): string {
  const rows = [["NODE", "STATUS", "ATTEMPTS", "DURATION", "CODE", "INPUT", "OUTPUT"]];
  for (const node of detail.nodes) {
    rows.push([
      node.alias,
      node.status,
      String(node.attempts),
      node.duration_ms === null ? "-" : `${node.duration_ms} ms`,
      node.error?.code ?? "",
      brief(node.input),
      brief(node.output),
    ]);
  }
  let text = `run ${detail.run_id} of flow ${detail.flow} started ${time(detail.started_at)}\n${table(rows)}\n`;
  for (const event of detail.events) {
    const node = event.node === null ? "" : ` ${event.node}`;
    const what =
      event.type === "retrying"
        ? ` attempt ${event.attempt} failed (${event.error.code}), next at ${time(event.retry_at)}`
        : event.type === "halted" || event.type === "resumed" || event.type === "expired"
          ? ` at "${event.checkpoint}"`
          : event.type === "event" || event.type === "received"
            ? ` ${event.type === "event" ? event.name : ""} ${event.id}`.trimEnd()
            : ` until ${time(event.wake_at)}`;
    text += `${time(event.at)}  ${event.type}${node}${what}\n`;
  }
  text += `status: ${detail.status}`;
  const resume = detail.resume;
  if (resume !== null) {
    text +=
      resume.token === null
        ? ` waiting for event "${resume.event}" (node ${resume.node})`
        : ` at checkpoint "${resume.checkpoint}" (node ${resume.node}), token ${resume.token}`;
  }
  if (detail.error !== null) text += ` — ${detail.error.code}: ${detail.error.message}`;
  return `${text}\n`;
}
