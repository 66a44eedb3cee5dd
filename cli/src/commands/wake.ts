import { foldJournal, type RunState } from "@flows/kernel";
import { parseVerbArgs } from "../args";
import { EXIT_FAILED, EXIT_OK, reportUsage, UsageError } from "../exit";
import { makeDirs } from "../fs/make-dirs";
import { localSuspendAfterMs } from "../local/in-memory-wait";
import { createFsJournal } from "../local/journal";
import { acquireRunLease } from "../local/lease";
import { openLocalStore } from "../local/store";
import { openRecordedRun } from "./recorded-run";
import { describeError, type RunIo } from "./run-io";

export const WAKE_HELP = `Usage: flows wake [--state <dir>] [--quiet]

Continues every local run that is due: a run suspended in a sleep or a retry backoff
whose wake time has passed, and a run halted with a deadline that has passed (the
halt expires: the node goes on with an expired result). Runs another process is
executing are left to it. Run it from cron, or by hand; "flows run --run-id <id>"
continues one run the same way.

Options:
  --state <dir>        state directory (default: .flows)
  --quiet              print nothing for runs that are not due
  -h, --help           show this help

Output: one line per due run on stderr: its id and how it stands now.
Exit codes: 0 every due run went on (or none was due), 1 one of them failed, 2 usage.
`;

const OPTIONS = {
  state: { type: "string" },
  quiet: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** When a run is next due, if it waits for a time. */
export function dueAt(state: RunState): number | undefined {
  if (state.finished !== undefined) return undefined;
  if (state.halt !== undefined) return state.halt.deadline;
  return state.wakeAt;
}

export async function wakeCommand(argv: readonly string[], io: RunIo): Promise<number> {
  try {
    const { values, positionals } = parseVerbArgs(argv, OPTIONS);
    if (values.help) {
      io.stdout(WAKE_HELP);
      return 0;
    }
    if (positionals.length > 0) throw new UsageError("USAGE", `unexpected arguments: ${positionals.join(" ")}`);
    const stateDir = makeDirs(values.state ?? ".flows", "STATE400", "state directory");
    const operator = openLocalStore(stateDir);
    const journal = createFsJournal(operator);
    const now = Date.now();
    let failed = 0;
    let woken = 0;
    for (const runId of await journal.list()) {
      const due = dueAt(foldJournal(runId, await journal.read(runId)));
      if (due === undefined || due > now) continue;
      const line = await wakeOne(stateDir, runId, io);
      woken += 1;
      if (line.failed) failed += 1;
      io.stderr(`${line.text}\n`);
    }
    if (woken === 0 && !values.quiet) io.stderr("no run is due\n");
    return failed > 0 ? EXIT_FAILED : EXIT_OK;
  } catch (error) {
    return reportUsage(error, io, "wake");
  }
}

/** Continues one due run under its lease; a run another process holds is left to it. */
async function wakeOne(stateDir: string, runId: string, io: RunIo): Promise<{ text: string; failed: boolean }> {
  let lease: Awaited<ReturnType<typeof acquireRunLease>>;
  try {
    lease = await acquireRunLease(stateDir, runId);
  } catch {
    return { text: `run ${runId}: another process is executing it, left to it`, failed: false };
  }
  try {
    // Read again under the lease: the process that held it may have moved the run on.
    const { kernel, flowId, state } = await openRecordedRun(stateDir, runId, (line) =>
      io.stderr(`flows wake: ${line}\n`),
    );
    const due = dueAt(state);
    if (due === undefined || due > Date.now()) return { text: `run ${runId}: no longer due`, failed: false };
    const outcome = await kernel.invoke({ flow: flowId, runId, suspendAfterMs: localSuspendAfterMs() });
    switch (outcome.status) {
      case "completed":
        return { text: `run ${runId}: completed`, failed: false };
      case "suspended":
        return { text: `run ${runId}: suspended until ${new Date(outcome.wakeAt).toISOString()}`, failed: false };
      case "halted":
        return { text: `run ${runId}: halted (${outcome.event ?? outcome.checkpoint})`, failed: false };
      default:
        return { text: `run ${runId}: ${outcome.status}: ${describeError(outcome.error)}`, failed: true };
    }
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return { text: `run ${runId}: ${String(code ?? "ERROR")} ${(error as Error).message}`, failed: true };
  } finally {
    lease.release();
  }
}
