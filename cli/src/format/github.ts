import type { FileReport } from "./report";

// Workflow commands end at a newline and treat `%`, `\r`, `\n` specially; properties also `:` and `,`.
const escapeData = (text: string) => text.replaceAll("%", "%25").replaceAll("\r", "%0D").replaceAll("\n", "%0A");
const escapeProperty = (text: string) => escapeData(text).replaceAll(":", "%3A").replaceAll(",", "%2C");

/** GitHub Actions annotations: `::error file=…,line=…,col=…::CODE message`. */
export function formatGithub(reports: readonly FileReport[]): string {
  const lines: string[] = [];
  for (const report of reports) {
    for (const d of report.diagnostics) {
      const level = d.severity === "error" ? "error" : "warning";
      lines.push(
        `::${level} file=${escapeProperty(report.file)},line=${d.line},col=${d.column}::${escapeData(`${d.code} ${d.message}`)}`,
      );
    }
  }
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}
