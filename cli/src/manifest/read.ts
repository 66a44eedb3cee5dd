import { readFileSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import { checkManifestText, type ProjectManifest } from "@flows/flow-ir";
import { UsageError } from "../exit";
import { type FileReport, reportFor } from "../format/report";
import { formatDiagnosticLines } from "../format/text";

export interface ReadManifest {
  readonly manifest: ProjectManifest;
  /** Findings that do not stop a run, e.g. a key the schema does not know. */
  readonly warnings: FileReport | undefined;
}

/** The path as the user would type it from here, like every other file a report names. */
function shown(path: string): string {
  const near = relative(process.cwd(), resolve(path));
  return near === "" || near.startsWith("..") || isAbsolute(near) ? path : near;
}

/**
 * Reads `flows.config.json` for `--manifest` (validate, run, resume). A manifest that cannot be
 * read or does not match its schema is a usage error: checking bindings against, or running with,
 * a broken manifest would report nonsense. The error's code is the first finding's (MANIFEST001
 * not JSON, MANIFEST002 schema), and each mistake is named with its line and column.
 */
export function readManifest(path: string): ReadManifest {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = error instanceof Error && "code" in error ? error.code : undefined;
    const reason = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "a directory, not a file" : "unreadable";
    throw new UsageError("MANIFEST404", `cannot read manifest ${path}: ${reason}`);
  }
  const checked = checkManifestText(text);
  const report = reportFor(shown(path), text, checked.diagnostics);
  if (checked.ok) return { manifest: checked.manifest, warnings: report.diagnostics.length > 0 ? report : undefined };
  const lines = formatDiagnosticLines([report], { color: false }).map((line) => `  ${line}`);
  const first = checked.diagnostics[0]?.code ?? "MANIFEST002";
  const what = first === "MANIFEST001" ? "not valid JSON" : "malformed";
  throw new UsageError(first, `manifest ${path} is ${what}:\n${lines.join("\n")}`);
}
