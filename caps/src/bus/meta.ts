/** The header naming the run on every request to the container and every bus POST from it. */
export const FLOWS_META_HEADER = "x-flows-meta";

/** Facts the Worker knows about the request a run serves; the container cannot see them otherwise. */
export interface FlowsMeta {
  readonly run_id: string;
  readonly flow_id: string;
  readonly colo?: string;
  readonly country?: string;
  readonly client_ip?: string;
}

const REQUIRED = ["run_id", "flow_id"] as const;
const OPTIONAL = ["colo", "country", "client_ip"] as const;
/** Far above any real id; keeps a hostile header from becoming a huge journal key. */
const MAX_FIELD_LENGTH = 1024;

/**
 * Reads an `x-flows-meta` value. Never throws: a missing, non-JSON or wrongly shaped header comes
 * back as a message saying what to send instead.
 */
export function parseFlowsMeta(
  header: string | null | undefined,
): { ok: true; meta: FlowsMeta } | { ok: false; message: string } {
  const example = `{"run_id":"…","flow_id":"…","colo"?,"country"?,"client_ip"?}`;
  if (header === null || header === undefined || header.trim() === "") {
    return { ok: false, message: `the ${FLOWS_META_HEADER} header is required: JSON ${example}` };
  }
  let value: unknown;
  try {
    value = JSON.parse(header);
  } catch {
    return { ok: false, message: `the ${FLOWS_META_HEADER} header is not JSON: send ${example}` };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { ok: false, message: `the ${FLOWS_META_HEADER} header must be a JSON object ${example}` };
  }
  const fields = value as Record<string, unknown>;
  const meta: Record<string, string> = {};
  for (const name of [...REQUIRED, ...OPTIONAL]) {
    const field = fields[name];
    if (field === undefined && !(REQUIRED as readonly string[]).includes(name)) continue;
    if (typeof field !== "string" || field === "" || field.length > MAX_FIELD_LENGTH) {
      return {
        ok: false,
        message: `${FLOWS_META_HEADER} field "${name}" must be a non-empty string of at most ${MAX_FIELD_LENGTH} characters`,
      };
    }
    meta[name] = field;
  }
  return { ok: true, meta: meta as unknown as FlowsMeta };
}
