import { DEFAULT_BUS_URL } from "@flows/caps/bus";
import { type ContainerApp, prepareApp } from "./app";
import { connectBus } from "./bus/connect";
import { busMessageLimits, idempotentBusMethods } from "./caps";
import { serveFetch } from "./http/serve-fetch";
import { stderrLogger } from "./logger";
import { createRouter } from "./routes/router";
import { createRunRegistry } from "./runs";
import { createDrain } from "./shutdown";

export const DEFAULT_PORT = 8080;
export const DEFAULT_GRACE_MS = 10_000;
/** After the grace deadline, how long interrupted work may take to record what it completed. */
const SETTLE_MS = 5_000;

export interface StartContainerOptions extends ContainerApp {
  /** `PORT`; 8080 by default, 0 picks a free one. */
  readonly port?: number;
  /** Interface to listen on; every interface by default (the Container class connects from outside). */
  readonly host?: string;
  /** `FLOWS_BUS_URL`: http(s)://…, unix:/path or stdio; DEFAULT_BUS_URL by default. */
  readonly busUrl?: string;
  /** `FLOWS_SHUTDOWN_GRACE_MS`: how long `close()` lets work in flight finish. */
  readonly graceMs?: number;
  /** For the HTTP bus: the fetch that reaches the Worker. */
  readonly fetch?: (input: string, init: RequestInit) => Promise<Response>;
}

export interface RunningContainer {
  readonly port: number;
  /** Stops accepting work (503), lets work in flight finish within the grace period, interrupts the rest. */
  close(): Promise<void>;
}

/** Starts the container runtime: validates the app, opens the bus, listens. */
export async function startContainer(options: StartContainerOptions): Promise<RunningContainer> {
  const app = prepareApp(options);
  const logger = stderrLogger();
  const bus = await connectBus(options.busUrl ?? DEFAULT_BUS_URL, {
    idempotent: idempotentBusMethods,
    messageLimits: busMessageLimits,
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
  const drain = createDrain();
  const served = await serveFetch(
    createRouter({ app, bus, logger, activeRuns: new Set(), runs: createRunRegistry() }, drain),
    {
      port: options.port ?? DEFAULT_PORT,
      host: options.host ?? "0.0.0.0",
    },
  );
  logger({ level: "info", message: "container ready", port: served.port, bus: bus.transport });
  let closing: Promise<void> | undefined;
  return {
    port: served.port,
    close: () => {
      closing ??= (async () => {
        const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
        const result = await drain.drain(graceMs, SETTLE_MS);
        logger({ level: "info", message: "container drained", grace_ms: graceMs, ...result });
        await served.close();
        bus.close();
      })();
      return closing;
    },
  };
}
