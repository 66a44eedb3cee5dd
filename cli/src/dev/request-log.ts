import type { Log as MiniflareLog } from "miniflare";
import type { CliIo } from "../io";

/** ANSI colour sequences (ESC, then `[…m`). */
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

/**
 * Miniflare's log for `flows dev`: one line per request (method, path, status, ms), as
 * `wrangler dev` prints them, on stderr (stdout carries the URL and the curl commands), in
 * colour only on a terminal. Miniflare's own "Ready on" lines are left out: flows dev says it.
 */
export function requestLog(miniflare: typeof import("miniflare"), io: CliIo): MiniflareLog {
  const colour = io.isTTY.stderr && io.env.NO_COLOR === undefined;
  class RequestLog extends miniflare.Log {
    protected override log(message: string): void {
      io.stderr(`${colour ? message : message.replace(ANSI, "")}\n`);
    }
    override logReady(): void {}
  }
  return new RequestLog(miniflare.LogLevel.INFO, { prefix: "flows dev" });
}
