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

/** A body field's check, whether the body must have it, and what it must be (for the BODY400 message). */
export interface FieldSpec<T, Required extends boolean> {
  readonly is: (value: unknown) => value is T;
  readonly required: Required;
  readonly expect: string;
}

type FieldSpecs = Readonly<Record<string, FieldSpec<unknown, boolean>>>;

/** The body a spec admits: required fields present, optional ones possibly absent, each of its checked type. */
export type BodyOf<S extends FieldSpecs> = {
  [K in keyof S as S[K] extends FieldSpec<unknown, true> ? K : never]: S[K] extends FieldSpec<infer T, true>
    ? T
    : never;
} & {
  [K in keyof S as S[K] extends FieldSpec<unknown, true> ? never : K]?: S[K] extends FieldSpec<infer T, false>
    ? T
    : never;
};

export const required = <T>(is: (value: unknown) => value is T, expect: string): FieldSpec<T, true> => ({
  is,
  required: true,
  expect,
});
export const optional = <T>(is: (value: unknown) => value is T, expect = "valid"): FieldSpec<T, false> => ({
  is,
  required: false,
  expect,
});

/**
 * The request body as a JSON object whose fields pass their checks, or the coded answer to send
 * instead: BODY400 naming the first bad or missing field (or BODY413, as `readJsonObject`).
 */
export async function readFields<S extends FieldSpecs>(
  request: Request,
  spec: S,
): Promise<{ ok: true; value: BodyOf<S> } | { ok: false; response: Response }> {
  const body = await readJsonObject(request);
  if (!body.ok) return body;
  for (const [name, field] of Object.entries(spec)) {
    const value = body.value[name];
    if (value === undefined && !field.required) continue;
    if (!field.is(value)) {
      return {
        ok: false,
        response: errorResponse(400, "BODY400", `field "${name}" must be ${field.expect}`, { field: name }),
      };
    }
  }
  // Every field of the spec was checked just above.
  return { ok: true, value: body.value as BodyOf<S> };
}

export const isAny = (_value: unknown): _value is unknown => true;
export const isString = (value: unknown): value is string => typeof value === "string";
export const isName = (value: unknown): value is string => typeof value === "string" && value !== "";
export const isPositiveInteger = (value: unknown): value is number =>
  typeof value === "number" && Number.isInteger(value) && value > 0;
