import { resolve } from "node:path";
import { foldJournal, runDetail } from "@flows/kernel";
import { parseVerbArgs } from "../args";
import { EXIT_FAILED, reportUsage, UsageError } from "../exit";
import { createFsJournal } from "../local/journal";
import { listLocalRuns } from "../local/run-list";
import { openLocalStore } from "../local/store";
import { getRun, listRuns } from "../remote/client";
import { RemoteError } from "../remote/remote-error";
import { REMOTE_HELP, REMOTE_OPTIONS, remoteTarget } from "../remote/target";
import { formatRunDetail } from "../views/run-detail";
import { formatRunList, type ViewFormat } from "../views/run-list";
import { readRunQuery } from "../views/run-query";
import { recordedFlow } from "./recorded-flow";
import type { RunIo } from "./run-io";

export const RUNS_HELP = `Usage: flows runs [filters] [--state <dir> | --url <url>] [--format text|json]

Lists runs, newest first: run id, flow, status, start time and, for halted runs, the
checkpoint they wait at. Local runs by default; with --url (or FLOWS_URL) the runs of a
Worker (flows dev or deployed), from its run index.

Filters:
  --flow <name>        runs of this flow only
  --status <status>    running, suspended, halted, completed, failed or cancelled
                       (several comma-separated)
  --since <time>       started at or after: ISO 8601, epoch ms, or an age (30m, 2h, 7d)
  --until <time>       started before
  --limit <n>          at most n runs (1–200, default 50); the next page's --cursor is
                       printed on stderr
  --cursor <cursor>    the page after the one that printed it

Options:
  --state <dir>        state directory (default: .flows)
${REMOTE_HELP}  --format <format>    text (default) or json: an array of runs (run_id, flow, status, trigger,
                       started_at, updated_at, finished_at, checkpoint, wake_at, error_code;
                       times in epoch ms), as the items of GET /runs
  -h, --help           show this help
`;

export const INSPECT_HELP = `Usage: flows inspect <run-id> [--state <dir> | --url <url>] [--format text|json]

Shows what happened in one run: every node of its flow with its status, attempts,
duration, error code and (briefly) its input and output, the halts, resumes and retries
along the way, then the run's status (and checkpoint and token when it is halted). A local
run by default; with --url (or FLOWS_URL) a Worker's run. With --format json, the run
detail as GET /runs/:id answers it (values over 4 KiB of JSON shown as
{"$truncated": true, "bytes", "preview"}).

Options:
  --state <dir>        state directory (default: .flows)
${REMOTE_HELP}  --format <format>    text (default) or json (the run as GET /runs/:id answers it)
  -h, --help           show this help
`;

const VIEW_OPTIONS = {
  state: { type: "string" },
  format: { type: "string" },
  help: { type: "boolean", short: "h" },
  ...REMOTE_OPTIONS,
} as const;

const RUNS_OPTIONS = {
  ...VIEW_OPTIONS,
  flow: { type: "string" },
  status: { type: "string" },
  since: { type: "string" },
  until: { type: "string" },
  limit: { type: "string" },
  cursor: { type: "string" },
} as const;

export function readFormat(format: string | undefined): ViewFormat {
  if (format === undefined || format === "text" || format === "json") return format ?? "text";
  throw new UsageError("USAGE", `unknown --format "${format}": use text or json`);
}

/**
 * The Worker named by --url/--token (or the environment), or undefined for local runs. An
 * explicit --state means local runs even when FLOWS_URL is set; with --url it is a mistake.
 */
export function targetOf(
  values: {
    url?: string | undefined;
    token?: string | undefined;
    "request-timeout"?: string | undefined;
    state?: string | undefined;
  },
  io: RunIo,
) {
  if (values.state !== undefined) {
    if (values.url !== undefined) {
      throw new UsageError("USAGE", "--state reads local runs and --url a Worker's: give one");
    }
    if (values.token !== undefined) throw new UsageError("USAGE", "--token is for a Worker's runs, not with --state");
    return undefined;
  }
  return remoteTarget({ url: values.url, token: values.token, requestTimeout: values["request-timeout"] }, io.env);
}

export async function runsCommand(argv: readonly string[], io: RunIo): Promise<number> {
  try {
    const { values, positionals } = parseVerbArgs(argv, RUNS_OPTIONS);
    if (values.help) {
      io.stdout(RUNS_HELP);
      return 0;
    }
    if (positionals.length > 0) throw new UsageError("USAGE", `unexpected arguments: ${positionals.join(" ")}`);
    const format = readFormat(values.format);
    const query = readRunQuery(values, Date.now());
    const target = targetOf(values, io);
    const list =
      target === undefined
        ? await listLocalRuns(resolve(values.state ?? ".flows"), query)
        : await listRuns(target, query);
    const { stdout, stderr } = formatRunList(list, format);
    io.stdout(stdout);
    io.stderr(stderr);
    return 0;
  } catch (error) {
    return reportUsage(error, io, "runs");
  }
}

export async function inspectCommand(argv: readonly string[], io: RunIo): Promise<number> {
  try {
    const { values, positionals } = parseVerbArgs(argv, VIEW_OPTIONS);
    if (values.help) {
      io.stdout(INSPECT_HELP);
      return 0;
    }
    const [runId, ...extra] = positionals;
    if (runId === undefined) throw new UsageError("USAGE", "name the run id to inspect");
    if (extra.length > 0) throw new UsageError("USAGE", `unexpected arguments: ${extra.join(" ")}`);
    const format = readFormat(values.format);
    const target = targetOf(values, io);
    if (target !== undefined) {
      try {
        io.stdout(formatRunDetail(await getRun(target, runId), format));
        return 0;
      } catch (error) {
        if (error instanceof RemoteError && error.code === "RUN404") {
          io.stderr(`flows inspect: RUN404: no run ${runId} on ${target.display} (see "flows runs --url …")\n`);
          return EXIT_FAILED;
        }
        throw error;
      }
    }
    const stateDir = resolve(values.state ?? ".flows");
    const entries = await createFsJournal(openLocalStore(stateDir)).read(runId);
    const state = foldJournal(runId, entries);
    // The graph and node inputs come from the flow file the run recorded, when it still holds that version.
    const detail =
      state.started === undefined ? undefined : runDetail(runId, entries, await recordedFlow(stateDir, state));
    if (detail === undefined) {
      io.stderr(`flows inspect: no run ${runId} under ${stateDir} (see "flows runs")\n`);
      return EXIT_FAILED;
    }
    io.stdout(formatRunDetail(detail, format));
    return 0;
  } catch (error) {
    return reportUsage(error, io, "inspect");
  }
}
