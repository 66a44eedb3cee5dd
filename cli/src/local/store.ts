import { Operator } from "opendal";

/**
 * The directory behind `flows run`: journal, dedupe ledger and state, through OpenDAL's fs
 * service. Every whole-file write goes to `.tmp/`, is flushed and renamed into place, so a
 * process killed mid-write leaves the previous version or the new one, never a torn file.
 * Appends (the journal) open the file with O_APPEND and flush each one.
 */
export function openLocalStore(root: string): Operator {
  return new Operator("fs", { root, atomic_write_dir: `${root}/.tmp` });
}

export { segment, unsegment } from "./segment";

export function isNotFound(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith("NotFound");
}

/**
 * A state file that exists but does not parse. Writes are atomic, so this means damage from
 * outside (a full disk, a hand edit, a copy cut short): it is never read as "no record", which
 * would let an effect happen twice.
 */
export class TornStateError extends Error {
  readonly code = "STATE422";
  readonly retryable = false;
  readonly details: Readonly<Record<string, unknown>>;
  constructor(path: string, reason: string) {
    super(
      `state file ${path} (under the state directory) is damaged: ${reason}. flows will not treat it as missing; ` +
        "restore it from a backup, or remove it if you know what it recorded.",
    );
    this.details = { file: path };
  }
}

/** Parses a whole-file JSON record; an empty or unparsable file is a TornStateError. */
export function parseRecord(path: string, bytes: Buffer): unknown {
  const text = bytes.toString("utf8");
  if (text.trim() === "") throw new TornStateError(path, "empty file");
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new TornStateError(path, error instanceof Error ? error.message : String(error));
  }
}
