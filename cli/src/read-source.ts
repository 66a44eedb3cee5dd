import { readFileSync } from "node:fs";
import type { CliIo } from "./io";

export type SourceResult =
  | { readonly ok: true; readonly name: string; readonly text: string }
  | { readonly ok: false; readonly message: string };

/** The argument that means standard input. */
export const STDIN = "-";

/** How reports name standard input. */
export const STDIN_NAME = "<stdin>";

/** The text of a file argument (`-` is standard input); a read failure is data, not an exception. */
export async function readSource(file: string, io: CliIo): Promise<SourceResult> {
  if (file === STDIN) {
    try {
      return { ok: true, name: STDIN_NAME, text: await io.readStdin() };
    } catch {
      return { ok: false, message: "cannot read standard input" };
    }
  }
  try {
    return { ok: true, name: file, text: readFileSync(file, "utf8") };
  } catch (error) {
    const code = error instanceof Error && "code" in error ? error.code : undefined;
    const reason = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : "unreadable";
    return { ok: false, message: `cannot read ${file}: ${reason}` };
  }
}
