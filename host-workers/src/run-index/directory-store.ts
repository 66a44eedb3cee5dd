/**
 * The index directory: which (hour bucket, shard) objects hold rows. Written once per shard
 * (when a shard takes its first row), read once per `GET /runs` page.
 */
const SCHEMA =
  "CREATE TABLE IF NOT EXISTS flows_index_buckets (bucket INTEGER NOT NULL, shard INTEGER NOT NULL, PRIMARY KEY (bucket, shard))";

export function registerShard(storage: DurableObjectStorage, bucket: number, shard: number): void {
  storage.sql.exec(SCHEMA);
  storage.sql.exec("INSERT OR IGNORE INTO flows_index_buckets (bucket, shard) VALUES (?, ?)", bucket, shard);
}

export interface BucketShards {
  readonly bucket: number;
  readonly shards: readonly number[];
}

/** Buckets from `newest` down to `oldest` (inclusive), newest first, at most `limit` of them. */
export function listBuckets(
  storage: DurableObjectStorage,
  newest: number,
  oldest: number,
  limit: number,
): BucketShards[] {
  const exists = storage.sql
    .exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'flows_index_buckets'")
    .toArray();
  if (exists.length === 0) return [];
  const rows = storage.sql
    .exec<{ bucket: number; shard: number }>(
      // One line in the bundle (a template literal would keep these line breaks and indentation).
      "SELECT bucket, shard FROM flows_index_buckets WHERE bucket IN (" +
        "SELECT DISTINCT bucket FROM flows_index_buckets WHERE bucket <= ? AND bucket >= ? ORDER BY bucket DESC LIMIT ?) " +
        "ORDER BY bucket DESC, shard",
      newest,
      oldest,
      limit,
    )
    .toArray();
  const buckets: { bucket: number; shards: number[] }[] = [];
  for (const row of rows) {
    const last = buckets.at(-1);
    if (last?.bucket === row.bucket) last.shards.push(row.shard);
    else buckets.push({ bucket: row.bucket, shards: [row.shard] });
  }
  return buckets;
}
