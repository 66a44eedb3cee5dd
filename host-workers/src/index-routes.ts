import { readBodyText } from "./body-limit";
import { errorResponse } from "./envelope";
import { type RouteRequest, RUN_ID } from "./routes";
import { readListQuery } from "./run-index/list-query";
import { listRuns } from "./run-index/list-runs";
import type { RunSummaryRow } from "./run-index/summary";
import { RUN_ORIGIN } from "./run-protocol";

type Handler = (request: RouteRequest, env: Record<string, unknown>) => Promise<Response> | Response;
type Add = (method: "get" | "post", path: string, handler: Handler) => void;

/** Ids one rebuild request may name: each is a request to a run object, which pushes to its shard. */
export const MAX_REBUILD_IDS = 100;
const REBUILD_CONCURRENCY = 8;
/** A Durable Object id as Cloudflare's API lists them (64 hex digits). */
const OBJECT_ID = /^[0-9a-f]{64}$/;

const queryError = (parameter: string, message: string) =>
  errorResponse({ code: "QUERY400", message, details: { parameter } }, 400);

interface Refreshed {
  readonly runs: RunSummaryRow[];
  readonly failed: string[];
  readonly index_object?: boolean;
}

/**
 * `GET /runs` (the run index, newest first, filtered, paged) and `POST /runs/index/rebuild`
 * (rows recomputed from the run objects named). Registered behind the Worker's auth.
 */
export function registerIndexRoutes(add: Add, runsBinding: string, maxBodyBytes: number): void {
  const namespaceOf = (env: Record<string, unknown>) => {
    const namespace = env[runsBinding] as DurableObjectNamespace | undefined;
    if (namespace === undefined) throw new Error(`the Durable Object binding ${runsBinding} is missing`);
    return namespace;
  };

  add("get", "/runs", async (request, env) => {
    const checked = readListQuery(new URL(request.url).searchParams);
    if (!checked.ok) return queryError(checked.parameter, checked.message);
    return Response.json(await listRuns(namespaceOf(env), checked.query));
  });

  add("post", "/runs/index/rebuild", async (request, env) => {
    const body = await readBodyText(request, maxBodyBytes);
    if (!body.ok) return body.response;
    let value: { run_ids?: unknown; object_ids?: unknown };
    try {
      value = (JSON.parse(body.text || "{}") ?? {}) as typeof value;
    } catch {
      return errorResponse({ code: "BAD_REQUEST", message: "the request body is not valid JSON" });
    }
    const usage = `send {"run_ids": [...]} and/or {"object_ids": [...]} (Durable Object ids as Cloudflare's API lists them), ${MAX_REBUILD_IDS} at most`;
    const list = (field: unknown, pattern: RegExp) =>
      field === undefined
        ? []
        : Array.isArray(field) && field.every((id) => typeof id === "string" && pattern.test(id))
          ? (field as string[])
          : undefined;
    const runIds = list(value.run_ids, RUN_ID);
    const objectIds = list(value.object_ids, OBJECT_ID);
    if (runIds === undefined || objectIds === undefined) return errorResponse({ code: "BAD_REQUEST", message: usage });
    const total = runIds.length + objectIds.length;
    if (total === 0 || total > MAX_REBUILD_IDS) return errorResponse({ code: "BAD_REQUEST", message: usage });
    const namespace = namespaceOf(env);
    const targets = [
      ...runIds.map((id) => ({ id, kind: "run" as const })),
      ...objectIds.map((id) => ({ id, kind: "object" as const })),
    ];
    const rebuilt: RunSummaryRow[] = [];
    const notFound: string[] = [];
    const indexObjects: string[] = [];
    const failed: { id: string; code: string; message: string }[] = [];
    let next = 0;
    const worker = async () => {
      for (let target = targets[next++]; target !== undefined; target = targets[next++]) {
        try {
          const stub = namespace.get(
            target.kind === "run" ? namespace.idFromName(target.id) : namespace.idFromString(target.id),
          );
          const answer = await stub.fetch(`${RUN_ORIGIN}/index/refresh`, {
            method: "POST",
            body: JSON.stringify(target.kind === "run" ? { run_id: target.id } : {}),
          });
          if (!answer.ok) throw new Error(`the run object answered ${answer.status}`);
          const refreshed = (await answer.json()) as Refreshed;
          rebuilt.push(...refreshed.runs);
          for (const runId of refreshed.failed) {
            failed.push({ id: runId, code: "INDEX503", message: "its index shard did not take the row; retry" });
          }
          if (refreshed.index_object === true) indexObjects.push(target.id);
          else if (refreshed.runs.length === 0 && refreshed.failed.length === 0) notFound.push(target.id);
        } catch (error) {
          failed.push({
            id: target.id,
            code: "INDEX503",
            message: error instanceof Error ? error.message : String(error),
          });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(REBUILD_CONCURRENCY, targets.length) }, worker));
    return Response.json({ rebuilt, not_found: notFound, index_objects: indexObjects, failed });
  });
}
