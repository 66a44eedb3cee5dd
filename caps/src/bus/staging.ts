import { base64ToBytes, bytesToBase64 } from "./base64";
import { type BusError, busError } from "./frames";

/** Bytes per part of a staged message (about 350 KiB as base64, far below the 1 MiB frame cap). */
export const STAGE_PART_BYTES = 256 * 1024;
/** Parts in flight per message: what either side holds beyond the message itself. */
export const STAGE_WINDOW = 4;

export interface BusStagingOptions {
  /** Bytes of staged messages held at once; beyond it a new one is refused with BUS429 (busy). */
  readonly maxBytes?: number;
  /** A staged message nobody touches for this long is dropped. */
  readonly idleMs?: number;
  readonly now?: () => number;
  readonly newId?: () => string;
}

/** Where a staged message is and how to read it: answered instead of a result too large for a frame. */
export interface StagedRef {
  readonly stage: string;
  readonly bytes: number;
  readonly part_bytes: number;
}

/** One part of a message the container sends, every part naming the whole so any may come first. */
export interface StagePart {
  readonly stage: string;
  readonly method: string;
  readonly bytes: number;
  readonly part_bytes: number;
  readonly seq: number;
  readonly data: string;
}

interface Incoming {
  readonly kind: "in";
  readonly method: string;
  readonly buffer: Uint8Array;
  readonly partBytes: number;
  readonly seen: Set<number>;
  received: number;
  touched: number;
}

interface Outgoing {
  readonly kind: "out";
  readonly buffer: Uint8Array;
  readonly partBytes: number;
  readonly seen: Set<number>;
  touched: number;
}

class StageError extends Error implements BusError {
  readonly code: string;
  readonly retryable: boolean;
  constructor(error: BusError) {
    super(error.message);
    this.code = error.code;
    this.retryable = error.retryable;
  }
}

const fail = (code: string, message: string, retryable = false): never => {
  throw new StageError(busError(code, message, retryable));
};

const isCount = (value: unknown): value is number => typeof value === "number" && Number.isInteger(value) && value >= 0;

const partsOf = (bytes: number, partBytes: number) => Math.max(1, Math.ceil(bytes / partBytes));
const partLength = (bytes: number, partBytes: number, seq: number) => Math.min(partBytes, bytes - seq * partBytes);

/**
 * Messages too large for one frame, held by the side that serves the bus while their parts
 * travel: a request's params assembled from parts the client sends (`bus.stage`), a result
 * split into parts the client reads (`bus.unstage`). Each message is one buffer of its exact
 * size, so holding it costs one copy; every staged byte counts against `maxBytes`. One table
 * per container (or per stream channel): its stage ids are random, so one run cannot name
 * another's message.
 */
