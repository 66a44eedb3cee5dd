import type { Log as MiniflareLog } from "miniflare";
import type { CliIo } from "../io";
import { LOCAL_NETWORK_PREFIX } from "./local-engine-protocol";

/** ANSI colour sequences (ESC, then `[…m`). */
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

/**
 * Miniflare's log for `flows dev`: one line per request (method, path, status, ms), as
 * `wrangler dev` prints them, on stderr (stdout carries the URL and the curl commands), in
 * colour only on a terminal. Miniflare's own "Ready on" lines are left out: flows dev says it,
 * and so are a local container's bus requests: they are the engine's plumbing, many per run,
 * and their path holds the session's token.
 */
export function requestLog(miniflare: typeof import("miniflare"), io: CliIo): MiniflareLog {
  const colour = io.isTTY.stderr && io.env.NO_COLOR === undefined;
  class RequestLog extends miniflare.Log {
    protected override log(message: string): void {
      if (message.includes(LOCAL_NETWORK_PREFIX)) return;
      io.stderr(`${colour ? message : message.replace(ANSI, "")}\n`);
    }
    override logReady(): void {}
  }
  return new RequestLog(miniflare.LogLevel.INFO, { prefix: "flows dev" });
}
