import { readFileSync } from "node:fs";
import { ManifestSchema, type ProjectManifest, parseJson } from "@flows/flow-ir";
import * as v from "valibot";
import { UsageError } from "../exit";

/**
 * Reads `flows.config.json` for `--manifest`. A manifest that cannot be read or does not match
 * its schema is a usage error: checking bindings against a broken manifest would report nonsense.
 */
export function readManifest(path: string): ProjectManifest {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const reason = error instanceof Error && "code" in error && error.code === "ENOENT" ? "no such file" : "unreadable";
    throw new UsageError("MANIFEST404", `cannot read manifest ${path}: ${reason}`);
  }
  const parsed = parseJson(text);
  if (!parsed.ok) throw new UsageError("MANIFEST400", `manifest ${path} is ${parsed.diagnostic.message}`);
  const result = v.safeParse(ManifestSchema, parsed.value);
  if (!result.success) {
    const issue = result.issues[0];
    const where = issue?.path?.map((item) => String(item.key)).join(".") ?? "";
    throw new UsageError(
      "MANIFEST400",
      `manifest ${path} is malformed${where === "" ? "" : ` at ${where}`}: ${issue?.message ?? "unexpected shape"}`,
    );
  }
  return result.output;
}
