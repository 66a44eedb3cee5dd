import * as v from "valibot";
import type { Diagnostic } from "../diagnostics/diagnostic";
import { parseJson } from "../json/parse";
import { encodePointer } from "../json/pointer";
import { createPositionLocator } from "../json/position";
import { DEPRECATED_INSTANCE_TYPES } from "./instance-types";
import { ManifestSchema, type ProjectManifest } from "./manifest";
import { unknownKeyWarnings } from "./unknown-keys";

export type ManifestCheck =
  | { readonly ok: true; readonly manifest: ProjectManifest; readonly diagnostics: readonly Diagnostic[] }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/**
 * Reads the text of `flows.config.json` and places every mistake: MANIFEST001 when it is not
 * JSON, MANIFEST002 for each schema violation, MANIFEST004 (a warning) for each key the schema
 * does not know, MANIFEST005 (a warning) for a deprecated instance type, each with its JSON Pointer and the line and column it leads to.
 */
export function checkManifestText(text: string): ManifestCheck {
  const parsed = parseJson(text);
  if (!parsed.ok) {
    return {
      ok: false,
      diagnostics: [
        { ...parsed.diagnostic, code: "MANIFEST001", message: `the manifest is ${parsed.diagnostic.message}` },
      ],
    };
  }
  const result = v.safeParse(ManifestSchema, parsed.value);
  const found: Diagnostic[] = result.success
    ? []
    : result.issues.map((issue) => {
        const path = encodePointer((issue.path ?? []).map((item) => String(item.key)));
        return {
          code: "MANIFEST002",
          severity: "error",
          message: `${path === "" ? "the manifest" : path}: ${issue.message}`,
          path,
        };
      });
  found.push(...unknownKeyWarnings(ManifestSchema, parsed.value));
  if (result.success) found.push(...deprecatedInstanceType(result.output));
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const locate = createPositionLocator(
    source,
    found.map((diagnostic) => diagnostic.path),
  );
  const diagnostics = found.map((diagnostic) => ({ ...diagnostic, position: locate(diagnostic.path) }));
  return result.success ? { ok: true, manifest: result.output, diagnostics } : { ok: false, diagnostics };
}

/** wrangler still takes the old names; the warning names the type that replaced it. */
function deprecatedInstanceType(manifest: ProjectManifest): Diagnostic[] {
  const type = manifest.container?.instance_type;
  const instead = typeof type === "string" ? DEPRECATED_INSTANCE_TYPES[type] : undefined;
  if (instead === undefined) return [];
  return [
    {
      code: "MANIFEST005",
      severity: "warning",
      message: `/container/instance_type: "${type}" is deprecated; use "${instead}"`,
      path: "/container/instance_type",
    },
  ];
}
