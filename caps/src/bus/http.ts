import type { BusAnswer, LineDispatcher } from "./dispatcher";
import { type BusError, busError, DEFAULT_MAX_FRAME_BYTES } from "./frames";
import { createLineReader } from "./line-reader";

/**
 * The host name the container's bus requests go to. It resolves nowhere: the Container class's
 * outbound handler answers it, so the container holds no credentials and no address of ours.
 */
export const BUS_HOST = "bus.flows.internal";
export const DEFAULT_BUS_URL = `http://${BUS_HOST}/bus`;

const NDJSON = "application/x-ndjson";
const encoder = new TextEncoder();

export interface HttpBusOptions {
  readonly maxFrameBytes?: number;
}

/** Feeds every line of a byte stream to `onLine`; resolves when the stream ends. */
async function readLines(
  body: ReadableStream<Uint8Array>,
  maxFrameBytes: number,
  onLine: (line: string) => void,
  onOversize: (droppedBytes: number) => void,
): Promise<void> {
  const reader = createLineReader({ maxLineBytes: maxFrameBytes, onLine, onOversize });
  const stream = body.getReader();
  for (;;) {
    const chunk = await stream.read();
    if (chunk.done) break;
    reader.push(chunk.value);
  }
  // A last frame without its newline is still a frame.
  if (reader.buffered > 0) reader.push(encoder.encode("\n"));
}

/**
 * The Worker side of the bus over HTTP: each request line of the POST body goes to the
 * dispatcher, each answer is streamed back as one NDJSON line as soon as it is ready, in any
 * order. Cancel frames get no answer; an oversized line gets BUS413 and the rest still run.
 */
export async function serveBusOverHttp(
  request: Request,
  dispatcher: LineDispatcher,
  options: HttpBusOptions = {},
): Promise<Response> {
  if (request.method !== "POST") {
    return new Response(
      JSON.stringify({
        error: `the bus takes POST with ${NDJSON} frames, not ${request.method}`,
        code: "BUS405",
        details: { retryable: false },
      }),
      { status: 405, headers: { "content-type": "application/json", allow: "POST" } },
    );
  }
  const max = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  const body = request.body;
  // Once the caller has gone (the response cancelled) or the stream is closed, answers that are
  // still being computed have nowhere to go: they are dropped, never thrown into a handler.
  let open = true;
  const answers = new ReadableStream<Uint8Array>({
    cancel() {
      open = false;
    },
    start(controller) {
      const pending = new Set<Promise<void>>();
      const answer = (line: string | undefined) => {
        if (line === undefined || !open) return;
        try {
          controller.enqueue(encoder.encode(line.endsWith("\n") ? line : `${line}\n`));
        } catch {
          open = false;
        }
      };
      const track = (work: Promise<void>) => {
        pending.add(work);
        void work.finally(() => pending.delete(work));
      };
      const failed = (error: unknown) => answer(JSON.stringify({ id: null, error: busError("BUS500", String(error)) }));
      const onLine = (line: string) => {
        let reply: BusAnswer;
        try {
          reply = dispatcher.respond(line);
        } catch (error) {
          failed(error);
          return;
        }
        // An answer ready at once is enqueued at once; only a handler's promise is waited for.
        if (typeof reply === "string" || reply === undefined) answer(reply);
        else track(reply.then(answer, failed));
      };
      const onOversize = (dropped: number) =>
        answer(
          JSON.stringify({
            id: null,
            error: busError("BUS413", `a frame of ${dropped} bytes exceeds the ${max}-byte limit`),
          }),
        );
      const reading = body === null ? Promise.resolve() : readLines(body, max, onLine, onOversize);
      void reading
        .catch(() => {
          // The client went away mid-body: answer what arrived, then end.
        })
        .then(async () => {
          while (pending.size > 0) await Promise.all([...pending]);
          if (open) {
            open = false;
            controller.close();
          }
        });
    },
  });
  return new Response(answers, { status: 200, headers: { "content-type": NDJSON } });
}

