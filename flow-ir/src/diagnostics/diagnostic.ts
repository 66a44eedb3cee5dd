import type { DiagnosticCode } from "./codes";

export type Severity = "error" | "warning";

/** One finding about a flow document. `path` is a JSON Pointer into the input document. */
export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  readonly path: string;
  readonly node?: string;
  readonly edge?: string;
  readonly hint?: string;
  /** Where in the text the problem is, when it is known without a pointer (FLOW001). */
  readonly position?: { readonly line: number; readonly column: number };
}

export function edgeLabel(from: string, to: string): string {
  return `${from}->${to}`;
}

export function countBySeverity(diagnostics: readonly Diagnostic[]): { errors: number; warnings: number } {
  let errors = 0;
  let warnings = 0;
  for (const diagnostic of diagnostics) {
    if (diagnostic.severity === "error") errors += 1;
    else warnings += 1;
  }
  return { errors, warnings };
}
