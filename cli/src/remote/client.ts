import type { RunQuery } from "../views/run-query";
import type { RunDetail, WireJournalEntry, WireRunList } from "../views/wire";
import { callJson, readJson, refusal, send } from "./http";
import { RemoteError } from "./remote-error";
import { readSse } from "./sse";
import type { RemoteTarget } from "./target";

const runPath = (runId: string) => `runs/${encodeURIComponent(runId)}`;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function shapeError(target: RemoteTarget, what: string): RemoteError {
  return new RemoteError(
    "REMOTE502",
    `${target.display} answered ${what} in a shape this flows does not know: are the Worker and the CLI the same version?`,
  );
}

/** `GET /runs` with the query's filters. */
export async function listRuns(target: RemoteTarget, query: RunQuery): Promise<WireRunList> {
  const params = new URLSearchParams();
  if (query.flow !== undefined) params.set("flow", query.flow);
  if (query.status !== undefined) params.set("status", query.status.join(","));
  if (query.since !== undefined) params.set("since", String(query.since));
  if (query.until !== undefined) params.set("until", String(query.until));
  if (query.cursor !== undefined) params.set("cursor", query.cursor);
  params.set("limit", String(query.limit));
  const { body } = await callJson(target, "runs", { query: params });
  if (!isObject(body) || !Array.isArray(body.runs)) throw shapeError(target, "GET /runs");
  return {
    runs: body.runs,
    next_cursor: typeof body.next_cursor === "string" ? body.next_cursor : null,
  } as WireRunList;
}

/** `GET /runs/:id`. */
export async function getRun(target: RemoteTarget, runId: string): Promise<RunDetail> {
  const { body } = await callJson(target, runPath(runId));
  if (!isObject(body) || typeof body.run_id !== "string" || typeof body.status !== "string") {
    throw shapeError(target, `GET /runs/${runId}`);
  }
  if (!Array.isArray(body.nodes) || !Array.isArray(body.events)) throw shapeError(target, `GET /runs/${runId}`);
  // Checked as far as the formatter leans on it; the rest is the Worker's, printed as it came.
  return body as unknown as RunDetail;
}

/** What `POST /runs/:id/resume` answered: a run outcome (200 completed, 202 halted or suspended) or its error. */
export interface ResumeAnswer {
  readonly status: number;
  readonly body: Readonly<Record<string, unknown>>;
}

/**
 * `POST /runs/:id/resume`. A run that failed after resuming answers with the error envelope
 * and the run's id in its details: that is an outcome, returned, not thrown.
 */
export async function resumeRun(
  target: RemoteTarget,
  runId: string,
  request: { token: string; payload: unknown },
): Promise<ResumeAnswer> {
  const path = `${runPath(runId)}/resume`;
  return outcomeCall(target, path, request);
}

/** `POST /runs/:id/cancel`: the run's summary after the cancel. */
export async function cancelRun(target: RemoteTarget, runId: string): Promise<Readonly<Record<string, unknown>>> {
  const { body } = await callJson(target, `${runPath(runId)}/cancel`, { method: "POST", body: {} });
  if (!isObject(body)) throw shapeError(target, `POST /runs/${runId}/cancel`);
  return body;
}

async function outcomeCall(target: RemoteTarget, path: string, request: unknown): Promise<ResumeAnswer> {
  try {
    const { status, body } = await callJson(target, path, { method: "POST", body: request });
    if (!isObject(body)) throw shapeError(target, `POST /${path}`);
    return { status, body };
  } catch (error) {
    if (error instanceof RemoteError && typeof error.details.run_id === "string" && error.httpStatus !== undefined) {
      // The run went on and failed: its error is the answer.
      return {
        status: error.httpStatus,
        body: { code: error.code, error: error.message, details: error.details },
      };
    }
    throw error;
  }
}

/** One journal entry from `GET /runs/:id/events`, with its sequence number. */
export interface RemoteEntry {
  readonly seq: number;
  readonly entry: WireJournalEntry;
}

export interface FollowOptions {
  /** Entries after this sequence number only. */
  readonly after?: number;
  readonly signal?: AbortSignal;
  /** How many times a dropped stream is opened again in a row before giving up. */
  readonly reconnects?: number;
  readonly reconnectDelayMs?: number;
}

/**
 * The run's journal from `GET /runs/:id/events`: what is journaled, then live appends, until
 * the `finished` entry. A stream that drops before then is opened again after the last entry
 * seen (Last-Event-ID), as EventSource does.
 */
export async function* followRun(
  target: RemoteTarget,
  runId: string,
  options: FollowOptions = {},
): AsyncGenerator<RemoteEntry> {
  const path = `${runPath(runId)}/events`;
  let last = options.after ?? -1;
  let failures = 0;
  const reconnects = options.reconnects ?? 5;
  for (;;) {
    if (options.signal?.aborted) return;
    let response: Response;
    try {
      response = await send(target, path, {
        accept: "text/event-stream",
        ...(last >= 0 ? { headers: { "last-event-id": String(last) } } : {}),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
    } catch (error) {
      if (
        options.signal?.aborted ||
        !(error instanceof RemoteError) ||
        error.code !== "REMOTE503" ||
        failures >= reconnects
      )
        throw error;
      failures += 1;
      await pause(options.reconnectDelayMs ?? 1000, options.signal);
      continue;
    }
    if (!response.ok) throw refusal(target, "GET", path, response.status, await readJson(target, path, response));
    const type = response.headers.get("content-type") ?? "";
    if (!type.includes("text/event-stream") || response.body === null) {
      await response.body?.cancel();
      throw new RemoteError(
        "REMOTE502",
        `${target.display}/${path} did not answer with an event stream (${type || "no content type"}): is the Worker published with this version of flows?`,
        response.status,
      );
    }
    try {
      for await (const event of readSse(response.body)) {
        const seq = Number(event.id);
        let entry: unknown;
        try {
          entry = JSON.parse(event.data);
        } catch {
          throw new RemoteError("REMOTE502", `${target.display}/${path} sent an event whose data is not JSON`);
        }
        if (!isObject(entry) || typeof entry.type !== "string") continue;
        failures = 0;
        if (Number.isInteger(seq)) {
          if (seq <= last) continue;
          last = seq;
        }
        yield { seq: Number.isInteger(seq) ? seq : last, entry: entry as WireJournalEntry };
        if (entry.type === "finished") return;
      }
    } catch (error) {
      if (options.signal?.aborted || error instanceof RemoteError) throw error;
      // The connection dropped mid-stream: open it again below.
    }
    if (failures >= reconnects) {
      throw new RemoteError("REMOTE503", `${target.display}/${path} kept closing the stream before the run finished`);
    }
    failures += 1;
    await pause(options.reconnectDelayMs ?? 1000, options.signal);
  }
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((done) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        done();
      },
      { once: true },
    );
  });
}
