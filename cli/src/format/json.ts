import type { FileReport, Summary } from "./report";

/** Exactly `{"files":[{"file","ok","diagnostics":[…]}],"summary":{"files","errors","warnings"}}`. */
export function formatJson(reports: readonly FileReport[], summary: Summary): string {
  return `${JSON.stringify({
    files: reports.map((report) => ({
      file: report.file,
      ok: report.ok,
      diagnostics: report.diagnostics.map((d) => ({
        code: d.code,
        severity: d.severity,
        message: d.message,
        path: d.path,
        node: d.node ?? null,
        line: d.line,
        column: d.column,
      })),
    })),
    summary: { files: summary.files, errors: summary.errors, warnings: summary.warnings },
  })}\n`;
}
