import type { FileReport, Summary } from "./report";

export interface TextStyle {
  readonly color: boolean;
}

const paint = (style: TextStyle, code: number, text: string) =>
  style.color ? `\u001b[${code}m${text}\u001b[0m` : text;

/** `file:line:col  CODE  message`, one line per diagnostic, then a summary. */
export function formatText(reports: readonly FileReport[], summary: Summary, style: TextStyle): string {
  const lines: string[] = [];
  for (const report of reports) {
    for (const d of report.diagnostics) {
      const code = paint(style, d.severity === "error" ? 31 : 33, d.code);
      const where = d.node === undefined ? "" : ` (node ${d.node})`;
      lines.push(`${report.file}:${d.line}:${d.column}  ${code}  ${d.message}${where}`);
    }
  }
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const verdict =
    summary.errors === 0
      ? paint(style, 32, `${plural(summary.files, "file")} valid`)
      : paint(style, 31, `${plural(summary.errors, "error")}`);
  lines.push(
    summary.errors === 0
      ? `${verdict}${summary.warnings > 0 ? `, ${plural(summary.warnings, "warning")}` : ""}`
      : `${verdict}, ${plural(summary.warnings, "warning")} in ${plural(summary.files, "file")}`,
  );
  return `${lines.join("\n")}\n`;
}
