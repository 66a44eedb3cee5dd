import type { Diagnostic } from "../diagnostics/diagnostic";
import { positionAt } from "./position";
import { scanJson } from "./scan";

export type ParseResult = { ok: true; value: unknown } | { ok: false; diagnostic: Diagnostic };

/** JSON.parse with a FLOW001 diagnostic that says where and what, instead of a thrown SyntaxError. */
export function parseJson(text: string): ParseResult {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return { ok: true, value: JSON.parse(source) };
  } catch {
    const error = scanJson(source).error ?? { offset: 0, message: "the input is not valid JSON" };
    const { line, column } = positionAt(source, error.offset);
    return {
      ok: false,
      diagnostic: {
        code: "FLOW001",
        severity: "error",
        message: `not valid JSON at line ${line}, column ${column}: ${error.message}`,
        path: "",
        position: { line, column },
      },
    };
  }
}
