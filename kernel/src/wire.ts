import type { FlowError } from "./errors";
import type { JournalEntry } from "./journal";
import type { RunOutcome } from "./scheduler";

/**
 * The JSON forms things take on the wire (HTTP routes, Server-Sent Events, `--format json`):
 * field names in snake_case, as Flow IR and the error envelope spell theirs. Only the keys of
 * our own shapes are renamed; a user's values (payloads, outputs, error details) go out as given.
 */

/** `startedAt` → `started_at`: one rule for every key of our own. */
export function snakeKey(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** A journal entry as JSON on the wire: its own keys in snake_case, its values untouched. */
export type WireJournalEntry = { readonly type: JournalEntry["type"] } & Readonly<Record<string, unknown>>;

export function journalEntryWire(entry: JournalEntry): WireJournalEntry {
  const wire: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entry)) wire[snakeKey(key)] = value;
  return wire as WireJournalEntry;
}

/** An error as the envelope carries it. */
export interface WireError {
  readonly code: string;
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>>;
  readonly retryable: boolean;
}

export function errorWire(error: FlowError): WireError {
  return { code: error.code, message: error.message, details: error.details ?? {}, retryable: error.retryable };
}

/** How large a value's JSON may be before a view shows a preview of it instead. */
export const CAPPED_VALUE_BYTES = 4096;

/** What stands for a value too large to show in a view; the whole value is one request away. */
export interface TruncatedValue {
  readonly $truncated: true;
  /** Length of the value's JSON in UTF-8 bytes. */
  readonly bytes: number;
  /** The JSON's first 4 KiB. */
  readonly preview: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The value itself when its JSON is at most 4 KiB, else a marker with its size and a preview. */
export function cappedValue(value: unknown, limit = CAPPED_VALUE_BYTES): unknown {
  const text = JSON.stringify(value ?? null) ?? "null";
  // A string's UTF-8 length is at most three bytes per UTF-16 unit: most values need no encoding.
  if (text.length * 3 <= limit) return value ?? null;
  const encoded = encoder.encode(text);
  if (encoded.length <= limit) return value ?? null;
  // Cut at a byte count; a character split in two at the end is dropped rather than mangled.
  const preview = decoder.decode(encoded.subarray(0, limit)).replace(/\uFFFD$/, "");
  return { $truncated: true, bytes: encoded.length, preview } satisfies TruncatedValue;
}

/**
 * How a run's execution ended, on the wire. A halt's token is left out: a host hands out its
 * own (signed) form of it where a caller may resume.
 */
export function outcomeWire(outcome: RunOutcome): Record<string, unknown> {
  const base = { run_id: outcome.runId, flow: outcome.flow, status: outcome.status };
  switch (outcome.status) {
    case "completed":
      return { ...base, output: outcome.output };
    case "halted":
      return {
        ...base,
        node: outcome.node,
        checkpoint: outcome.checkpoint,
        details: outcome.details,
        deadline_at: outcome.deadline ?? null,
        event: outcome.event ?? null,
      };
    case "suspended":
      return { ...base, wake_at: outcome.wakeAt };
    default:
      return { ...base, error: errorWire(outcome.error) };
  }
}
