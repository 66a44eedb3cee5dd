import { RUN_ORIGIN } from "../run-protocol";
import { bucketOf, bucketStart, DIRECTORY_NAME, shardName } from "./address";
import { encodeCursor } from "./cursor";
import type { BucketShards } from "./directory-store";
import { indexStub } from "./index-stub";
import type { ListQuery } from "./list-query";
import type { ShardQuery } from "./shard-store";
import type { RunSummaryRow } from "./summary";

/**
 * Shard queries one page may make. Each is a subrequest of the Worker's request (and a
 * Durable Object request billed as such); a page that reaches this many before it is full ends
 * early with a cursor, so a sparse filter over a long history costs several pages, not one
 * unbounded request.
 */
export const MAX_SHARD_CALLS = 48;
/** Buckets the directory names per page, newest first. */
const DIRECTORY_BUCKETS = 256;

export interface RunPage {
  readonly runs: readonly RunSummaryRow[];
  readonly next_cursor: string | null;
}

const newestFirst = (a: RunSummaryRow, b: RunSummaryRow) =>
  b.started_at - a.started_at || (a.run_id < b.run_id ? 1 : a.run_id > b.run_id ? -1 : 0);

async function post<T>(stub: DurableObjectStub, path: string, body: unknown): Promise<T> {
  const answer = await stub.fetch(`${RUN_ORIGIN}${path}`, { method: "POST", body: JSON.stringify(body) });
  if (!answer.ok) throw new Error(`the run index answered ${answer.status} to ${path}: ${await answer.text()}`);
  return (await answer.json()) as T;
}

/**
 * One page of runs, newest first: the directory names the hour buckets in range, then the
 * shards of the newest buckets are asked in parallel for their newest matching rows, one
 * bucket first and twice as many each round after, until the page is full (every row of a
 * bucket is newer than every row of an older bucket, so the merge is a concatenation).
 */
export async function listRuns(namespace: DurableObjectNamespace, query: ListQuery): Promise<RunPage> {
  const after = query.after;
  // The newest start time a row on this page may have.
  let upper = Number.MAX_SAFE_INTEGER;
  if (query.until !== undefined) upper = Math.min(upper, query.until - 1);
  if (after !== undefined) upper = Math.min(upper, after.run_id === "" ? after.started_at - 1 : after.started_at);
  const lower = query.since ?? Number.MIN_SAFE_INTEGER;
  if (upper < lower) return { runs: [], next_cursor: null };
  const { buckets } = await post<{ buckets: BucketShards[] }>(indexStub(namespace, DIRECTORY_NAME), "/index/buckets", {
    newest: bucketOf(upper),
    oldest: bucketOf(lower),
    limit: DIRECTORY_BUCKETS,
  });
  const shardQuery: Omit<ShardQuery, "limit"> = {
    ...(after === undefined ? {} : { before: after }),
    ...(query.flow === undefined ? {} : { flow: query.flow }),
    ...(query.statuses === undefined ? {} : { statuses: query.statuses }),
    ...(query.since === undefined ? {} : { since: query.since }),
    ...(query.until === undefined ? {} : { until: query.until }),
  };
  const rows: RunSummaryRow[] = [];
  let next = 0;
  let calls = 0;
  let window = 1;
  let oldestScanned: number | undefined;
  while (next < buckets.length && rows.length <= query.limit) {
    const round: BucketShards[] = [];
    let cost = 0;
    for (; next < buckets.length && round.length < window; next += 1) {
      const bucket = buckets[next] as BucketShards;
      // The first bucket of a page is always read, whatever its shard count.
      if (calls + cost > 0 && calls + cost + bucket.shards.length > MAX_SHARD_CALLS) break;
      round.push(bucket);
      cost += bucket.shards.length;
    }
    if (round.length === 0) break;
    calls += cost;
    const need = query.limit + 1 - rows.length;
    const answers = await Promise.all(
      round.flatMap(({ bucket, shards }) =>
        shards.map((shard) =>
          post<{ runs: RunSummaryRow[] }>(indexStub(namespace, shardName(bucket, shard)), "/index/query", {
            ...shardQuery,
            limit: need,
          }),
        ),
      ),
    );
    rows.push(
      ...answers
        .flatMap((answer) => answer.runs)
        .sort(newestFirst)
        .slice(0, need),
    );
    oldestScanned = (round.at(-1) as BucketShards).bucket;
    window *= 2;
  }
  if (rows.length > query.limit) {
    const page = rows.slice(0, query.limit);
    return { runs: page, next_cursor: encodeCursor(page.at(-1) as RunSummaryRow) };
  }
  // Out of budget, or the directory may name older buckets: go on from before the oldest bucket read.
  const more = next < buckets.length || buckets.length === DIRECTORY_BUCKETS;
  if (more && oldestScanned !== undefined) {
    return { runs: rows, next_cursor: encodeCursor({ started_at: bucketStart(oldestScanned), run_id: "" }) };
  }
  return { runs: rows, next_cursor: null };
}
