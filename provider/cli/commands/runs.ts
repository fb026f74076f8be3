/**
 * `aep-flow runs <flowId>`: a dataflow's recent runs, the monitoring step of Adobe's sources
 * tutorials ("Monitor dataflows", https://experienceleague.adobe.com/en/docs/experience-platform/dataflows/api/monitor)
 * from the terminal; `--watch` follows the newest run until it ends.
 */
import { Command } from "commander";
import {
  describeRunErrors,
  summarizeRun,
  type AepClient,
  type FlowServiceObject,
  type RunSummary,
} from "../../client";
import { isRecord } from "../../client/json";
import { SETTINGS_HELP, withCommonOptions, type CliContext, type CommonOptions } from "../command";
import { CliError } from "../errors";
import { formatTime, json, table } from "../output";
import { startProgress } from "../progress";
import {
  describeSchedule,
  firstErrors,
  RUN_HEADERS,
  runCells,
  runJson,
  runLine,
  scheduleStart,
} from "../runView";
import { connect, type Connection } from "../settings";

interface RunsOptions extends CommonOptions {
  since?: string;
  status?: string;
  limit?: string;
  watch?: boolean;
  timeout?: string;
}

/** Runs shown when neither --since nor --limit says otherwise. */
const DEFAULT_LIMIT = 20;

const EXAMPLES = `
Examples:
  aep-flow runs 2edc08ac-4df5-4fe6-936f-81a19ce92f5c                     # the 20 newest runs
  aep-flow runs 2edc08ac-4df5-4fe6-936f-81a19ce92f5c --since 24h --status failed
  aep-flow runs 2edc08ac-4df5-4fe6-936f-81a19ce92f5c --watch             # exit code 1 if the run fails

Durations: 90s, 30m, 6h, 7d, 2w; --since also takes an ISO 8601 time (2026-03-01T00:00:00Z).
${SETTINGS_HELP}`;

export function runsCommand(context: CliContext): Command {
  return withCommonOptions(new Command("runs"))
    .summary("a dataflow's recent runs, or --watch the newest until it ends")
    .description(
      "Lists the runs of a dataflow (GET /runs?property=flowId==<id>), newest first: status, start, " +
        "duration, records read, written and failed, and the first error. With --watch, follows the " +
        "newest run (or waits for the first one) until it ends: a spinner on a terminal, a line per " +
        "change otherwise; the exit code is 1 when the run failed.",
    )
    .argument("<flowId>", "the dataflow's id (a Dataflow's id)")
    .option("--since <duration>", "only runs started within this long (or since this ISO time)")
    .option(
      "--status <status>",
      "only runs with this status (failed, success, inProgress...; a,b for several)",
    )
    .option(
      "--limit <n>",
      `at most this many runs (default ${DEFAULT_LIMIT}; all of them with --since)`,
    )
    .option("--watch", "follow the newest run until it ends; exit 1 when it failed")
    .option("--timeout <duration>", "with --watch: give up after this long (exit 1)")
    .addHelpText("after", EXAMPLES)
    .action(async (flowId: string, options: RunsOptions) => runs(context, flowId, options));
}

async function runs(context: CliContext, flowId: string, options: RunsOptions): Promise<void> {
  const startedAfter = options.since === undefined ? undefined : sinceTime(options.since);
  const limit = options.limit === undefined ? undefined : positiveInteger(options.limit, "--limit");
  const timeoutMs =
    options.timeout === undefined ? undefined : durationMs(options.timeout, "--timeout");
  const connection = await connect(context, options);
  const flow = await flowOrFail(connection, flowId);
  if (options.watch) {
    await watch(context, connection.client, flow, options, timeoutMs);
    return;
  }
  const found = await connection.client.listRuns({
    flowId,
    statuses: options.status?.split(",").map((status) => status.trim()),
    startedAfter,
    limit: limit ?? (startedAfter === undefined ? DEFAULT_LIMIT : undefined),
  });
  const summaries = found.map(summarizeRun);
  const { output } = context;
  if (options.json) {
    output.out(json({ flow: flowJson(flow), runs: summaries.map(runJson) }));
    return;
  }
  output.out(flowHeading(flow));
  if (summaries.length === 0) {
    output.out(noRunsLine(flow, options));
    return;
  }
  output.out(runsTable(summaries, output.columns));
}

/** Runs as a table: the id (never cut), then what {@link runCells} shows, then the first error. */
function runsTable(summaries: readonly RunSummary[], columns: number | undefined): string {
  return table(
    ["run", ...RUN_HEADERS, "errors"],
    summaries.map((run) => [run.id, ...runCells(run), firstErrors(run)]),
    columns,
    ["run", "started"],
  );
}

