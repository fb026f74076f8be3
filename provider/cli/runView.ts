/**
 * How the `runs` and `flows` commands show a dataflow's schedule and its runs: one table row and
 * one JSON object per run, from the client's run summary.
 */
import { describeRunErrors, type RunSummary } from "../client";
import { isRecord } from "../client/json";
import { formatDuration, formatTime } from "./output";

/** Table headers of a run, in the order of {@link runCells}. */
export const RUN_HEADERS = ["status", "started", "duration", "read", "written", "failed"] as const;

const counted = (value: number | undefined) => (value === undefined ? "-" : String(value));

/** A run's cells under {@link RUN_HEADERS}. */
export function runCells(run: RunSummary): string[] {
  return [
    run.status,
    formatTime(run.startedAt),
    formatDuration(durationOf(run)),
    counted(run.recordsRead),
    counted(run.recordsWritten),
    counted(run.recordsFailed),
  ];
}

/** The first error of a run for a table cell, "-" when there is none. */
export function firstErrors(run: RunSummary): string {
  return run.errors.length === 0 ? "-" : describeRunErrors(run.errors, 1);
}

/** A run for `--json`: times in ISO 8601, the duration in seconds, every error. */
export function runJson(run: RunSummary): Record<string, unknown> {
  const duration = durationOf(run);
  return {
    id: run.id,
    flowId: run.flowId ?? null,
    status: run.status,
    phase: run.phase,
    startedAt: isoOrNull(run.startedAt),
    completedAt: isoOrNull(run.completedAt),
    durationSeconds: duration === undefined ? null : duration / 1000,
    recordsRead: run.recordsRead ?? null,
    recordsWritten: run.recordsWritten ?? null,
    recordsFailed: run.recordsFailed ?? null,
    errors: run.errors,
  };
}

/** One line about a finished run: `success, 57 read, 57 written, 0 failed, in 23s`. */
export function runLine(run: RunSummary): string {
  const counts =
    run.recordsRead === undefined
      ? ""
      : `, ${run.recordsRead} read, ${counted(run.recordsWritten)} written, ${counted(run.recordsFailed)} failed`;
  const duration = durationOf(run);
  return `${run.status}${counts}${duration === undefined ? "" : `, in ${formatDuration(duration)}`}`;
}

function durationOf(run: RunSummary): number | undefined {
  return run.startedAt !== undefined && run.completedAt !== undefined
    ? run.completedAt - run.startedAt
    : undefined;
}

function isoOrNull(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString();
}

const UNITS: Record<string, [string, string]> = {
  minute: ["minute", "min"],
  hour: ["hour", "hours"],
  day: ["day", "days"],
  week: ["week", "weeks"],
};

/** A flow's `scheduleParams` in words: `every 15 min`, `every hour`, `once at 2026-03-02 10:00:00Z`. */
export function describeSchedule(schedule: unknown): string {
  if (!isRecord(schedule)) return "no schedule";
  const start = Number(schedule.startTime) * 1000;
  if (schedule.frequency === "once") return `once at ${formatTime(start)}`;
  const interval = Number(schedule.interval ?? 1);
  const [one, many] = UNITS[String(schedule.frequency)] ?? [
    String(schedule.frequency),
    String(schedule.frequency),
  ];
  return interval === 1 ? `every ${one}` : `every ${interval} ${many}`;
}

/** The schedule's start, epoch ms; undefined without one. */
export function scheduleStart(schedule: unknown): number | undefined {
  const start = isRecord(schedule) ? Number(schedule.startTime) * 1000 : Number.NaN;
  return Number.isFinite(start) ? start : undefined;
}
