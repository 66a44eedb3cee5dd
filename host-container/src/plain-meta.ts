import { randomUUID } from "node:crypto";
import type { FlowsMeta } from "@flows/caps/bus";

/**
 * Plain headers read when the Worker's `x-flows-meta` is absent (a developer's curl, a local
 * test): `x-flows-run-id`, `x-flows-flow-id`, `x-flows-colo`, `x-flows-country`,
 * `x-flows-client-ip`, falling back to what Cloudflare or a proxy sets (`cf-ipcountry`,
 * `cf-connecting-ip`, the first `x-forwarded-for`).
 */
export const PLAIN_META_HEADERS = {
  run_id: ["x-flows-run-id"],
  flow_id: ["x-flows-flow-id"],
  colo: ["x-flows-colo"],
  country: ["x-flows-country", "cf-ipcountry"],
  client_ip: ["x-flows-client-ip", "cf-connecting-ip", "x-forwarded-for"],
} as const;

/** Same bound as the Worker's header: a hostile value never becomes a huge journal key. */
const MAX_FIELD_LENGTH = 1024;

/** The first non-empty header of `names`; for x-forwarded-for, its first address. */
function first(headers: Headers, names: readonly string[]): string | undefined {
  for (const name of names) {
    const raw = headers.get(name);
    const value = (name === "x-forwarded-for" ? raw?.split(",")[0] : raw)?.trim();
    if (value !== undefined && value !== "") return value;
  }
  return undefined;
}

/**
 * Metadata from plain headers. A run without `x-flows-run-id` gets a fresh `local-…` id (so it
 * replays nothing of another), a flow id `local` unless named; a field over 1024 characters is
 * refused with a message, as in the Worker's header.
 */
export function metaFromPlainHeaders(
  headers: Headers,
  newId: () => string = randomUUID,
): { ok: true; meta: FlowsMeta } | { ok: false; message: string } {
  const fields: Record<string, string> = {};
  for (const [field, names] of Object.entries(PLAIN_META_HEADERS)) {
    const value = first(headers, names);
    if (value === undefined) continue;
    if (value.length > MAX_FIELD_LENGTH) {
      return { ok: false, message: `header ${names[0]} must be at most ${MAX_FIELD_LENGTH} characters` };
    }
    fields[field] = value;
  }
  return {
    ok: true,
    meta: {
      ...fields,
      run_id: fields.run_id ?? `local-${newId()}`,
      flow_id: fields.flow_id ?? "local",
    },
  };
}
