/**
 * `aep-flow flows [--sandbox <name>]`: the sandbox's dataflows, each with its state, schedule and
 * last run in one table (what a user checks every morning). The last run is the flow's
 * `lastRunDetails` (its newest finished run), read in full with `GET /runs/{id}` for its counts.
 */
import { Command } from "commander";
import {
  summarizeRun,
  type AepClient,
  type FlowServiceObject,
  type RunSummary,
} from "../../client";
import { isRecord } from "../../client/json";
import { SETTINGS_HELP, withCommonOptions, type CliContext, type CommonOptions } from "../command";
import { json, table } from "../output";
import { describeSchedule, firstErrors, RUN_HEADERS, runCells, runJson } from "../runView";
import { connect } from "../settings";

interface FlowsOptions extends CommonOptions {
  sandbox?: string;
}

const EXAMPLES = `
Examples:
  aep-flow flows                  # the configured sandbox (AEP_SANDBOX_NAME, default prod)
  aep-flow flows --sandbox dev --json
${SETTINGS_HELP}`;

export function flowsCommand(context: CliContext): Command {
  return withCommonOptions(new Command("flows"))
    .summary("the sandbox's dataflows with their state and last run")
    .description(
      "Lists the dataflows of the sandbox (GET /flows, every page), sorted by name, with state, " +
        "schedule and the last finished run: status, start, duration, records read, written and failed.",
    )
    .option("--sandbox <name>", "the sandbox to list instead of the configured one")
    .addHelpText("after", EXAMPLES)
    .action(async (options: FlowsOptions) => flows(context, options));
}

interface FlowRow {
  flow: FlowServiceObject;
  lastRun: RunSummary | undefined;
}

async function flows(context: CliContext, options: FlowsOptions): Promise<void> {
  const { client, settings } = await connect(context, options, options.sandbox);
  const found = (await client.list("flows")).sort((a, b) =>
    String(a.name).localeCompare(String(b.name)),
  );
  const rows = await Promise.all(
    found.map(async (flow): Promise<FlowRow> => ({ flow, lastRun: await lastRunOf(client, flow) })),
  );
  const { output } = context;
  if (options.json) {
    output.out(
      json({
        sandboxName: settings.sandboxName,
        flows: rows.map(({ flow, lastRun }) => ({
          id: flow.id,
          name: flow.name ?? null,
          state: flow.state ?? null,
          scheduleParams: flow.scheduleParams ?? null,
          lastRun: lastRun === undefined ? null : runJson(lastRun),
        })),
      }),
    );
    return;
  }
  if (rows.length === 0) {
    output.out(`No dataflow in sandbox "${settings.sandboxName}".`);
    return;
  }
  const none = RUN_HEADERS.map(() => "-");
  output.out(
    table(
      [
        "name",
        "id",
        "state",
        "schedule",
        ...RUN_HEADERS.map((header) => (header === "status" ? "last run" : header)),
        "errors",
      ],
      rows.map(({ flow, lastRun }) => [
        String(flow.name),
        flow.id,
        String(flow.state ?? "-"),
        describeSchedule(flow.scheduleParams),
        ...(lastRun === undefined ? none : runCells(lastRun)),
        lastRun === undefined ? "-" : firstErrors(lastRun),
      ]),
      output.columns,
      ["id", "started"],
    ),
  );
}

/** The flow's last finished run; what `lastRunDetails` says when the run itself is gone. */
async function lastRunOf(
  client: AepClient,
  flow: FlowServiceObject,
): Promise<RunSummary | undefined> {
  const details = isRecord(flow.lastRunDetails) ? flow.lastRunDetails : undefined;
  if (details === undefined || typeof details.id !== "string") return undefined;
  const run = await client.getRun(details.id);
  if (run !== undefined) return summarizeRun(run);
  return summarizeRun({
    id: details.id,
    flowId: flow.id,
    metrics: {
      durationSummary: {
        startedAtUTC: details.startedAtUTC,
        completedAtUTC: details.completedAtUTC,
      },
      statusSummary: { status: details.state },
    },
  });
}
