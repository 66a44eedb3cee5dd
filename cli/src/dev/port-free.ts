import { createServer } from "node:net";
import { UsageError } from "../exit";

/**
 * Refuses a port something else already listens on, before workerd tries it: workerd's own bind
 * failure is fatal to it and leaves Miniflare waiting, so it has to be caught first. Port 0 is
 * always free.
 */
export function ensurePortFree(host: string, port: number): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolveFree, reject) => {
    const probe = createServer();
    probe.once("error", (error: NodeJS.ErrnoException) => {
      const reason =
        error.code === "EADDRINUSE" ? "is in use" : `cannot be listened on (${error.code ?? error.message})`;
      reject(new UsageError("PORT409", `${host}:${port} ${reason}: pick another with --port (0 picks a free one)`));
    });
    probe.listen(port, host, () => probe.close(() => resolveFree()));
  });
}
