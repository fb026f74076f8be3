/**
 * What commands print: aligned tables for people, one JSON document for scripts (`--json`).
 */

/** Where a command writes; the real process streams in production, buffers in tests. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
  /** Terminal width for tables; undefined when not a terminal (nothing is cut). */
  columns: number | undefined;
}

export const processOutput: Output = {
  out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
  get columns() {
    return process.stdout.isTTY ? process.stdout.columns : undefined;
  },
};

/** The `--json` document: stable, two-space indented. */
export function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/**
 * Rows as a table under upper-case headers. On a terminal narrower than the table, the last
 * column is cut with an ellipsis, so each row stays on one line.
 */
export function table(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  columns?: number,
): string {
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...rows.map((row) => (row[i] ?? "").length)),
  );
  const line = (cells: readonly string[]) => {
    const text = cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
    return columns !== undefined && text.length > columns
      ? `${text.slice(0, Math.max(columns - 1, 0))}…`
      : text;
  };
  return [line(headers.map((h) => h.toUpperCase())), ...rows.map(line)].join("\n");
}
