import type { FileReport, Summary } from "./report";

export interface TextStyle {
  readonly color: boolean;
}

const paint = (style: TextStyle, code: number, text: string) =>
  style.color ? `\u001b[${code}m${text}\u001b[0m` : text;

// One diagnostic per line is what editors and grep rely on, whatever a message contains.
const oneLine = (text: string) => text.replace(/\s*[\r\n]+\s*/g, " ");

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** `file:line:col  CODE  message`, one line per diagnostic. */
export function formatDiagnosticLines(reports: readonly FileReport[], style: TextStyle): string[] {
  const lines: string[] = [];
  for (const report of reports) {
    for (const d of report.diagnostics) {
      const code = paint(style, d.severity === "error" ? 31 : 33, d.code);
      lines.push(`${report.file}:${d.line}:${d.column}  ${code}  ${oneLine(d.message)}`);
    }
  }
  return lines;
}

/** The last line: how many files were checked and what was found. */
export function formatSummaryLine(summary: Summary, style: TextStyle): string {
  const files = plural(summary.files, "file");
  if (summary.errors > 0) {
    return `${paint(style, 31, plural(summary.errors, "error"))}, ${plural(summary.warnings, "warning")} in ${files}`;
  }
  const warnings = summary.warnings > 0 ? `, ${paint(style, 33, plural(summary.warnings, "warning"))}` : "";
  return `${paint(style, 32, `${files} valid`)}${warnings}`;
}

/** The text report: the diagnostic lines, then the summary line. */
export function formatText(reports: readonly FileReport[], summary: Summary, style: TextStyle): string {
  return `${[...formatDiagnosticLines(reports, style), formatSummaryLine(summary, style)].join("\n")}\n`;
}
