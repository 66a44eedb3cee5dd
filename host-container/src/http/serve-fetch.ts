import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";

/** A web-standard handler: what a Worker's `fetch` looks like, so both sides share one shape. */
export type FetchHandler = (request: Request) => Promise<Response>;

export interface ServeFetchOptions {
  /** 0 picks a free port. */
  readonly port: number;
  readonly host?: string;
}

export interface ServedFetch {
  readonly server: Server;
  readonly port: number;
  close(): Promise<void>;
}

function toRequest(req: IncomingMessage, origin: string, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  const method = req.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD";
  return new Request(new URL(req.url ?? "/", origin), {
    method,
    headers,
    signal,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: "half" } : {}),
  });
}

async function writeResponse(response: Response, res: ServerResponse): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  res.writeHead(response.status, headers);
  if (response.body === null) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  const stop = () => void reader.cancel().catch(() => {});
  res.once("close", stop);
  try {
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) break;
      // Respect the client's pace: never buffer a streamed answer without bound.
      if (!res.write(chunk.value)) await once(res, "drain");
    }
    res.end();
  } catch {
    res.destroy();
  } finally {
    res.off("close", stop);
  }
}

/**
 * Serves a fetch handler on node:http. A client that goes away aborts the request's signal, so
 * a run behind it can stop; a handler that throws answers 500 with a code, never a stack trace.
 */
export async function serveFetch(handler: FetchHandler, options: ServeFetchOptions): Promise<ServedFetch> {
  const server = createServer((req, res) => {
    const controller = new AbortController();
    res.once("close", () => {
      if (!res.writableFinished) controller.abort(new Error("the client closed the connection"));
    });
    const origin = `http://${req.headers.host ?? "localhost"}`;
    void (async () => {
      let response: Response;
      try {
        response = await handler(toRequest(req, origin, controller.signal));
      } catch (error) {
        response = Response.json(
          {
            error: `internal error: ${error instanceof Error ? error.message : String(error)}`,
            code: "HOST500",
            details: { retryable: true },
          },
          { status: 500 },
        );
      }
      await writeResponse(response, res);
    })();
  });
  server.listen(options.port, options.host ?? "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // A keep-alive connection that sends nothing more must not hold the process open.
        setTimeout(() => server.closeAllConnections(), 1_000).unref();
      }),
  };
}
