import { CapError } from "@flows/caps";

/** A body stream the Worker holds for a container: closed when cancelled, idle or evicted. */
export interface HeldStream {
  /** Outbound bodies nobody reads may be dropped for new ones; inbound ones never are. */
  readonly evictable: boolean;
  close(reason: CapError): void;
}

export type Outcome = { readonly result: unknown } | { readonly error: unknown };

export interface StreamTableOptions {
  readonly idleMs: number;
  readonly maxStreams: number;
}

/**
 * The body streams one set of handlers holds, by id. Each one is closed after `idleMs` without
 * a call naming it, so a container that goes away mid-body releases the Worker's readers; at
 * `maxStreams`, opening one more drops the least recently used unread download, or is refused
 * (CAP503, retryable) when every stream is an upload in progress. Finished uploads leave their
 * outcome behind (as many as `maxStreams`), for chunks that were already on their way.
 */
export function createStreamTable(options: StreamTableOptions) {
  // A Map keeps insertion order: re-inserting on use makes its first entry the least recently used.
  const live = new Map<string, { held: HeldStream; timer: ReturnType<typeof setTimeout> }>();
  const finished = new Map<string, Outcome>();
  const prefix = crypto.randomUUID().slice(0, 8);
  let counter = 0;

  const arm = (id: string, held: HeldStream) =>
    setTimeout(() => {
      live.delete(id);
      held.close(new CapError("CAP503", `body stream ${id} was idle for ${options.idleMs} ms`, { stream: id }, true));
    }, options.idleMs);

  const makeRoom = () => {
    if (live.size < options.maxStreams) return;
    for (const [id, entry] of live) {
      if (!entry.held.evictable) continue;
      drop(id)?.close(new CapError("CAP503", `body stream ${id} was dropped for a newer one`, { stream: id }, true));
      return;
    }
    throw new CapError("CAP503", `${options.maxStreams} body streams are open; try again when one finishes`, {}, true);
  };

  const drop = (id: string): HeldStream | undefined => {
    const entry = live.get(id);
    if (entry === undefined) return undefined;
    clearTimeout(entry.timer);
    live.delete(id);
    return entry.held;
  };

  return {
    /** Registers a stream made for its id; throws CAP503 when no room can be made. */
    open<T extends HeldStream>(make: (id: string) => T): { id: string; held: T } {
      makeRoom();
      counter += 1;
      const id = `${prefix}-${counter}`;
      const held = make(id);
      live.set(id, { held, timer: arm(id, held) });
      return { id, held };
    },
    /** The live stream with this id, its idle clock restarted. */
    use(id: string): HeldStream | undefined {
      const entry = live.get(id);
      if (entry === undefined) return undefined;
      clearTimeout(entry.timer);
      live.delete(id);
      live.set(id, { held: entry.held, timer: arm(id, entry.held) });
      return entry.held;
    },
    /** Forgets a stream (it ended or was cancelled); returns it so the caller can close it. */
    drop,
    /** Forgets an upload whose operation settled, keeping how it ended for late chunks. */
    finish(id: string, outcome: Outcome): void {
      drop(id);
      finished.set(id, outcome);
      if (finished.size > options.maxStreams) {
        const oldest = finished.keys().next().value;
        if (oldest !== undefined) finished.delete(oldest);
      }
    },
    outcome: (id: string): Outcome | undefined => finished.get(id),
    closeAll(reason: CapError): void {
      for (const id of [...live.keys()]) drop(id)?.close(reason);
    },
    get size(): number {
      return live.size;
    },
  };
}

export type StreamTable = ReturnType<typeof createStreamTable>;
