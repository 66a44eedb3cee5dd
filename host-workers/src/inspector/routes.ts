import { constantTimeEqual } from "@flows/kernel";
import { fromSameOrigin, requireAuth } from "../auth";
import { readBodyText } from "../body-limit";
import type { WorkerEnv } from "../config";
import { errorResponse } from "../envelope";
import {
  clearedSessionCookie,
  createSession,
  readCookie,
  SESSION_COOKIE,
  sessionCookie,
  verifySession,
} from "../session";
import type { InspectorPage } from "./page";

/** Where the page lives: one path, so a Worker's own routes stay free. */
export const PAGE_PATH = "/_flows/";

// Only this origin's script and style, no inline code, no framing: a page that shows run data
// (user values among it) must not run anything those values could smuggle in.
const PAGE_HEADERS = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "x-content-type-options": "nosniff",
  // Not no-referrer: under it Chromium sends `Origin: null` on the sign-in form's POST, and
  // off HTTPS and localhost no Sec-Fetch-Site either, so the same-origin check could not pass.
  "referrer-policy": "same-origin",
  "x-frame-options": "DENY",
  "cache-control": "no-cache",
};

/** A sign-in form is a few hundred bytes; anything larger is not one. */
const MAX_FORM_BYTES = 4096;

/** One of the page's files, or 304 when the browser holds this build's copy already. */
const asset = (request: Request, version: string, body: string, type: string) => {
  const etag = `"${version}"`;
  const headers = { ...PAGE_HEADERS, etag, "content-type": `${type}; charset=utf-8` };
  if (request.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers });
  return new Response(body, { headers });
};

const seeOther = (location: string, cookie?: string) =>
  new Response(null, {
    status: 303,
    headers: { location, "cache-control": "no-store", ...(cookie === undefined ? {} : { "set-cookie": cookie }) },
  });

export interface InspectorOptions {
  /** The API token the Worker expects, from its secret. */
  readonly token: (env: WorkerEnv) => string | undefined;
  /** The page's files; without them only sign-in and sign-out are served. */
  readonly page: InspectorPage | undefined;
}

/**
 * The inspector's own routes under /_flows/: the page and its files (no data in them, so no
 * sign-in needed to load them), sign-in with the API token (a form POST that sets the session
 * cookie), sign-out, and the session's state. Answers undefined for every other path.
 */
export function inspectorRoutes(options: InspectorOptions) {
  const signIn = async (request: Request, env: WorkerEnv): Promise<Response> => {
    // Login CSRF: another site must not sign a browser in with a token of its choosing.
    if (!fromSameOrigin(request)) {
      return errorResponse({ code: "AUTH403", message: "sign in from this origin's own page" }, 403);
    }
    const expected = options.token(env);
    if (expected === undefined || expected === "") return seeOther(`${PAGE_PATH}?signin=unconfigured`);
    const body = await readBodyText(request, MAX_FORM_BYTES);
    if (!body.ok) return body.response;
    const given = new URLSearchParams(body.text).get("token") ?? "";
    if (given === "" || !constantTimeEqual(given, expected)) return seeOther(`${PAGE_PATH}?signin=failed`);
    // `signin=ok` lets the page tell a browser that refused the Secure cookie (plain HTTP on a
    // host other than localhost) from one that never signed in.
    return seeOther(`${PAGE_PATH}?signin=ok`, sessionCookie(await createSession(expected, Date.now())));
  };

  const session = async (request: Request, env: WorkerEnv): Promise<Response> => {
    const denied = await requireAuth(request, options.token(env));
    if (denied) return denied;
    const value = readCookie(request, SESSION_COOKIE);
    const expected = options.token(env) ?? "";
    const expiresAt = value === undefined ? undefined : await verifySession(value, expected, Date.now());
    return Response.json(
      { signed_in: true, expires_at: expiresAt ?? null },
      { headers: { "cache-control": "no-store" } },
    );
  };

  return async (request: Request, env: WorkerEnv): Promise<Response | undefined> => {
    const { pathname } = new URL(request.url);
    if (pathname !== "/_flows" && !pathname.startsWith(PAGE_PATH)) return undefined;
    const route = `${request.method} ${pathname}`;
    const { page } = options;
    switch (route) {
      case "GET /_flows":
        return new Response(null, { status: 308, headers: { location: PAGE_PATH } });
      case `GET ${PAGE_PATH}`:
      case `GET ${PAGE_PATH}app.js`:
      case `GET ${PAGE_PATH}app.css`:
        if (page === undefined) {
          return errorResponse({
            code: "ROUTE404",
            message:
              'this Worker was built without the inspector page: pass `inspector` from "@flows/host-workers/inspector"',
          });
        }
        if (pathname.endsWith(".js")) return asset(request, page.version, page.script, "text/javascript");
        if (pathname.endsWith(".css")) return asset(request, page.version, page.style, "text/css");
        return asset(request, page.version, page.html, "text/html");
      case `POST ${PAGE_PATH}login`:
        return signIn(request, env);
      case `POST ${PAGE_PATH}logout`:
        if (!fromSameOrigin(request)) {
          return errorResponse({ code: "AUTH403", message: "sign out from this origin's own page" }, 403);
        }
        return seeOther(PAGE_PATH, clearedSessionCookie());
      case `GET ${PAGE_PATH}session`:
        return session(request, env);
      default:
        return errorResponse({ code: "ROUTE404", message: `no route ${request.method} ${pathname}` });
    }
  };
}