export function createBusStaging(options: BusStagingOptions = {}) {
  const maxBytes = options.maxBytes ?? 48 * 1024 * 1024;
  const idleMs = options.idleMs ?? 30_000;
  const now = options.now ?? Date.now;
  const newId = options.newId ?? (() => crypto.randomUUID());
  const table = new Map<string, Incoming | Outgoing>();
  /** Messages the client dropped, kept for one idle period: a part still on its way must not reopen one. */
  const dropped = new Map<string, number>();
  let held = 0;

  const drop = (stage: string) => {
    const entry = table.get(stage);
    if (entry === undefined) return;
    table.delete(stage);
    held -= entry.buffer.byteLength;
  };
  /** Lazily, on every use: no timer outlives a request in workerd. */
  const sweep = () => {
    const cutoff = now() - idleMs;
    for (const [stage, entry] of table) if (entry.touched < cutoff) drop(stage);
    for (const [stage, at] of dropped) if (at < cutoff) dropped.delete(stage);
  };
  const reserve = (bytes: number) => {
    if (held + bytes > maxBytes) {
      fail("BUS429", `the bus holds ${held} bytes of staged messages; ${bytes} more would pass ${maxBytes}`, true);
    }
    held += bytes;
  };

  return {
    /** Stores one part of an incoming message, opening it on its first part (whichever that is). */
    part(params: unknown, limitOf: (method: string, bytes: number) => BusError | undefined): null {
      sweep();
      const p = (params ?? {}) as Partial<Record<keyof StagePart, unknown>>;
      if (typeof p.stage !== "string" || p.stage === "" || typeof p.method !== "string" || typeof p.data !== "string") {
        return fail("BUS400", 'bus.stage needs "stage", "method" and "data" strings');
      }
      if (!isCount(p.bytes) || !isCount(p.part_bytes) || p.part_bytes === 0 || !isCount(p.seq)) {
        return fail("BUS400", 'bus.stage needs whole numbers "bytes", "part_bytes" (> 0) and "seq"');
      }
      let entry = table.get(p.stage);
      if (entry === undefined && dropped.has(p.stage)) return fail("BUS404", `stage ${p.stage} was dropped`);
      if (entry === undefined) {
        const refused = limitOf(p.method, p.bytes);
        if (refused !== undefined) throw new StageError(refused);
        reserve(p.bytes);
        entry = {
          kind: "in",
          method: p.method,
          buffer: new Uint8Array(p.bytes),
          partBytes: p.part_bytes,
          seen: new Set(),
          received: 0,
          touched: now(),
        };
        table.set(p.stage, entry);
      }
      if (entry.kind !== "in" || entry.method !== p.method || entry.buffer.byteLength !== p.bytes) {
        return fail("BUS409", `stage ${p.stage} is another message`);
      }
      entry.touched = now();
      if (entry.partBytes !== p.part_bytes || p.seq >= partsOf(p.bytes, p.part_bytes)) {
        return fail("BUS400", `part ${p.seq} of stage ${p.stage} is outside the message`);
      }
      if (entry.seen.has(p.seq)) return null;
      const data = base64ToBytes(p.data);
      if (data === undefined || data.byteLength !== partLength(p.bytes, p.part_bytes, p.seq)) {
        return fail("BUS400", `part ${p.seq} of stage ${p.stage} is not base64 of the part's length`);
      }
      entry.buffer.set(data, p.seq * p.part_bytes);
      entry.seen.add(p.seq);
      entry.received += data.byteLength;
      return null;
    },
    /** The whole incoming message for a call of `method`, let go of here. */
    take(stage: unknown, method: string): Uint8Array {
      sweep();
      const entry = typeof stage === "string" ? table.get(stage) : undefined;
      if (entry === undefined || entry.kind !== "in" || entry.method !== method) {
        return fail(
          "BUS404",
          `no staged message "${String(stage)}" for ${method}: send its parts first (or it idled out)`,
        );
      }
      if (entry.received !== entry.buffer.byteLength) {
        return fail(
          "BUS400",
          `staged message "${stage}" has ${entry.received} of its ${entry.buffer.byteLength} bytes`,
        );
      }
      drop(stage as string);
      return entry.buffer;
    },
    /** Holds an outgoing message for the client to read in parts. */
    offer(bytes: Uint8Array): StagedRef {
      sweep();
      reserve(bytes.byteLength);
      const stage = newId();
      table.set(stage, { kind: "out", buffer: bytes, partBytes: STAGE_PART_BYTES, seen: new Set(), touched: now() });
      return { stage, bytes: bytes.byteLength, part_bytes: STAGE_PART_BYTES };
    },
    /** One part of an outgoing message; the message is let go of once every part was read. */
    read(params: unknown): { data: string } {
      sweep();
      const p = (params ?? {}) as { stage?: unknown; seq?: unknown };
      const entry = typeof p.stage === "string" ? table.get(p.stage) : undefined;
      if (entry === undefined || entry.kind !== "out") {
        return fail("BUS404", `no staged answer "${String(p.stage)}" (read to its end, dropped, or idled out)`);
      }
      const bytes = entry.buffer.byteLength;
      if (!isCount(p.seq) || p.seq >= partsOf(bytes, entry.partBytes)) {
        return fail("BUS400", `part ${String(p.seq)} is outside staged answer "${p.stage}"`);
      }
      entry.touched = now();
      const start = p.seq * entry.partBytes;
      const data = bytesToBase64(entry.buffer.subarray(start, start + partLength(bytes, entry.partBytes, p.seq)));
      entry.seen.add(p.seq);
      if (entry.seen.size === partsOf(bytes, entry.partBytes)) drop(p.stage as string);
      return { data };
    },
    /** The client gave up on a message (either way). */
    drop(params: unknown): null {
      sweep();
      const stage = (params as { stage?: unknown } | null)?.stage;
      if (typeof stage === "string" && stage !== "") {
        drop(stage);
        // Bounded like everything else held here: a flood of drops forgets the oldest first.
        if (dropped.size >= 4096) dropped.delete(dropped.keys().next().value as string);
        dropped.set(stage, now());
      }
      return null;
    },
    /** Bytes held now. */
    get heldBytes(): number {
      return held;
    },
    get size(): number {
      return table.size;
    },
  };
}

export type BusStaging = ReturnType<typeof createBusStaging>;
export { partLength, partsOf };
