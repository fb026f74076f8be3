/**
 * Flow runs as a reader needs them: what a status spelling means, and one run reduced to its
 * status, times, record counts and errors. Adobe's pages spell statuses several ways (`success`,
 * `failed`, `Failed`, `partialSuccess`, `inProgress`, `scheduled`; the API reference adds
 * `IN_PROGRESS`, `PARTIAL_SUCCESS`...), so statuses are compared without case or underscores
 * ("Monitor dataflows", https://experienceleague.adobe.com/en/docs/experience-platform/dataflows/api/monitor).
 * The command line and the Dataflow resource both read runs through here.
 */
import { isRecord } from "./json";

/** What a run's status says about it. */
export type RunPhase = "succeeded" | "partial" | "failed" | "running";

/** Status spellings (lower case, no underscores) that end a run, and what each means. */
const TERMINAL: Readonly<Record<string, Exclude<RunPhase, "running">>> = {
  success: "succeeded",
  completed: "succeeded",
  partialsuccess: "partial",
  partialfailure: "partial",
  failed: "failed",
  failure: "failed",
};

/** The terminal spellings, for messages and the README. */
export const TERMINAL_STATUSES = [
  "success",
  "completed",
  "partialSuccess",
  "partialFailure",
  "failed",
  "failure",
] as const;

/** The spelling the run objects carry for each status a user may type, for `/runs` filters. */
const FILTER_SPELLING: Readonly<Record<string, string>> = {
  success: "success",
  failed: "failed",
  partialsuccess: "partialSuccess",
  inprogress: "inProgress",
  scheduled: "scheduled",
};

const key = (status: string): string => status.replace(/_/g, "").toLowerCase();

/**
 * The phase of a status. Anything not known to be terminal (`inProgress`, `scheduled`, `queued`,
 * an unknown spelling) counts as still running, so a caller keeps polling up to its deadline.
 */
export function runPhase(status: string | undefined): RunPhase {
  return (status !== undefined && TERMINAL[key(status)]) || "running";
}

/**
 * A status as a `/runs` filter value: the lower-camel spelling run objects carry (`FAILED` →
 * `failed`), since whether Flow Service matches case-insensitively is not documented.
 */
export function statusFilterValue(status: string): string {
  return FILTER_SPELLING[key(status)] ?? status;
}

/** One `{code, message}` of a run or of one of its activities. */
export interface RunError {
  code: string;
  message: string;
}

/** A run reduced to what a person (or `up`) checks. Counts are undefined when Adobe reports none. */
export interface RunSummary {
  id: string;
  flowId: string | undefined;
  /** The status exactly as Flow Service spelled it. */
  status: string;
  phase: RunPhase;
  /** Epoch ms. */
  startedAt: number | undefined;
  /** Epoch ms: the run's end, else (failed runs carry none) its last activity's end. */
  completedAt: number | undefined;
  recordsRead: number | undefined;
  recordsWritten: number | undefined;
  recordsFailed: number | undefined;
  /** Run-level errors first, then the activities' detail, without repeats. */
  errors: RunError[];
}

/** Reads a run object of `GET /runs`; tolerant of the members Adobe's samples leave out. */
export function summarizeRun(run: Record<string, unknown>): RunSummary {
  const metrics = record(run.metrics);
  const duration = record(metrics.durationSummary);
  const records = record(metrics.recordSummary);
  const status = record(metrics.statusSummary);
  const activities = Array.isArray(run.activities) ? run.activities.map(record) : [];
  const statusText = typeof status.status === "string" ? status.status : "unknown";
  const phase = runPhase(statusText);
  const activityEnds = activities
    .map((activity) => count(record(activity.durationSummary).completedAtUTC))
    .filter((end): end is number => end !== undefined);
  const completedAt =
    count(duration.completedAtUTC) ??
    (phase !== "running" && activityEnds.length > 0 ? Math.max(...activityEnds) : undefined);
  const errors = [
    ...errorsOf(status.errors),
    ...activities.flatMap((activity) => {
      const activityStatus = record(activity.statusSummary);
      return [
        ...errorsOf(activityStatus.errors),
        ...errorsOf(record(activityStatus.extensions).errors),
      ];
    }),
  ];
  return {
    id: String(run.id),
    flowId: typeof run.flowId === "string" ? run.flowId : undefined,
    status: statusText,
    phase,
    startedAt: count(duration.startedAtUTC),
    completedAt,
    recordsRead: count(records.inputRecordCount),
    recordsWritten: count(records.outputRecordCount),
    recordsFailed: count(records.failedRecordCount),
    errors: errors.filter(
      (error, index) =>
        errors.findIndex(
          (other) => other.code === error.code && other.message === error.message,
        ) === index,
    ),
  };
}

/** `code: message; code: message` of the first errors, for one-line reports. */
export function describeRunErrors(errors: readonly RunError[], max = 3): string {
  const shown = errors
    .slice(0, max)
    .map((error) => `${error.code}: ${error.message.replace(/\.$/, "")}`);
  const more = errors.length > max ? ` (and ${errors.length - max} more)` : "";
  return `${shown.join("; ")}${more}`;
}

function record(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

/** A count or time; Adobe reports an unknown one as -1. */
function count(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function errorsOf(value: unknown): RunError[] {
  return (Array.isArray(value) ? value : []).filter(isRecord).map((error) => ({
    code: String(error.code ?? "unknown"),
    message: String(error.message ?? ""),
  }));
}
