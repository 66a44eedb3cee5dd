/**
 * Where index rows live. Shards and the directory are objects of the run Durable Object
 * namespace, named with a '/', which no run id can contain (run ids match
 * /^[A-Za-z0-9._:-]{1,128}$/): no new class, no migration, no binding to add.
 */
export const HOUR_MS = 60 * 60 * 1000;
export const DEFAULT_SHARDS = 8;
export const DIRECTORY_NAME = "flows-index/directory";

/** The hour bucket of a start time. */
export const bucketOf = (startedAt: number): number => Math.floor(startedAt / HOUR_MS);

/** The first millisecond of a bucket. */
export const bucketStart = (bucket: number): number => bucket * HOUR_MS;

export const shardName = (bucket: number, shard: number): string => `flows-index/${bucket}/${shard}`;

/** FNV-1a over the run id's UTF-16 code units: spreads runs started in one hour over its shards. */
export function shardOf(runId: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < runId.length; index += 1) {
    hash ^= runId.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % Math.max(1, Math.floor(shards));
}
