import http from "node:http";

export interface LoadResult {
  /** Answers by HTTP status. */
  readonly statuses: Readonly<Record<string, number>>;
  /** Requests that got no answer, by error code (ECONNRESET, ...). */
  readonly errors: Readonly<Record<string, number>>;
  /** Latency of each answered request, ms, sorted. */
  readonly latencies: readonly number[];
  readonly wallMs: number;
}

export interface LoadOptions {
  readonly url: string;
  readonly total: number;
  readonly concurrency: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: (index: number) => string;
  /** Per request; a request still unanswered then counts as an error (TIMEOUT). */
  readonly timeoutMs?: number;
}

/**
 * `total` POSTs from `concurrency` clients, each on its own kept-alive connection (one agent
 * socket per client), the way a load balancer or a busy API client talks to a server.
 */
export async function keepAliveLoad(options: LoadOptions): Promise<LoadResult> {
  const target = new URL(options.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const statuses: Record<string, number> = {};
  const errors: Record<string, number> = {};
  const latencies: number[] = [];
  let next = 0;
  const one = (index: number) =>
    new Promise<void>((done) => {
      const body = options.body(index);
      const started = performance.now();
      const request = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: `${target.pathname}${target.search}`,
          method: "POST",
          agent,
          headers: { ...options.headers, "content-length": Buffer.byteLength(body) },
          timeout: options.timeoutMs ?? 60_000,
        },
        (response) => {
          response.resume();
          response.on("end", () => {
            latencies.push(performance.now() - started);
            const status = String(response.statusCode);
            statuses[status] = (statuses[status] ?? 0) + 1;
            done();
          });
        },
      );
      request.on("timeout", () => request.destroy(Object.assign(new Error("timed out"), { code: "TIMEOUT" })));
      request.on("error", (error: NodeJS.ErrnoException) => {
        const code = error.code ?? error.message;
        errors[code] = (errors[code] ?? 0) + 1;
        done();
      });
      request.end(body);
    });
  const client = async () => {
    while (next < options.total) await one(next++);
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: options.concurrency }, client));
  const wallMs = performance.now() - started;
  agent.destroy();
  return { statuses, errors, latencies: latencies.sort((a, b) => a - b), wallMs };
}

/** The value below which `fraction` of the sorted `values` lie. */
export const quantile = (values: readonly number[], fraction: number) =>
  values[Math.min(values.length - 1, Math.floor(fraction * values.length))] ?? Number.NaN;
