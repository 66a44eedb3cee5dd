import { createPositionLocator, type Diagnostic, type Severity, type SourcePosition } from "@flows/flow-ir";

/** A diagnostic with the line and column its JSON Pointer leads to in the file's text. */
export interface LocatedDiagnostic {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly path: string;
  readonly node?: string;
  readonly line: number;
  readonly column: number;
}

export interface FileReport {
  readonly file: string;
  readonly ok: boolean;
  readonly diagnostics: readonly LocatedDiagnostic[];
}

export interface Summary {
  readonly files: number;
  readonly errors: number;
  readonly warnings: number;
}

export function locate(diagnostic: Diagnostic, position: SourcePosition): LocatedDiagnostic {
  return {
    code: diagnostic.code,
    severity: diagnostic.severity,
    message: diagnostic.message,
    path: diagnostic.path,
    ...(diagnostic.node === undefined ? {} : { node: diagnostic.node }),
    line: position.line,
    column: position.column,
  };
}

export function summarize(reports: readonly FileReport[]): Summary {
  let errors = 0;
  let warnings = 0;
  for (const report of reports) {
    for (const diagnostic of report.diagnostics) {
      if (diagnostic.severity === "error") errors += 1;
      else warnings += 1;
    }
  }
  return { files: reports.length, errors, warnings };
}

/** Diagnostics about one text, each placed at the line and column its pointer leads to. */
export function reportFor(file: string, text: string, diagnostics: readonly Diagnostic[]): FileReport {
  const locator = createPositionLocator(
    text,
    diagnostics.map((d) => d.path),
  );
  return {
    file,
    ok: !diagnostics.some((d) => d.severity === "error"),
    diagnostics: diagnostics.map((d) => locate(d, d.position ?? locator(d.path))),
  };
}
