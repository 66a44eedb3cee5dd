import { constantTimeEqual } from "@flows/kernel";
import { errorResponse } from "./envelope";
import { readCookie, SESSION_COOKIE, verifySession } from "./session";

/** Query parameters a token would travel in: refused, so that no link, log or history holds one. */
const TOKEN_PARAMETERS = ["token", "api_token", "access_token"] as const;

/** Methods that change nothing; every other one from a session must come from the page's own origin. */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * 400 AUTH400 when the URL carries a token parameter, whatever its value: a URL ends up in
 * browser history, proxies' and platforms' logs and Referer headers, so a token there is
 * already leaked. Nothing of the URL is echoed back.
 */
export function refuseTokenInUrl(request: Request): Response | undefined {
  const query = new URL(request.url).searchParams;
  const found = TOKEN_PARAMETERS.find((name) => query.has(name));
  if (found === undefined) return undefined;
  return errorResponse(
    {
      code: "AUTH400",
      message: `an API token must not be sent in the URL (?${found}=): send Authorization: Bearer <token>, or sign in at /_flows/`,
    },
    400,
  );
}

/**
 * True when the request comes from a page of this origin: its Origin header is the request's
 * own origin, or the browser says so (`Sec-Fetch-Site: same-origin`, a header no page can set;
 * it matters where the page's referrer policy makes Chromium send `Origin: null` on a form
 * POST). A request with neither is refused: every browser sends one of them on a POST.
 */
export function fromSameOrigin(request: Request): boolean {
  if (request.headers.get("origin") === new URL(request.url).origin) return true;
  return request.headers.get("sec-fetch-site") === "same-origin";
}

/**
 * Token check for every route but health and the page's own: `Authorization: Bearer <token>`,
 * or the inspector's session cookie (signed with the token). A state-changing request that
 * relies on the cookie must come from the same origin, else 403 AUTH403, so that another site
 * cannot make a signed-in browser cancel or resume runs. The expected token comes from a
 * secret; it never appears in a response or a log line, whatever the request sent.
 */
export async function requireAuth(request: Request, expected: string | undefined): Promise<Response | undefined> {
  if (expected === undefined || expected === "") {
    return errorResponse(
      { code: "AUTH401", message: "the API token secret is not configured: set it with `wrangler secret put`" },
      401,
    );
  }
  const header = request.headers.get("authorization");
  if (header !== null) {
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (match === null) {
      return errorResponse({ code: "AUTH401", message: "send Authorization: Bearer <token>" }, 401);
    }
    if (!constantTimeEqual(match[1] as string, expected)) {
      return errorResponse({ code: "AUTH401", message: "the bearer token is not valid" }, 401);
    }
    return undefined;
  }
  const session = readCookie(request, SESSION_COOKIE);
  if (session === undefined) {
    return errorResponse(
      { code: "AUTH401", message: "missing bearer token: send Authorization: Bearer <token>, or sign in at /_flows/" },
      401,
    );
  }
  if ((await verifySession(session, expected, Date.now())) === undefined) {
    return errorResponse({ code: "AUTH401", message: "the session is not valid or has expired: sign in again" }, 401);
  }
  if (!SAFE_METHODS.has(request.method) && !fromSameOrigin(request)) {
    return errorResponse(
      { code: "AUTH403", message: `${request.method} with a session cookie must come from this origin's own page` },
      403,
    );
  }
  return undefined;
}
