import { errorResponse } from "./errors";

/** Far above any flow payload the Worker sends; keeps one request from taking the container's memory. */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

/** The request body as a JSON object, or the coded answer to send instead (BODY400, BODY413). */
export async function readJsonObject(
  request: Request,
  maxBytes = MAX_BODY_BYTES,
): Promise<{ ok: true; value: Record<string, unknown> } | { ok: false; response: Response }> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body !== null) {
    const reader = request.body.getReader();
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) break;
      size += chunk.value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        return {
          ok: false,
          response: errorResponse(413, "BODY413", `the request body exceeds ${maxBytes} bytes`, { limit: maxBytes }),
        };
      }
      chunks.push(chunk.value);
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch (error) {
    return {
      ok: false,
      response: errorResponse(400, "BODY400", `the request body is not JSON: ${(error as Error).message}`),
    };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { ok: false, response: errorResponse(400, "BODY400", "the request body must be a JSON object") };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

/** Checks optional fields of a body; the first problem becomes a BODY400 naming the field. */
export function fieldProblem(
  body: Record<string, unknown>,
  checks: Readonly<Record<string, (value: unknown) => boolean>>,
  required: readonly string[],
  shapes: Readonly<Record<string, string>>,
): Response | undefined {
  for (const [name, check] of Object.entries(checks)) {
    const value = body[name];
    if (value === undefined && !required.includes(name)) continue;
    if (!check(value)) {
      return errorResponse(400, "BODY400", `field "${name}" must be ${shapes[name] ?? "valid"}`, { field: name });
    }
  }
  return undefined;
}

export const isName = (value: unknown): boolean => typeof value === "string" && value !== "";
export const isPositiveInteger = (value: unknown): boolean =>
  typeof value === "number" && Number.isInteger(value) && value > 0;
