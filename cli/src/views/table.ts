/** Left-aligned columns two spaces apart, the first row a header; no trailing blanks. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** An epoch-ms time as ISO 8601, or "-" when there is none. */
export const isoTime = (at: unknown): string => (typeof at === "number" ? new Date(at).toISOString() : "-");
