import { createHash, randomBytes } from "node:crypto";
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "../exit";
import { makeDirs } from "../fs/make-dirs";
import { segment } from "./segment";

/** One executor per run: held by a process while it runs, resumes or retries the run. */
export interface RunLease {
  readonly token: string;
  /** Gives the run up; a no-op when the lease was already lost or released. */
  release(): void;
}

export interface LeaseOptions {
  /** Poll until the run is free instead of failing with RUN409 at once. */
  readonly wait?: boolean;
  /** How long a holder that stops renewing keeps the run (a hung process). */
  readonly ttlMs?: number;
  /** Called once when waiting starts, with the holder's pid. */
  readonly onWait?: (holderPid: number) => void;
}

interface Holder {
  readonly pid: number;
  readonly token: string;
  readonly expires_at: number;
}

const DEFAULT_TTL_MS = 60_000;
const POLL_MS = 25;

const errorCode = (error: unknown) =>
  error !== null && typeof error === "object" && "code" in error ? (error as { code: unknown }).code : undefined;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return errorCode(error) === "EPERM";
  }
}

/** The holder recorded in `path`, "gone" when there is no file, "damaged" when it does not parse. */
function readHolder(path: string): Holder | "gone" | "damaged" {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if (errorCode(error) === "ENOENT") return "gone";
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<Holder>;
    if (typeof parsed.pid === "number" && typeof parsed.token === "string" && typeof parsed.expires_at === "number") {
      return parsed as Holder;
    }
  } catch {
    // Falls through: files are linked into place complete, so this is outside damage.
  }
  return "damaged";
}

/** Writes `holder` to a private name, flushed, so it can be linked or renamed into place whole. */
function writePrivate(path: string, holder: Holder): string {
  const scratch = `${path}.${holder.token}.tmp`;
  const fd = openSync(scratch, "wx");
  try {
    writeSync(fd, JSON.stringify(holder));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return scratch;
}

/** Creates `path` holding `holder` only if it does not exist: link(2) fails with EEXIST atomically. */
function createExclusive(path: string, holder: Holder): boolean {
  const scratch = writePrivate(path, holder);
  try {
    linkSync(scratch, path);
    return true;
  } catch (error) {
    if (errorCode(error) === "EEXIST") return false;
    throw error;
  } finally {
    unlinkSync(scratch);
  }
}

const isStale = (holder: Holder, now: number) => holder.expires_at <= now || !isAlive(holder.pid);

/**
 * Removes the lock in `path` if it still is the stale one that was read. Takers serialise on a
 * second lock file, so two processes that both saw the same dead holder cannot remove each
 * other's fresh lock.
 */
function removeStale(path: string, stale: Holder | "damaged", self: Holder): void {
  const guard = `${path}.takeover`;
  if (!createExclusive(guard, self)) {
    const other = readHolder(guard);
    // A taker that died inside the takeover (a window of microseconds) leaves its guard behind.
    if (other !== "gone" && (other === "damaged" || isStale(other, Date.now()))) unlinkIfPresent(guard);
    return;
  }
  try {
    const current = readHolder(path);
    const same =
      current === "damaged"
        ? stale === "damaged"
        : current !== "gone" && stale !== "damaged" && current.token === stale.token;
    if (same) unlinkIfPresent(path);
  } finally {
    unlinkIfPresent(guard);
  }
}

function unlinkIfPresent(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if (errorCode(error) !== "ENOENT") throw error;
  }
}

/**
 * Takes the lease on `runId` under `stateDir`: a lock file naming the owner pid and an expiry,
 * created atomically, renewed while the process lives. A holder whose process is gone, or that
 * stopped renewing past its expiry, is taken over. Otherwise RUN409 at once, or with
 * `wait` the call polls until the run is free.
 */
export async function acquireRunLease(stateDir: string, runId: string, options: LeaseOptions = {}): Promise<RunLease> {
  const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
  const dir = makeDirs(join(stateDir, "locks"), "STATE400", "lock directory");
  const path = join(dir, `${segment(runId)}.lock`);
  const token = randomBytes(12).toString("hex");
  const holderNow = (): Holder => ({ pid: process.pid, token, expires_at: Date.now() + ttlMs });
  let waiting = false;
  for (;;) {
    if (createExclusive(path, holderNow())) break;
    const current = readHolder(path);
    if (current === "gone") continue;
    if (current === "damaged" || isStale(current, Date.now())) {
      removeStale(path, current, holderNow());
      continue;
    }
    if (!options.wait) {
      throw new UsageError(
        "RUN409",
        `run ${runId} is being executed by process ${current.pid}: wait for it to finish, or pass --wait`,
        1,
      );
    }
    if (!waiting) {
      waiting = true;
      options.onWait?.(current.pid);
    }
    await new Promise((done) => setTimeout(done, POLL_MS));
  }
  const renew = () => {
    const current = readHolder(path);
    if (current === "gone" || current === "damaged" || current.token !== token) return;
    renameSync(writePrivate(path, holderNow()), path);
  };
  const timer = setInterval(renew, Math.max(1, Math.floor(ttlMs / 3)));
  timer.unref();
  return {
    token,
    release() {
      clearInterval(timer);
      const current = readHolder(path);
      if (current !== "gone" && current !== "damaged" && current.token === token) unlinkIfPresent(path);
    },
  };
}

/**
 * Whether a live process holds the lease on `runId` right now. Every local executor holds its
 * run's lease, so a run without one is not executing: its unfinished reservations are abandoned.
 * A damaged lock file counts as held, the cautious reading.
 */
export function isRunLeaseHeld(stateDir: string, runId: string): boolean {
  const current = readHolder(join(stateDir, "locks", `${segment(runId)}.lock`));
  if (current === "gone") return false;
  return current === "damaged" || !isStale(current, Date.now());
}

/** How long a key lock outlives a holder that hangs; held for a read and a write, milliseconds. */
const KEY_LOCK_TTL_MS = 10_000;

/**
 * Runs `work` holding the lock on an idempotency key, waiting while another process holds it:
 * the same lock files as run leases (a holder that died is taken over), in their own namespace.
 */
export async function withKeyLock<T>(stateDir: string, key: string, work: () => Promise<T>): Promise<T> {
  // Hashed: a key of any length makes a short file name, and "~" is never in a run id.
  const name = `key~${createHash("sha256").update(key).digest("hex").slice(0, 32)}`;
  const lock = await acquireRunLease(stateDir, name, { wait: true, ttlMs: KEY_LOCK_TTL_MS });
  try {
    return await work();
  } finally {
    lock.release();
  }
}
