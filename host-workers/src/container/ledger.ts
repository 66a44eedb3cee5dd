/** One observed stop of the container process. */
export interface StopRecord {
  readonly at: number;
  readonly exitCode: number;
  /** Not asked for (sleep, explicit stop) and not a clean exit. */
  readonly crash: boolean;
}

export interface LedgerView {
  readonly crashesInWindow: number;
  readonly crashesTotal: number;
  readonly lastExit: StopRecord | undefined;
  readonly trippedAt: number | undefined;
  /** The stop the instance is still down from was a crash. */
  readonly downFromCrash: boolean;
  /** When the process last became ready, and how many times it did. */
  readonly lastStart: number | undefined;
  readonly startsTotal: number;
  /** An operator stopped it: nothing starts it again until an operator starts it. */
  readonly held: boolean;
}

/**
 * The restart bookkeeping of one container instance, in its Durable Object's SQLite: every stop
 * once (keyed by the state change that reported it, since the library and the request path both
 * see it), crash times for the crash-loop window, and whether protection tripped.
 */
export function createContainerLedger(sql: SqlStorage, crashLoop: { maxCrashes: number; windowMs: number }) {
  sql.exec(
    "CREATE TABLE IF NOT EXISTS flows_container_stops (key TEXT PRIMARY KEY, at INTEGER NOT NULL, exit_code INTEGER NOT NULL, crash INTEGER NOT NULL)",
  );
  sql.exec("CREATE TABLE IF NOT EXISTS flows_container_flags (name TEXT PRIMARY KEY, value TEXT NOT NULL)");

  const flag = (name: string): string | undefined =>
    sql.exec<{ value: string }>("SELECT value FROM flows_container_flags WHERE name = ?", name).toArray()[0]?.value;
  const setFlag = (name: string, value: string | undefined) => {
    if (value === undefined) sql.exec("DELETE FROM flows_container_flags WHERE name = ?", name);
    else sql.exec("INSERT OR REPLACE INTO flows_container_flags (name, value) VALUES (?, ?)", name, value);
  };

  const view = (now: number): LedgerView => {
    const last = sql
      .exec<{ at: number; exit_code: number; crash: number }>(
        "SELECT at, exit_code, crash FROM flows_container_stops ORDER BY at DESC, rowid DESC LIMIT 1",
      )
      .toArray()[0];
    const count = (since: number) =>
      sql
        .exec<{ n: number }>("SELECT COUNT(*) AS n FROM flows_container_stops WHERE crash = 1 AND at >= ?", since)
        .one().n;
    const tripped = flag("tripped_at");
    return {
      crashesInWindow: count(now - crashLoop.windowMs),
      crashesTotal: count(0),
      lastExit: last === undefined ? undefined : { at: last.at, exitCode: last.exit_code, crash: last.crash === 1 },
      trippedAt: tripped === undefined ? undefined : Number(tripped),
      downFromCrash: flag("down_from_crash") === "1",
      lastStart: flag("started_at") === undefined ? undefined : Number(flag("started_at")),
      startsTotal: Number(flag("starts_total") ?? "0"),
      held: flag("held") === "1",
    };
  };

  return {
    view,
    /**
     * Records a stop once. A crash that makes `maxCrashes` inside the window trips protection;
     * it stays tripped until `reset`, so a crash-looping image stops being restarted.
     */
    recordStop(
      key: string,
      exitCode: number,
      now: number,
    ): { first: boolean; crash: boolean; requested: boolean; tripped: boolean } {
      const seen =
        key === flag("forgotten_stop") ||
        sql.exec("SELECT 1 FROM flows_container_stops WHERE key = ?", key).toArray().length > 0;
      const requested = flag("stop_requested") === "1";
      const crash = exitCode !== 0 && !requested;
      if (!seen) {
        sql.exec(
          "INSERT INTO flows_container_stops (key, at, exit_code, crash) VALUES (?, ?, ?, ?)",
          key,
          now,
          exitCode,
          crash ? 1 : 0,
        );
        setFlag("stop_requested", undefined);
        setFlag("down_from_crash", crash ? "1" : undefined);
        if (crash && flag("tripped_at") === undefined && view(now).crashesInWindow >= crashLoop.maxCrashes) {
          setFlag("tripped_at", String(now));
        }
      }
      return { first: !seen, crash, requested, tripped: flag("tripped_at") !== undefined };
    },
    /** The next stop was asked for (sleep, explicit stop): not a crash, not restarted. */
    stopRequested() {
      setFlag("stop_requested", "1");
    },
    started(now: number = Date.now()) {
      setFlag("down_from_crash", undefined);
      setFlag("started_at", String(now));
      setFlag("starts_total", String(Number(flag("starts_total") ?? "0") + 1));
    },
    /** An operator's stop (held) or start (released). */
    setHeld(held: boolean) {
      setFlag("held", held ? "1" : undefined);
    },
    /**
     * Forgets the instance: stops, starts, protection, name and every flag (the operator removed
     * it). `lastStop` is the key of the stop the platform still reports, which must not be
     * counted again as if it were new.
     */
    clear(lastStop: string) {
      sql.exec("DELETE FROM flows_container_stops");
      sql.exec("DELETE FROM flows_container_flags");
      setFlag("forgotten_stop", lastStop);
    },
    /** Clears crash history and protection: the operator fixed the image or its configuration. */
    reset() {
      sql.exec("DELETE FROM flows_container_stops");
      setFlag("tripped_at", undefined);
      setFlag("down_from_crash", undefined);
    },
    name: () => flag("name"),
    setName(name: string) {
      if (flag("name") !== name) setFlag("name", name);
    },
    restartPending: () => flag("restart_pending") === "1",
    setRestartPending(pending: boolean) {
      setFlag("restart_pending", pending ? "1" : undefined);
    },
  };
}

export type ContainerLedger = ReturnType<typeof createContainerLedger>;