export interface HttpBusChannelOptions {
  /** Where the bus is served; `DEFAULT_BUS_URL` in a container. */
  readonly url: string;
  readonly fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /** Sent with every POST, e.g. `x-flows-meta`. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly maxFrameBytes?: number;
}

export interface HttpBusChannel {
  send(line: string): void;
  /** Aborts POSTs in flight (their calls get BUS503) and refuses further lines. */
  close(): void;
}

/**
 * A request's leading `"id"` and whether a `"method"` follows it, read from the start of the
 * line: the client writes both first, so a part of a large message (hundreds of KiB) is not
 * parsed whole just to learn its id. Anything else falls back to parsing the line.
 */
const LEADING = /^\{"id":("(?:[^"\\]|\\.)*"|null),("method":)?/;

function frameHead(line: string): { id: unknown; request: boolean } | undefined {
  const match = LEADING.exec(line);
  if (match?.[1] !== undefined) return { id: JSON.parse(match[1]) as unknown, request: match[2] !== undefined };
  try {
    const frame = JSON.parse(line) as { id?: unknown; method?: unknown };
    return { id: frame.id, request: typeof frame.method === "string" };
  } catch {
    return undefined;
  }
}

/** Request ids in a batch of lines: every frame that asks for an answer. */
function requestIds(lines: readonly string[]): string[] {
  const ids: string[] = [];
  for (const line of lines) {
    // Not ours to answer when unreadable: the client only sends frames it encoded itself.
    const head = frameHead(line);
    if (head?.request && typeof head.id === "string") ids.push(head.id);
  }
  return ids;
}

/**
 * The container side of the bus over HTTP, usable as `createBusClient`'s `send`: lines sent in
 * the same tick travel in one POST and its answers stream back to `onLine`. A POST that fails
 * (network, non-200, a body cut short) answers each of its unanswered requests with BUS503,
 * retryable, so no call waits for its timeout.
 */
export function createHttpBusChannel(options: HttpBusChannelOptions, onLine: (line: string) => void): HttpBusChannel {
  const doFetch = options.fetch ?? ((input: string, init: RequestInit) => fetch(input, init));
  const max = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  const aborter = new AbortController();
  let batch: string[] = [];
  let scheduled = false;
  let closed = false;

  const fail = (ids: Iterable<string>, error: BusError) => {
    for (const id of ids) onLine(JSON.stringify({ id, error }));
  };

  const post = async (lines: string[]) => {
    const unanswered = new Set(requestIds(lines));
    let reason = "the bus POST failed";
    try {
      const response = await doFetch(options.url, {
        method: "POST",
        headers: { "content-type": NDJSON, ...options.headers },
        body: lines.join(""),
        signal: aborter.signal,
      });
      if (response.status !== 200 || response.body === null) {
        reason = `the bus answered HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`;
      } else {
        await readLines(
          response.body,
          max,
          (line) => {
            // Answers are parsed whole: a malformed one is dropped, and its call still gets BUS503
            // when the POST ends.
            try {
              const id = (JSON.parse(line) as { id?: unknown }).id;
              if (typeof id === "string") unanswered.delete(id);
            } catch {
              return;
            }
            onLine(line);
          },
          () => {},
        );
        reason = "the bus response ended before answering every call";
      }
    } catch (error) {
      reason = closed ? "the bus channel closed" : `the bus POST failed: ${String(error)}`;
    }
    fail(unanswered, busError("BUS503", reason, true));
  };

  const flush = () => {
    scheduled = false;
    const lines = batch;
    batch = [];
    if (lines.length > 0) void post(lines);
  };

  return {
    send(line) {
      if (closed) {
        fail(requestIds([line]), busError("BUS503", "the bus channel is closed", true));
        return;
      }
      batch.push(line.endsWith("\n") ? line : `${line}\n`);
      if (!scheduled) {
        scheduled = true;
        setTimeout(flush, 0);
      }
    },
    close() {
      closed = true;
      aborter.abort();
    },
  };
}
