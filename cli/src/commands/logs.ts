import { resolve } from "node:path";
import { journalEntryWire } from "@flows/kernel";
import { parseVerbArgs } from "../args";
import { EXIT_FAILED, EXIT_OK, reportUsage, UsageError } from "../exit";
import { followLocalJournal } from "../local/follow-journal";
import { followRun } from "../remote/client";
import { RemoteError } from "../remote/remote-error";
import { REMOTE_HELP, REMOTE_OPTIONS, type RemoteTarget } from "../remote/target";
import { formatLogEntry } from "../views/log-entry";
import type { WireJournalEntry as WireEntry } from "../views/wire";
import type { RunIo } from "./run-io";
import { readFormat, targetOf } from "./runs";

export const LOGS_HELP = `Usage: flows logs <run-id> [--no-follow] [--after <seq>] [--state <dir> | --url <url>] [--format text|json]

Prints a run's journal, one line per entry (sequence number, time, type, what happened),
then follows it: entries are printed as the run appends them, until it finishes (as
kubectl logs -f and wrangler tail do; Ctrl-C stops). A local run by default, read from
its journal under the state directory; with --url (or FLOWS_URL) a Worker's run, from
GET /runs/:id/events.

Options:
  --no-follow          print what is journaled now and stop
  -f, --follow         follow until the run finishes (the default)
  --after <seq>        only entries after this sequence number
  --state <dir>        state directory (default: .flows)
${REMOTE_HELP}  --format <format>    text (default) or json (one journal entry per line, in wire form)
  -h, --help           show this help

Exit codes: 0 printed (the run completed, or is still going with --no-follow), 1 the run
failed or was cancelled, or there is no such run, 2 usage or the Worker could not be read.
`;

const OPTIONS = {
  state: { type: "string" },
  format: { type: "string" },
  follow: { type: "boolean", short: "f" },
  "no-follow": { type: "boolean" },
  after: { type: "string" },
  help: { type: "boolean", short: "h" },
  ...REMOTE_OPTIONS,
} as const;

/** How long a stream that replays a Worker's journal may pause before --no-follow takes it as caught up. */
const CAUGHT_UP_MS = 500;

interface Numbered {
  readonly seq: number;
  readonly entry: WireEntry;
}

/** A Worker's journal; with --no-follow, what it sends until it pauses (the SSE route has no end of replay). */
async function* remoteEntries(
  target: RemoteTarget,
  runId: string,
  follow: boolean,
  after: number | undefined,
): AsyncGenerator<Numbered> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = (ms: number) => {
    if (follow) return;
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(), ms);
  };
  arm(target.timeoutMs);
  try {
    for await (const item of followRun(target, runId, {
      signal: controller.signal,
      ...(after === undefined ? {} : { after }),
    })) {
      arm(CAUGHT_UP_MS);
      yield item;
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
  }
}

export async function logsCommand(argv: readonly string[], io: RunIo): Promise<number> {
  try {
    const { values, positionals } = parseVerbArgs(argv, OPTIONS);
    if (values.help) {
      io.stdout(LOGS_HELP);
      return 0;
    }
    const [runId, ...extra] = positionals;
    if (runId === undefined) throw new UsageError("USAGE", "name the run id whose journal to print");
    if (extra.length > 0) throw new UsageError("USAGE", `unexpected arguments: ${extra.join(" ")}`);
    if (values.follow && values["no-follow"]) throw new UsageError("USAGE", "give --follow or --no-follow, not both");
    const format = readFormat(values.format);
    const after = values.after === undefined ? undefined : Number(values.after);
    if (after !== undefined && !(Number.isInteger(after) && after >= -1)) {
      throw new UsageError("USAGE", "--after must be a sequence number (0, 1, …) as flows logs prints them");
    }
    const follow = values["no-follow"] !== true;
    const target = targetOf(values, io);
    const where = target === undefined ? `under ${resolve(values.state ?? ".flows")}` : `on ${target.display}`;
    const entries: AsyncIterable<Numbered> =
      target === undefined
        ? localEntries(resolve(values.state ?? ".flows"), runId, follow, after)
        : remoteEntries(target, runId, follow, after);
    let seen = 0;
    let last: WireEntry | undefined;
    try {
      for await (const { seq, entry } of entries) {
        seen += 1;
        last = entry;
        io.stdout(formatLogEntry(seq, entry, format));
        if (follow && (entry.type === "halted" || entry.type === "suspended")) {
          io.stderr(`flows logs: run ${runId} ${waiting(entry)}; following (Ctrl-C stops)\n`);
        }
      }
    } catch (error) {
      if (error instanceof RemoteError && error.code === "RUN404") return noRun(io, runId, where);
      throw error;
    }
    if (seen === 0 && after === undefined) return noRun(io, runId, where);
    if (last?.type === "finished" && last.status !== "completed") return EXIT_FAILED;
    return EXIT_OK;
  } catch (error) {
    return reportUsage(error, io, "logs");
  }
}

async function* localEntries(
  stateDir: string,
  runId: string,
  follow: boolean,
  after: number | undefined,
): AsyncGenerator<Numbered> {
  for await (const { seq, entry } of followLocalJournal(stateDir, runId, {
    follow,
    ...(after === undefined ? {} : { after }),
  })) {
    // A run that never started has nothing to follow.
    if (seq === 0 && entry.type !== "started") return;
    yield { seq, entry: journalEntryWire(entry) };
  }
}

function waiting(entry: WireEntry): string {
  if (entry.type === "suspended") {
    const at = typeof entry.wake_at === "number" ? new Date(entry.wake_at).toISOString() : "its wake time";
    return `is suspended until ${at}`;
  }
  const event =
    entry.event !== null && typeof entry.event === "object" ? (entry.event as { name?: unknown }).name : undefined;
  return typeof event === "string"
    ? `waits for the event "${event}"`
    : `halted at checkpoint "${String(entry.checkpoint)}": waiting for flows resume`;
}

function noRun(io: RunIo, runId: string, where: string): number {
  io.stderr(`flows logs: RUN404: no run ${runId} ${where} (see "flows runs")\n`);
  return EXIT_FAILED;
}
