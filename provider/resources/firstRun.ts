/**
 * `waitForFirstRun` on a Dataflow: after the flow is created (or enabled), wait until its first
 * run ends, polling `GET /runs` with backoff, and fail with the run's own errors when it failed or
 * lost more records than allowed ("Monitor dataflows",
 * https://experienceleague.adobe.com/en/docs/experience-platform/dataflows/api/monitor).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { describeRunErrors, summarizeRun, type RunSummary } from "../client/runs";
import type { AepClient } from "../client/types";
import { isPlainObject, type PlainObject } from "./values";

/** What `waitForFirstRun: true` means. */
export const FIRST_RUN_DEFAULTS = { timeoutSeconds: 1800, maxFailedRecordsPercent: 0 } as const;

/** The wait, resolved from the input (`true` or an object). */
export interface FirstRunWait {
  timeoutSeconds: number;
  /** A run that fails a larger share of its records (in %) fails the wait. */
  maxFailedRecordsPercent: number;
}

/** The first poll comes right away, then after 0.25 s, doubling up to 15 s between polls. */
const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 15_000;

/** Epoch-ms clock and sleep, replaceable in tests. */
export interface Timing {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realTiming: Timing = { now: Date.now, sleep: (ms) => sleep(ms) };

/** The input as a wait, or undefined when there is nothing to wait for. */
export function resolveFirstRunWait(input: unknown): FirstRunWait | undefined {
  if (input === true) return { ...FIRST_RUN_DEFAULTS };
  if (!isPlainObject(input)) return undefined;
  return {
    timeoutSeconds: Number(input.timeoutSeconds ?? FIRST_RUN_DEFAULTS.timeoutSeconds),
    maxFailedRecordsPercent: Number(
      input.maxFailedRecordsPercent ?? FIRST_RUN_DEFAULTS.maxFailedRecordsPercent,
    ),
  };
}

/** Where the wait starts: runs started after `after` (ms) count; none before enabling counts. */
export interface WaitStart {
  /** The newest run's start before the flow was enabled; undefined for a new flow. */
  after?: number;
  /** Why the wait began, for messages: `created`, `enabled`, or `adopted` (a flow that never ran). */
  event: "created" | "enabled" | "adopted";
}

/** The start of the newest run of a flow (ms), to wait for the runs after it. */
export async function newestRunStart(
  client: AepClient,
  flowId: string,
): Promise<number | undefined> {
  const [newest] = await client.listRuns({ flowId, limit: 1 });
  return newest === undefined ? undefined : summarizeRun(newest).startedAt;
}

/**
 * Waits for the flow's first run (after `start.after`) to end and checks it. Resolves the run;
 * throws an Error saying what happened, that the flow exists, and how to look at it.
 */
export async function waitForFirstRun(
  client: AepClient,
  flowId: string,
  wait: FirstRunWait,
  start: WaitStart,
  timing: Timing = realTiming,
): Promise<RunSummary> {
  const watch = watchCommand(flowId);
  const deadline = timing.now() + wait.timeoutSeconds * 1000;
  let delay = FIRST_DELAY_MS;
  let checkedSchedule = false;
  for (;;) {
    const [first] = await client.listRuns({
      flowId,
      startedAfter: start.after,
      orderby: "createdAt",
      limit: 1,
    });
    const run = first === undefined ? undefined : summarizeRun(first);
    if (run !== undefined && run.phase !== "running") return checkRun(run, wait, flowId, "first");
    if (run === undefined) {
      const flow = await client.get("flows", flowId);
      if (flow === undefined)
        throw new Error(`the dataflow ${flowId} disappeared while waiting for its first run`);
      if (flow.state === "disabled") {
        throw new Error(
          `waitForFirstRun: dataflow ${flowId} is disabled, so no run will start: enable it, or remove waitForFirstRun`,
        );
      }
      if (!checkedSchedule) {
        checkedSchedule = true;
        const next = nextRunTime(flow.scheduleParams, timing.now(), start.event);
        if (next === "never" || next > deadline) {
          throw new Error(
            `waitForFirstRun: dataflow ${flowId} was ${start.event}, but ${
              next === "never"
                ? "its schedule (frequency once, start passed) has no run left"
                : `its next run is scheduled for ${new Date(next).toISOString()}, later than the ${wait.timeoutSeconds} s timeout allows`
            }; nothing to wait for. The dataflow exists; look at it with ${watch} once it runs, or remove waitForFirstRun`,
          );
        }
      }
    }
    const left = deadline - timing.now();
    if (left <= 0) {
      const where =
        run === undefined
          ? "no run has started yet"
          : `its first run ${run.id} is still ${run.status}`;
      throw new Error(
        `waitForFirstRun: dataflow ${flowId} was ${start.event}, but ${where} after ${wait.timeoutSeconds} s. ` +
          `The dataflow exists and stays in the state; follow it with ${watch}, or raise waitForFirstRun.timeoutSeconds`,
      );
    }
    await timing.sleep(Math.min(delay, left));
    delay = Math.min(delay * 2, MAX_DELAY_MS);
  }
}

/** The command that follows a flow's runs, for messages. */
function watchCommand(flowId: string): string {
  return `\`aep-flow runs ${flowId} --watch\``;
}

/**
 * A finished run passes unless it failed or lost more than the allowed share of its records;
 * `which` names it in messages (an adopted flow's newest run is judged as a new flow's first).
 */
export function checkRun(
  run: RunSummary,
  wait: FirstRunWait,
  flowId: string,
  which: "first" | "newest",
): RunSummary {
  const watch = watchCommand(flowId);
  const errors = describeRunErrors(run.errors, 5) || "Flow Service gave no error";
  if (run.phase === "failed") {
    throw new Error(`the ${which} run ${run.id} ${run.status}: ${errors}. Details: ${watch}`);
  }
  const failed = run.recordsFailed ?? 0;
  const read = run.recordsRead ?? failed + (run.recordsWritten ?? 0);
  const percent = read > 0 ? (failed / read) * 100 : 0;
  if (percent > wait.maxFailedRecordsPercent) {
    throw new Error(
      `the ${which} run ${run.id} ended ${run.status}, but ${failed} of ${read} records failed ` +
        `(${round(percent)}%, above waitForFirstRun.maxFailedRecordsPercent ${wait.maxFailedRecordsPercent}): ${errors}. Details: ${watch}`,
    );
  }
  return run;
}

function round(value: number): string {
  return String(Math.round(value * 100) / 100);
}

const PERIOD_MS: Record<string, number> = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 604_800_000,
};

/**
 * When the next run should start, from the schedule (this machine's clock): the start time when it
 * is ahead, else for a new (or adopted, never run) flow now (a passed start runs right away), for an enabled one the next
 * slot; "never" for a `once` flow enabled after its start. Unknown schedules answer now.
 */
export function nextRunTime(
  schedule: unknown,
  now: number,
  event: WaitStart["event"],
): number | "never" {
  const params: PlainObject = isPlainObject(schedule) ? schedule : {};
  const start = Number(params.startTime) * 1000;
  if (!Number.isFinite(start) || start > now) return Number.isFinite(start) ? start : now;
  if (event !== "enabled") return now;
  if (params.frequency === "once") return "never";
  const period = (PERIOD_MS[String(params.frequency)] ?? 0) * Number(params.interval ?? 1);
  if (!(period > 0)) return now;
  return start + Math.ceil((now - start) / period) * period;
}
