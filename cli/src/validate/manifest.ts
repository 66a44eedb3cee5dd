import { readFileSync } from "node:fs";
import { checkManifestText, createPositionLocator, type ProjectManifest } from "@flows/flow-ir";
import { UsageError } from "../exit";

/**
 * Reads `flows.config.json` for `--manifest`. A manifest that cannot be read or does not match
 * its schema is a usage error: checking bindings against a broken manifest would report nonsense.
 * Each mistake is named with its line and column.
 */
export function readManifest(path: string): ProjectManifest {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const reason = error instanceof Error && "code" in error && error.code === "ENOENT" ? "no such file" : "unreadable";
    throw new UsageError("MANIFEST404", `cannot read manifest ${path}: ${reason}`);
  }
  const checked = checkManifestText(text);
  if (checked.ok) return checked.manifest;
  const locate = createPositionLocator(
    text,
    checked.diagnostics.map((d) => d.path),
  );
  const lines = checked.diagnostics.map((d) => {
    const { line, column } = d.position ?? locate(d.path);
    return `  ${path}:${line}:${column}  ${d.code}  ${d.message}`;
  });
  const what = checked.diagnostics[0]?.code === "MANIFEST001" ? "not valid JSON" : "malformed";
  throw new UsageError("MANIFEST400", `manifest ${path} is ${what}:\n${lines.join("\n")}`);
}
