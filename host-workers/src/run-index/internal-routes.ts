import { errorResponse } from "../envelope";
import { RUN_ORIGIN } from "../run-protocol";
import { DIRECTORY_NAME } from "./address";
import { listBuckets, registerShard } from "./directory-store";
import { indexStub } from "./index-stub";
import type { RunIndexReporter } from "./reporter";
import { isRegistered, isShard, markRegistered, putRows, queryRows, type ShardQuery } from "./shard-store";
import type { VersionedRow } from "./summary";

/** What the internal index routes of a run-namespace object need from it. */
export interface IndexObject {
  readonly storage: DurableObjectStorage;
  readonly namespace: () => DurableObjectNamespace;
  readonly reporter: () => RunIndexReporter;
}

/** A shard's registration with the directory, once per object instance at most while in flight. */
const registering = new WeakMap<DurableObjectStorage, Promise<void>>();

async function ensureRegistered(object: IndexObject, bucket: number, shard: number): Promise<void> {
  if (isRegistered(object.storage)) return;
  let running = registering.get(object.storage);
  if (running === undefined) {
    running = (async () => {
      const answer = await indexStub(object.namespace(), DIRECTORY_NAME).fetch(`${RUN_ORIGIN}/index/register`, {
        method: "POST",
        body: JSON.stringify({ bucket, shard }),
      });
      if (!answer.ok) throw new Error(`the index directory answered ${answer.status}`);
      markRegistered(object.storage);
    })().finally(() => registering.delete(object.storage));
    registering.set(object.storage, running);
  }
  await running;
}

/**
 * Internal routes (`/index/...`) of objects in the run namespace: a shard's put and query, the
 * directory's register and buckets, and a run object's refresh (rebuild). Reached only through
 * stubs from this Worker; names with '/' keep index objects apart from run objects.
 */
export async function indexRoute(request: Request, path: string, object: IndexObject): Promise<Response> {
  const body = (await request.json()) as Record<string, unknown>;
  switch (path) {
    case "/index/put": {
      const { bucket, shard, rows } = body as { bucket: number; shard: number; rows: VersionedRow[] };
      // Registered before the rows are stored: a listing never misses a shard that holds rows.
      await ensureRegistered(object, bucket, shard);
      putRows(object.storage, rows);
      return Response.json({ ok: true, written: rows.length });
    }
    case "/index/query":
      return Response.json({ runs: queryRows(object.storage, body as unknown as ShardQuery) });
    case "/index/register": {
      const { bucket, shard } = body as { bucket: number; shard: number };
      registerShard(object.storage, bucket, shard);
      return Response.json({ ok: true });
    }
    case "/index/buckets": {
      const { newest, oldest, limit } = body as { newest: number; oldest: number; limit: number };
      return Response.json({ buckets: listBuckets(object.storage, newest, oldest, limit) });
    }
    case "/index/refresh": {
      if (isShard(object.storage)) return Response.json({ runs: [], failed: [], index_object: true });
      const runId = typeof body.run_id === "string" ? body.run_id : undefined;
      const { rows, failed } = await object.reporter().refresh(runId);
      return Response.json({ runs: rows, failed });
    }
    default:
      return errorResponse({ code: "ROUTE404", message: `no internal route ${path}` });
  }
}
