import { type JournalEntry, journalEntryWire, type Kernel } from "@flows/kernel";
import { errorResponse } from "./envelope";
import type { JournalFeed } from "./journal-feed";
import { readJournalAfter } from "./sql-journal";
import { isPending } from "./wake-schedule";

/** What a run object lends its views: its kernel, storage and the feed of its appends. */
export interface RunViewSource {
  readonly storage: DurableObjectStorage;
  readonly feed: JournalFeed;
  /** The kernel, created (with the journal) only once a run is known to exist. */
  kernel(): Promise<Kernel>;
  /** Whether this object holds a journal: a view of a made-up run id creates no storage. */
  journaled(): boolean;
}

/** A follower with nothing new hears a comment this often, so idle proxies keep the stream and a gone client is noticed. */
const KEEP_ALIVE_MS = 15_000;

const notFound = (runId: string) => errorResponse({ code: "RUN404", message: `no run ${runId}` });

/**
 * The run object's internal view routes: `GET /detail`, `GET /node`, `GET /journal`. Undefined
 * for any other route.
 */
export async function serveRunView(route: string, url: URL, source: RunViewSource): Promise<Response | undefined> {
  const runId = url.searchParams.get("run") ?? "";
  switch (route) {
    case "GET /detail": {
      const detail = source.journaled() ? await (await source.kernel()).detail(runId) : undefined;
      return detail === undefined ? notFound(runId) : Response.json(detail);
    }
    case "GET /node": {
      if (!source.journaled()) return notFound(runId);
      const kernel = await source.kernel();
      const node = url.searchParams.get("node") ?? "";
      const values = await kernel.nodeValues(runId, node);
      if (values !== undefined) return Response.json(values);
      if ((await kernel.detail(runId)) === undefined) return notFound(runId);
      return errorResponse({ code: "NODE404", message: `run ${runId} has no node "${node}"` });
    }
    case "GET /journal": {
      const known = source.journaled() ? readJournalAfter(source.storage, runId, -1) : [];
      // A run started asynchronously may not have begun yet: its follower waits for it.
      if (known.length === 0 && !isPending(source.storage, runId)) return notFound(runId);
      const after = Number(url.searchParams.get("after") ?? "-1");
      const finished = known.some((row) => row.entry.type === "finished");
      return followJournal(source, runId, Number.isInteger(after) ? after : -1, finished);
    }
    default:
      return undefined;
  }
}

const encoder = new TextEncoder();

function frame(seq: number, entry: JournalEntry): Uint8Array {
  return encoder.encode(`id: ${seq}\nevent: ${entry.type}\ndata: ${JSON.stringify(journalEntryWire(entry))}\n\n`);
}

/**
 * Server-Sent Events of a run's journal after `after`: what is stored, then each append as it
 * happens, until the `finished` entry. The feed wakes the follower; storage says what is new.
 */
function followJournal(source: RunViewSource, runId: string, after: number, finished: boolean): Response {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  let open = true;
  let grew = true;
  let wake: (() => void) | undefined;
  const nudge = () => {
    grew = true;
    wake?.();
  };
  const unfollow = source.feed.follow(runId, nudge);
  writer.closed.catch(() => {
    open = false;
    wake?.();
  });
  const idle = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, KEEP_ALIVE_MS);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  const pump = async () => {
    // A finished run sends what the follower has not seen and ends, even when that is nothing.
    if (finished) {
      for (const row of readJournalAfter(source.storage, runId, after)) await writer.write(frame(row.seq, row.entry));
      return;
    }
    let last = after;
    while (open) {
      if (!grew) {
        await idle();
        wake = undefined;
        if (!open) return;
        // Storage is looked at again after a quiet spell too: the feed wakes a follower at
        // once, this is the safety net should an append ever reach storage another way.
        if (!grew) await writer.write(encoder.encode(": keep-alive\n\n"));
      }
      grew = false;
      const rows = source.journaled() ? readJournalAfter(source.storage, runId, last) : [];
      for (const row of rows) {
        await writer.write(frame(row.seq, row.entry));
        last = row.seq;
        if (row.entry.type === "finished") return;
      }
    }
  };
  pump()
    .catch(() => {})
    .finally(() => {
      unfollow();
      if (open) writer.close().catch(() => {});
    });
  return new Response(readable, {
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" },
  });
}
