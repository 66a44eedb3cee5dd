import { resolve } from "node:path";
import { foldJournal, summarizeRun } from "@flows/kernel";
import { parseVerbArgs } from "../args";
import { reportUsage, UsageError } from "../exit";
import { createFsJournal } from "../local/journal";
import { openLocalStore } from "../local/store";
import type { RunIo } from "./run-io";

export const RUNS_HELP = `Usage: flows runs [--state <dir>] [--format text|json]

Lists the local runs under the state directory, oldest first: run id, flow,
status, start time and, for halted runs, the checkpoint they wait at.

Options:
  --state <dir>        state directory (default: .flows)
  --format <format>    text (default) or json
  -h, --help           show this help
`;

export const INSPECT_HELP = `Usage: flows inspect <run-id> [--state <dir>] [--format text|json]

Shows one run's history: every node with its status, attempts, duration and error
code, then the run's status (and checkpoint and token when it is halted).

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

async function summaries(stateDir: string, ids?: readonly string[]) {
  const journal = createFsJournal(openLocalStore(stateDir));
  const runIds = ids ?? (await journal.list());
  return Promise.all(
    runIds.map(async (id) => {
      const state = foldJournal(id, await journal.read(id));
      return { state, summary: summarizeRun(state) };
    }),
  );
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

const time = (at: number | undefined) => (at === undefined ? "-" : new Date(at).toISOString());

export async function runsCommand(argv: readonly string[], io: RunIo): Promise<number> {
  try {
    const { values, positionals } = parseVerbArgs(argv, OPTIONS);
    if (values.help) {
      io.stdout(RUNS_HELP);
      return 0;
    }
    if (positionals.length > 0) throw new UsageError("USAGE", `unexpected arguments: ${positionals.join(" ")}`);
    const format = readFormat(values.format);
    const runs = (await summaries(resolve(values.state ?? ".flows"))).map((run) => run.summary);
    if (format === "json") {
      io.stdout(`${JSON.stringify(runs.map(({ history: _, ...run }) => run))}\n`);
      return 0;
    }
    if (runs.length === 0) {
      io.stdout("no runs yet: start one with flows run\n");
      return 0;
    }
    const rows = [["RUN", "FLOW", "STATUS", "STARTED", "CHECKPOINT"]];
    for (const run of runs)
      rows.push([run.runId, run.flow ?? "-", run.status, time(run.startedAt), run.checkpoint ?? ""]);
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
    const [run] = await summaries(stateDir, [runId]);
    if (run === undefined || run.state.started === undefined) {
      io.stderr(`flows inspect: no run ${runId} under ${stateDir} (see "flows runs")\n`);
      return 1;
    }
    const { summary, state } = run;
    if (format === "json") {
      io.stdout(`${JSON.stringify({ ...summary, token: state.halt?.token })}\n`);
      return 0;
    }
    const rows = [["NODE", "STATUS", "ATTEMPTS", "DURATION", "CODE"]];
    for (const record of summary.history) {
      rows.push([
        record.node,
        record.status,
        String(record.attempts),
        `${record.durationMs} ms`,
        record.error?.code ?? "",
      ]);
    }
    io.stdout(`run ${summary.runId} of flow ${summary.flow} started ${time(summary.startedAt)}\n${table(rows)}\n`);
    io.stdout(`status: ${summary.status}`);
    if (state.halt)
      io.stdout(` at checkpoint "${state.halt.checkpoint}" (node ${state.halt.node}), token ${state.halt.token}`);
    if (summary.error) io.stdout(` — ${summary.error.code}: ${summary.error.message}`);
    io.stdout("\n");
    return 0;
  } catch (error) {
    return reportUsage(error, io, "inspect");
  }
}
