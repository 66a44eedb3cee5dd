import { constantTimeEqual } from "@flows/kernel";
import { errorResponse } from "./envelope";

/**
 * Bearer-token check for every route but health. The expected token comes from a secret; it
 * never appears in a response or a log line, whatever the request sent.
 */
export function requireBearer(request: Request, expected: string | undefined): Response | undefined {
  if (expected === undefined || expected === "") {
    return errorResponse(
      { code: "AUTH401", message: "the API token secret is not configured: set it with `wrangler secret put`" },
      401,
    );
  }
  const header = request.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(.+)$/i.exec(header);
  if (match === null) {
    return errorResponse({ code: "AUTH401", message: "missing bearer token: send Authorization: Bearer <token>" }, 401);
  }
  if (!constantTimeEqual(match[1] as string, expected)) {
    return errorResponse({ code: "AUTH401", message: "the bearer token is not valid" }, 401);
  }
  return undefined;
}
