import { FLOWS_META_HEADER, type FlowsMeta, parseFlowsMeta } from "@flows/caps/bus";
import { errorResponse } from "./errors";
import { metaFromPlainHeaders } from "./plain-meta";

/**
 * The run this request serves, from the header the Worker sets, or the META400 to answer. The
 * Worker's header wins whole: only without it (local testing) are plain headers read, and a
 * malformed one is refused rather than patched from them.
 */
export function readMeta(request: Request): { ok: true; meta: FlowsMeta } | { ok: false; response: Response } {
  const header = request.headers.get(FLOWS_META_HEADER);
  const parsed = header === null ? metaFromPlainHeaders(request.headers) : parseFlowsMeta(header);
  if (parsed.ok) return parsed;
  return { ok: false, response: errorResponse(400, "META400", parsed.message, { header: FLOWS_META_HEADER }) };
}

/** What nodes see of the request as run metadata (`ctx.run`), besides run and flow ids. */
export function requestFacts(meta: FlowsMeta): Record<string, string> {
  const facts: Record<string, string> = {};
  if (meta.colo !== undefined) facts.colo = meta.colo;
  if (meta.country !== undefined) facts.country = meta.country;
  if (meta.client_ip !== undefined) facts.client_ip = meta.client_ip;
  return facts;
}
