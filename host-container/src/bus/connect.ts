import { connect } from "node:net";
import {
  type BusClient,
  busError,
  createBusClient,
  createHttpBusChannel,
  FLOWS_META_HEADER,
  type FlowsMeta,
  type MessageLimits,
} from "@flows/caps/bus";
import { ContainerStartError } from "../errors";
import { openLineChannel } from "./stream-channel";

/** One request's view of the bus: its calls carry the run's meta where the transport can. */
export interface BusSession {
  readonly bus: BusClient;
  close(): void;
}

export interface BusConnection {
  /** "http", "unix" or "stdio", for logs. */
  readonly transport: string;
  session(meta: FlowsMeta): BusSession;
  close(): void;
}

export interface ConnectBusOptions {
  readonly fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /** Methods safe to retry on a retryable answer. */
  readonly idempotent: ReadonlySet<string>;
  readonly timeoutMs?: number;
  /** Messages larger than a frame each method may carry (they travel in parts). */
  readonly messageLimits?: MessageLimits;
}

function client(send: (line: string) => void, options: ConnectBusOptions): BusClient {
  return createBusClient({
    send,
    idempotent: options.idempotent,
    ...(options.messageLimits === undefined ? {} : { messageLimits: options.messageLimits }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
}

/**
 * Over HTTP each request gets its own channel, so every POST names its run in `x-flows-meta`
 * and the Worker serves only what that run's flow declared.
 */
function httpConnection(url: string, options: ConnectBusOptions): BusConnection {
  const open = new Set<{ close(): void }>();
  return {
    transport: "http",
    session(meta) {
      let receive: (line: string) => void = () => {};
      const channel = createHttpBusChannel(
        {
          url,
          headers: { [FLOWS_META_HEADER]: JSON.stringify(meta) },
          ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
        },
        (line) => receive(line),
      );
      const bus = client((line) => channel.send(line), options);
      receive = (line) => bus.receive(line);
      open.add(channel);
      return {
        bus,
        close: () => {
          open.delete(channel);
          channel.close();
        },
      };
    },
    close: () => {
      for (const channel of open) channel.close();
    },
  };
}

/**
 * One line channel shared by every request (a Unix socket or stdio to a local host). Once the
 * peer hangs up, calls fail at once with BUS503 instead of waiting for their timeout.
 */
function streamConnection(
  transport: string,
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
  options: ConnectBusOptions,
): BusConnection {
  let closed = false;
  let bus: BusClient | undefined;
  const channel = openLineChannel(input as never, output as never, {
    onLine: (line) => bus?.receive(line),
    onClose: () => {
      closed = true;
      bus?.close(busError("BUS503", `the bus peer (${transport}) hung up`, true));
    },
  });
  const shared = client((line) => {
    if (!closed) {
      channel.send(line);
      return;
    }
    const frame = JSON.parse(line) as { id?: string; method?: string };
    if (frame.method !== undefined) {
      queueMicrotask(() =>
        shared.receive(JSON.stringify({ id: frame.id, error: busError("BUS503", "the bus peer hung up", true) })),
      );
    }
  }, options);
  bus = shared;
  return {
    transport,
    session: () => ({ bus: shared, close: () => {} }),
    close: () => {
      closed = true;
      channel.close();
    },
  };
}

/**
 * Opens the bus named by `FLOWS_BUS_URL`: `http://…`/`https://…` (the Worker, through the
 * Container's outbound handler), `unix:/path` (a local host's socket) or `stdio`.
 */
export async function connectBus(url: string, options: ConnectBusOptions): Promise<BusConnection> {
  if (url.startsWith("http://") || url.startsWith("https://")) return httpConnection(url, options);
  if (url === "stdio") return streamConnection("stdio", process.stdin, process.stdout, options);
  if (url.startsWith("unix:")) {
    const path = url.slice("unix:".length);
    const socket = connect(path);
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", (error) =>
        reject(new ContainerStartError("BUS503", `cannot connect to the bus socket ${path}: ${error.message}`)),
      );
    });
    socket.on("error", () => {});
    return streamConnection("unix", socket, socket, options);
  }
  throw new ContainerStartError(
    "CONF400",
    `FLOWS_BUS_URL must be http://…, https://…, unix:/path or stdio, got "${url}"`,
  );
}
