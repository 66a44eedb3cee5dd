import { UsageError } from "../exit";

/** A Worker to talk to instead of the local state directory, and how. */
export interface RemoteTarget {
  /** The Worker's base URL, ending in "/" so route paths resolve under it. */
  readonly base: URL;
  /** Origin and path only: what messages may show. */
  readonly display: string;
  readonly token: string;
  /** Where the token came from, for a message when the Worker refuses it. */
  readonly tokenSource: "--token" | "FLOWS_API_TOKEN";
  /** How long to wait for an answer's headers. */
  readonly timeoutMs: number;
}

export interface RemoteFlags {
  readonly url?: string | undefined;
  readonly token?: string | undefined;
  readonly requestTimeout?: string | undefined;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** Query names the Worker refuses a token under (AUTH400); refused here before it is ever sent. */
const TOKEN_PARAMS = ["token", "api_token", "access_token"];

const given = (value: string | undefined) => (value === undefined || value.trim() === "" ? undefined : value.trim());

/** Whether `--url` or FLOWS_URL names a Worker (then `--token` is its API token). */
export function namesWorker(url: string | undefined, env: Readonly<Record<string, string | undefined>>): boolean {
  return given(url) !== undefined || given(env.FLOWS_URL) !== undefined;
}

/**
 * The Worker the flags or the environment name (`--url` over FLOWS_URL, `--token` over
 * FLOWS_API_TOKEN), or undefined for the local state directory. The token is never put into
 * a message: errors name the flag or variable it came from.
 */
export function remoteTarget(
  flags: RemoteFlags,
  env: Readonly<Record<string, string | undefined>>,
): RemoteTarget | undefined {
  const raw = given(flags.url) ?? given(env.FLOWS_URL);
  const urlSource = given(flags.url) === undefined ? "FLOWS_URL" : "--url";
  if (raw === undefined) {
    if (given(flags.token) !== undefined)
      throw new UsageError("USAGE", "--token needs --url (or FLOWS_URL): the Worker to send it to");
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(
      "URL400",
      `${urlSource} is not a URL: give the Worker's address, such as http://127.0.0.1:8787`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError("URL400", `${urlSource} must be an http:// or https:// address, not ${url.protocol}`);
  }
  if (url.username !== "" || url.password !== "" || TOKEN_PARAMS.some((name) => url.searchParams.has(name))) {
    // URLs end up in shell history, proxies' and servers' logs: a credential there leaks.
    throw new UsageError(
      "AUTH400",
      `${urlSource} carries a credential: never put the API token in a URL; pass it with --token or FLOWS_API_TOKEN`,
    );
  }
  const token = given(flags.token) ?? given(env.FLOWS_API_TOKEN);
  if (token === undefined) {
    throw new UsageError(
      "AUTH401",
      "no API token: pass --token <token> or set FLOWS_API_TOKEN to the Worker's FLOWS_API_TOKEN secret (for flows dev, its value in .dev.vars)",
    );
  }
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new UsageError(
      "AUTH400",
      `the API token from ${given(flags.token) === undefined ? "FLOWS_API_TOKEN" : "--token"} has characters an HTTP header cannot carry`,
    );
  }
  const timeoutMs = flags.requestTimeout === undefined ? DEFAULT_REQUEST_TIMEOUT_MS : Number(flags.requestTimeout);
  if (!(Number.isInteger(timeoutMs) && timeoutMs > 0)) {
    throw new UsageError("USAGE", "--request-timeout must be a positive whole number of milliseconds");
  }
  url.hash = "";
  url.search = "";
  if (!url.pathname.endsWith("/")) url.pathname = `${url.pathname}/`;
  return {
    base: url,
    display: `${url.origin}${url.pathname.replace(/\/$/, "")}`,
    token,
    tokenSource: given(flags.token) === undefined ? "FLOWS_API_TOKEN" : "--token",
    timeoutMs,
  };
}

/** The options every verb that can work against a Worker takes. */
export const REMOTE_OPTIONS = {
  url: { type: "string" },
  token: { type: "string" },
  "request-timeout": { type: "string" },
} as const;

export const REMOTE_HELP = `  --url <url>          work against this Worker (flows dev or deployed) instead of the
                       local state directory (default: FLOWS_URL)
  --token <token>      the Worker's API token (default: FLOWS_API_TOKEN); never put it in the URL
  --request-timeout <ms>  how long to wait for the Worker to answer (default: 30000)
`;
