/**
 * What commands print: aligned tables for people, one JSON document for scripts (`--json`).
 */
import Table, { type CharName } from "cli-table3";

/** Where a command writes; the real process streams in production, buffers in tests. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
  /** Terminal width for tables; undefined when not a terminal (nothing is cut). */
  columns: number | undefined;
  /** Whether progress can be drawn in place (stderr is a terminal): a spinner, else plain lines. */
  interactive?: boolean;
}

export const processOutput: Output = {
  out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
  get columns() {
    return process.stdout.isTTY ? process.stdout.columns : undefined;
  },
  // nanospinner animates only when stdout is a terminal (and not TERM=dumb or CI); it draws on
  // stderr, and loops forever on a terminal that reports no width (a bare pseudo-terminal).
  get interactive() {
    return (
      process.stdout.isTTY === true &&
      process.stderr.isTTY === true &&
      (process.stderr.columns ?? 0) > 0 &&
      process.env.TERM !== "dumb" &&
      !("CI" in process.env)
    );
  },
};

/** The `--json` document: stable, two-space indented. */
export function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/** Columns never shrink below their header, nor below this, when a table is cut to the terminal's width. */
const MIN_COLUMN_WIDTH = 10;
const COLUMN_GAP = 2;

/** No borders: columns separated by two spaces, so tables read as plain text in logs. */
const PLAIN: Partial<Record<CharName, string>> = {
  top: "",
  "top-mid": "",
  "top-left": "",
  "top-right": "",
  bottom: "",
  "bottom-mid": "",
  "bottom-left": "",
  "bottom-right": "",
  left: "",
  "left-mid": "",
  mid: "",
  "mid-mid": "",
  right: "",
  "right-mid": "",
  middle: " ".repeat(COLUMN_GAP),
};

/**
 * Rows as a table under upper-case headers (cli-table3, without borders). On a terminal narrower
 * than the table, the widest columns are narrowed until it fits and their long values end in an
 * ellipsis, so each row stays on one line; when not on a terminal nothing is cut. The columns
 * named in `keep` (ids, which are copied from the table; times) are never cut.
 */
export function table(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  columns?: number,
  keep: readonly string[] = [],
): string {
  const cells = rows.map((row) => headers.map((_, i) => oneLine(row[i] ?? "")));
  const natural = headers.map((header, i) =>
    Math.max(header.length, ...cells.map((row) => (row[i] ?? "").length)),
  );
  const rendered = new Table({
    head: headers.map((header) => header.toUpperCase()),
    chars: PLAIN,
    style: { head: [], border: [], "padding-left": 0, "padding-right": 0, compact: true },
    colWidths:
      columns === undefined
        ? natural
        : fitWidths(
            natural,
            headers.map((header, i) =>
              Math.min(natural[i] ?? 0, Math.max(header.length, MIN_COLUMN_WIDTH)),
            ),
            columns,
            headers.map((header) => keep.includes(header)),
          ),
    wordWrap: false,
  });
  rendered.push(...cells);
  return rendered
    .toString()
    .split("\n")
    .map((line) => line.trimEnd())
    .join("\n");
}

/**
 * Column widths that fit `columns` characters: the widest shrink first, none below its minimum
 * and the kept ones not at all (an id cut short is of no use). A table whose minimums do not fit
 * stays wider than the terminal.
 */
function fitWidths(
  natural: readonly number[],
  minimum: readonly number[],
  columns: number,
  kept: readonly boolean[],
): number[] {
  const widths = [...natural];
  const available = columns - COLUMN_GAP * (widths.length - 1);
  let total = widths.reduce((sum, width) => sum + width, 0);
  while (total > available) {
    // The widest column that may still shrink gives a character.
    let widest = -1;
    widths.forEach((width, i) => {
      const shrinkable = !(kept[i] ?? false) && width > (minimum[i] ?? 0);
      if (shrinkable && (widest < 0 || width > (widths[widest] ?? 0))) widest = i;
    });
    if (widest < 0) break;
    widths[widest] = (widths[widest] ?? 0) - 1;
    total -= 1;
  }
  return widths;
}

/** A cell on one line: line breaks and tabs become spaces. */
function oneLine(text: string): string {
  return text.replace(/\s*[\r\n\t]+\s*/g, " ");
}

/** A value as a table cell: text as it is, anything else as compact JSON, nothing as "-". */
export function cell(value: unknown): string {
  if (value === undefined || value === null || value === "") return "-";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Epoch ms as `2026-03-02 10:15:00Z`; "-" when unknown. */
export function formatTime(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return "-";
  return new Date(ms)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d{3}Z$/, "Z");
}

/** A duration as `42s`, `3m 05s` or `2h 07m`; "-" when unknown. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return "-";
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, "0")}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, "0")}m`;
}
