import * as v from "valibot";
import type { Diagnostic } from "../diagnostics/diagnostic";
import { createFastParser } from "../ir/fast-parse";
import { FlowSchema } from "../ir/schema";
import type { FlowIR } from "../ir/types";
import { encodePointer } from "../json/pointer";

const fastParse = createFastParser(FlowSchema);

export type StructureResult = { ok: true; flow: FlowIR } | { ok: false; diagnostics: Diagnostic[] };

function describe(issue: v.BaseIssue<unknown>, segments: readonly (string | number)[]): string {
  const last = segments[segments.length - 1];
  if (issue.input === undefined && last !== undefined) {
    return `required property "${String(last)}" is missing`;
  }
  if (issue.type === "loose_object") return `expected an object (got ${issue.received})`;
  return `${issue.message} (got ${issue.received})`;
}

/** FLOW002: one diagnostic per schema violation, each at the JSON Pointer of the offending value. */
export function checkStructure(document: unknown): StructureResult {
  if (document === null || typeof document !== "object" || Array.isArray(document)) {
    const got = document === null ? "null" : Array.isArray(document) ? "an array" : typeof document;
    return {
      ok: false,
      diagnostics: [
        {
          code: "FLOW002",
          severity: "error",
          message: `document: a Flow IR document is a JSON object with id, name, version, profile and nodes (got ${got})`,
          path: "",
        },
      ],
    };
  }
  const fast = fastParse?.(document);
  if (fast?.ok) return { ok: true, flow: fast.value as FlowIR };
  const result = v.safeParse(FlowSchema, document, { abortEarly: false });
  if (result.success) return { ok: true, flow: result.output };
  const diagnostics = result.issues.map((issue): Diagnostic => {
    const segments = (issue.path ?? []).map((item) => item.key as string | number);
    // A missing member has no location of its own: point at the object that lacks it.
    const missing = issue.input === undefined && segments.length > 0;
    const path = encodePointer(missing ? segments.slice(0, -1) : segments);
    const where = path === "" ? "document" : path;
    return {
      code: "FLOW002",
      severity: "error",
      message: `${where}: ${describe(issue, segments)}`,
      path,
    };
  });
  return { ok: false, diagnostics };
}
