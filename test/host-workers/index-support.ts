import http from "node:http";
import { API_TOKEN } from "./support";

export interface Started {
  /** Answers by HTTP status (the last answer of each run). */
  readonly statuses: Readonly<Record<string, number>>;
  /** Connection errors met on the way (each was retried with the same run id). */
  readonly retried: Readonly<Record<string, number>>;
  readonly wallMs: number;
}

/**
 * Starts one async run per id, all at once, over `sockets` kept-alive connections (workerd
 * resets some connections when a thousand arrive at once; that is Miniflare's, not ours). A
 * connection error is retried with the same run id, which starts nothing twice.
 */
export async function startRunsAtOnce(base: URL, flow: string, ids: readonly string[], sockets = 50): Promise<Started> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  const statuses: Record<string, number> = {};
  const retried: Record<string, number> = {};
  const once = (id: string) =>
    new Promise<number | string>((done) => {
      const body = JSON.stringify({ name: id });
      const request = http.request(
        {
          host: base.hostname,
          port: base.port,
          path: `/flows/${flow}/runs?run_id=${encodeURIComponent(id)}`,
          method: "POST",
          agent,
          headers: {
            authorization: `Bearer ${API_TOKEN}`,
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
          },
          timeout: 120_000,
        },
        (response) => {
          response.resume();
          response.on("end", () => done(response.statusCode ?? 0));
        },
      );
      request.on("timeout", () => request.destroy(Object.assign(new Error("timed out"), { code: "TIMEOUT" })));
      request.on("error", (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
      request.end(body);
    });
  const began = performance.now();
  await Promise.all(
    ids.map(async (id) => {
      for (let attempt = 0; ; attempt += 1) {
        const answer = await once(id);
        if (typeof answer === "number" || attempt >= 5) {
          statuses[String(answer)] = (statuses[String(answer)] ?? 0) + 1;
          return;
        }
        retried[answer] = (retried[answer] ?? 0) + 1;
      }
    }),
  );
  const wallMs = performance.now() - began;
  agent.destroy();
  return { statuses, retried, wallMs };
}

/**
 * Ids (hex) of the run index's own objects that runs started around now may create: the
 * directory and each shard of the hours either side of now. Tests that count run objects on
 * disk leave these out.
 */
export async function indexObjectIds(
  mf: { getDurableObjectNamespace(binding: string): Promise<{ idFromName(name: string): { toString(): string } }> },
  shards = 8,
): Promise<Set<string>> {
  const namespace = await mf.getDurableObjectNamespace("FLOW_RUNS");
  const hour = Math.floor(Date.now() / 3_600_000);
  const names = ["flows-index/directory"];
  for (let bucket = hour - 1; bucket <= hour + 2; bucket += 1) {
    for (let shard = 0; shard < shards; shard += 1) names.push(`flows-index/${bucket}/${shard}`);
  }
  return new Set(names.map((name) => namespace.idFromName(name).toString()));
}