/** Follows the newest run (or the first one to come) until it ends. */
async function watch(
  context: CliContext,
  client: AepClient,
  flow: FlowServiceObject,
  options: RunsOptions,
  timeoutMs: number | undefined,
): Promise<void> {
  const { output } = context;
  const began = Date.now();
  const progress = startProgress(output);
  let run: RunSummary | undefined;
  try {
    for (;;) {
      const current =
        run === undefined
          ? (await client.listRuns({ flowId: flow.id, limit: 1 }))[0]
          : await client.getRun(run.id);
      if (current === undefined && run !== undefined) {
        throw new CliError(`Run ${run.id} is gone: was dataflow ${flow.id} deleted?`);
      }
      if (current !== undefined) run = summarizeRun(current);
      if (run !== undefined && run.phase !== "running") break;
      progress.set(
        run === undefined
          ? await waitingFor(client, flow)
          : `run ${run.id} ${run.status}${activityOf(current)}`,
      );
      if (timeoutMs !== undefined && Date.now() - began >= timeoutMs) {
        const what =
          run === undefined ? "no run had started" : `run ${run.id} was still ${run.status}`;
        throw new CliError(
          `Gave up after ${options.timeout}: ${what}. Watch again with aep-flow runs ${flow.id} --watch.`,
        );
      }
      await context.sleep(context.pollIntervalMs);
    }
  } catch (error) {
    progress.finish("stopped", false);
    throw error;
  }
  const ok = run.phase !== "failed";
  progress.finish(`run ${run.id} ${runLine(run)}`, ok);
  if (options.json) output.out(json({ flow: flowJson(flow), run: runJson(run) }));
  else output.out(runsTable([run], output.columns));
  if (!ok) {
    throw new CliError(
      `Run ${run.id} of dataflow ${flow.id} ${run.status}: ${describeRunErrors(run.errors) || "no error given"}.`,
    );
  }
  if (run.recordsFailed !== undefined && run.recordsFailed > 0) {
    output.err(
      `warning: run ${run.id} ${run.status} with ${run.recordsFailed} failed records: ${describeRunErrors(run.errors)}.`,
    );
  }
}

/** What the watch is waiting for before any run exists; fails when none will come. */
async function waitingFor(client: AepClient, flow: FlowServiceObject): Promise<string> {
  const current = (await client.get("flows", flow.id)) ?? flow;
  if (current.state === "disabled") {
    throw new CliError(`Dataflow ${flow.id} is disabled: no run will start until it is enabled.`);
  }
  const start = scheduleStart(current.scheduleParams);
  return start !== undefined && start > Date.now()
    ? `waiting for the first run, scheduled for ${formatTime(start)}`
    : "waiting for the first run";
}

/** ` (Copy Activity)`: the activity a running run is in, when it says. */
function activityOf(run: FlowServiceObject | undefined): string {
  const activities = Array.isArray(run?.activities) ? run.activities.filter(isRecord) : [];
  const running = activities.filter(
    (activity) =>
      !isRecord(activity.durationSummary) || activity.durationSummary.completedAtUTC === undefined,
  );
  const name = (running.at(-1) ?? activities.at(-1))?.name;
  return typeof name === "string" ? ` (${name})` : "";
}

/** The flow, or the command's one line saying it is not there. */
export async function flowOrFail(
  { client, settings }: Connection,
  flowId: string,
): Promise<FlowServiceObject> {
  const flow = await client.get("flows", flowId);
  if (flow === undefined) {
    throw new CliError(
      `No dataflow ${flowId} in sandbox "${settings.sandboxName}" of org ${settings.orgId} (Flow Service answered 404): ` +
        `aep-flow flows lists the sandbox's dataflows.`,
    );
  }
  return flow;
}

function flowHeading(flow: FlowServiceObject): string {
  return `Dataflow "${String(flow.name)}" (${flow.id}): ${String(flow.state ?? "unknown")}, ${describeSchedule(flow.scheduleParams)}`;
}

function flowJson(flow: FlowServiceObject): Record<string, unknown> {
  return {
    id: flow.id,
    name: flow.name ?? null,
    state: flow.state ?? null,
    scheduleParams: flow.scheduleParams ?? null,
  };
}

function noRunsLine(flow: FlowServiceObject, options: RunsOptions): string {
  if (options.since !== undefined || options.status !== undefined) return "No run matches.";
  if (flow.state === "disabled") return "No run yet: the dataflow is disabled.";
  const start = scheduleStart(flow.scheduleParams);
  return start !== undefined && start > Date.now()
    ? `No run yet: the first is scheduled for ${formatTime(start)}.`
    : "No run yet.";
}

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** `90s`, `30m`, `6h`, `7d`, `2w` in ms; a CliError (usage) naming the option otherwise. */
function durationMs(text: string, option: string): number {
  const match = /^(\d+)\s*([smhdw])$/.exec(text.trim());
  if (match === null) {
    throw new CliError(`${option} ${text}: expected a duration such as 90s, 30m, 6h, 7d or 2w.`, 2);
  }
  return Number(match[1]) * (UNIT_MS[match[2] ?? "s"] ?? 1000);
}

/** `--since`: a duration back from now, or an ISO 8601 time. */
function sinceTime(text: string): number {
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const at = Date.parse(text);
    if (Number.isFinite(at)) return at;
  }
  try {
    return Date.now() - durationMs(text, "--since");
  } catch {
    throw new CliError(
      `--since ${text}: expected a duration such as 30m, 6h or 7d, or an ISO 8601 time such as 2026-03-01T00:00:00Z.`,
      2,
    );
  }
}

function positiveInteger(text: string, option: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new CliError(`${option} ${text}: expected a positive whole number.`, 2);
  }
  return value;
}
