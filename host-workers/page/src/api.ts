// The Worker's run API as the page reads it (wire shapes: snake_case, times in epoch ms). The
// session cookie goes with every request (same origin); the API token is never in this page.

export type RunStatus = "running" | "suspended" | "halted" | "completed" | "failed" | "cancelled" | "pending";
export type NodeStatus = "pending" | "running" | "retrying" | "halted" | "completed" | "failed" | "skipped";

export interface WireError {
  readonly code: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>> | null;
  readonly retryable?: boolean;
}

export interface RunSummary {
  readonly run_id: string;
  readonly flow: string;
  readonly status: RunStatus;
  readonly trigger?: string | null;
  readonly started_at?: number | null;
  readonly updated_at?: number | null;
  readonly finished_at?: number | null;
  readonly checkpoint?: string | null;
  readonly wake_at?: number | null;
  readonly error_code?: string | null;
}

export interface RunList {
  readonly runs: readonly RunSummary[];
  readonly next_cursor: string | null;
}

export interface NodeView {
  readonly node: string;
  readonly alias?: string;
  readonly status: NodeStatus;
  readonly attempts?: number;
  readonly started_at?: number | null;
  readonly duration_ms?: number | null;
  readonly error?: WireError | null;
  readonly input?: unknown;
  readonly output?: unknown;
}

export interface GraphNode {
  readonly id: string;
  readonly alias?: string;
  readonly kind?: string;
  readonly identifier?: string;
}

export interface RunEvent {
  readonly type: string;
  readonly at?: number;
  readonly node?: string;
  readonly [key: string]: unknown;
}

export interface RunDetail extends RunSummary {
  readonly flow_version?: string | null;
  readonly error?: WireError | null;
  readonly input?: unknown;
  readonly output?: unknown;
  readonly resume?: {
    readonly node?: string;
    readonly checkpoint?: string;
    readonly token: string;
    readonly deadline_at?: number | null;
    readonly event?: string | null;
  } | null;
  readonly nodes?: readonly NodeView[];
  readonly events?: readonly RunEvent[];
  readonly graph?: { readonly nodes: readonly GraphNode[]; readonly edges: readonly { from: string; to: string }[] };
}

export interface NodeDetail {
  readonly run_id: string;
  readonly node: string;
  readonly status: NodeStatus;
  readonly attempts?: number;
  readonly input?: unknown;
  readonly output?: unknown;
  readonly error?: WireError | null;
}

export interface FlowInfo {
  readonly id: string;
  readonly name: string;
}

/** An answer that is not 2xx: its error envelope `{ error, code }` and HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Called when an answer says the session is gone (401), so the page can ask to sign in again. */
let onSignedOut: () => void = () => {};
export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

async function call<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    credentials: "same-origin",
    headers: body === undefined ? { accept: "application/json" } : { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text === "" ? null : JSON.parse(text);
  } catch {
    parsed = null;
  }
  if (!response.ok) {
    const envelope = (parsed ?? {}) as { error?: unknown; code?: unknown };
    const code = typeof envelope.code === "string" ? envelope.code : `HTTP${response.status}`;
    if (response.status === 401) onSignedOut();
    throw new ApiError(
      response.status,
      code,
      typeof envelope.error === "string" ? envelope.error : `${response.status} ${response.statusText}`,
    );
  }
  return parsed as T;
}

const enc = encodeURIComponent;

export const api = {
  session: () => call<{ signed_in: boolean; expires_at: number | null }>("GET", "/_flows/session"),
  flows: () => call<{ flows: readonly FlowInfo[] }>("GET", "/flows"),
  runs: (filters: { flow?: string; status?: string; limit?: number; cursor?: string }) => {
    const query = new URLSearchParams();
    if (filters.flow) query.set("flow", filters.flow);
    if (filters.status) query.set("status", filters.status);
    if (filters.cursor) query.set("cursor", filters.cursor);
    query.set("limit", String(filters.limit ?? 50));
    return call<RunList>("GET", `/runs?${query}`);
  },
  run: (runId: string) => call<RunDetail>("GET", `/runs/${enc(runId)}`),
  node: (runId: string, node: string) => call<NodeDetail>("GET", `/runs/${enc(runId)}/nodes/${enc(node)}`),
  resume: (runId: string, token: string, payload: unknown) =>
    call<{ status?: string }>("POST", `/runs/${enc(runId)}/resume`, { token, payload }),
  cancel: (runId: string) => call<RunSummary>("POST", `/runs/${enc(runId)}/cancel`),
  eventsUrl: (runId: string) => `/runs/${enc(runId)}/events`,
};

export const TERMINAL: ReadonlySet<string> = new Set(["completed", "failed", "cancelled"]);
