/**
 * `aep-flow explore <baseConnectionId>`: what a base connection can read, as the sources
 * tutorials explore it with curl, without writing the base64 `sourceParams` by hand
 * ("Explore", https://experienceleague.adobe.com/en/docs/experience-platform/sources/api-tutorials/explore/tabular;
 * the Mailchimp tutorial's REST explore,
 * https://experienceleague.adobe.com/en/docs/experience-platform/sources/api-tutorials/create/marketing-automation/mailchimp-campaign).
 */
import { Command } from "commander";
import { encodeSourceParams, type ExploreRequest } from "../../client";
import { isRecord } from "../../client/json";
import { SETTINGS_HELP, withCommonOptions, type CliContext, type CommonOptions } from "../command";
import { CliError } from "../errors";
import { cell, json, table } from "../output";
import { connect } from "../settings";

interface ExploreOptions extends CommonOptions {
  object?: string;
  type?: string;
  params?: string;
  fileType?: string;
  preview?: boolean;
}

const EXAMPLES = `
Examples:
  aep-flow explore 9601747c-6874-4c02-bb00-5732a8c43086                                   # what it holds (objectType=root)
  aep-flow explore 9601747c-6874-4c02-bb00-5732a8c43086 --params '{"campaignId":"c66a200cda"}'   # a REST source's rows
  aep-flow explore <id> --object public.customers --preview                                # a table source's sample rows
${SETTINGS_HELP}`;

export function exploreCommand(context: CliContext): Command {
  return withCommonOptions(new Command("explore"))
    .summary("show what a base connection can read, or a preview of its rows")
    .description(
      "Calls GET /connections/{id}/explore. Without --object or --params it lists the top level " +
        "(objectType=root). With --params (a REST source's params, as JSON) it previews the rows " +
        "(objectType=rest, object=json), encoding the params as base64 itself. With --object it " +
        "inspects that table, file or folder. Rows print as a table whose columns come from the rows.",
    )
    .argument("<baseConnectionId>", "the id of the base connection (a BaseConnection's id)")
    .option("--object <path>", "the table, file or folder to inspect; `json` for a REST source")
    .option(
      "--type <objectType>",
      "root, folder, file, table or rest (default: from the other options)",
    )
    .option("--params <json>", 'a REST source\'s params, e.g. \'{"campaignId":"c66a200cda"}\'')
    .option("--file-type <type>", "delimited, json or parquet, for a file (REST: json)")
    .option("--preview", "include sample rows (always on for a REST source)")
    .addHelpText("after", EXAMPLES)
    .action(async (id: string, options: ExploreOptions) => explore(context, id, options));
}

/** The explore request the options describe. */
function exploreRequest(options: ExploreOptions): ExploreRequest {
  const sourceParams = options.params === undefined ? undefined : parseParams(options.params);
  const objectType =
    options.type ??
    (sourceParams !== undefined ? "rest" : options.object !== undefined ? "table" : "root");
  if (objectType === "rest") {
    return {
      objectType,
      object: options.object ?? "json",
      fileType: options.fileType ?? "json",
      preview: true,
      ...(sourceParams !== undefined ? { sourceParams } : {}),
    };
  }
  return {
    objectType,
    ...(options.object !== undefined ? { object: options.object } : {}),
    ...(options.fileType !== undefined ? { fileType: options.fileType } : {}),
    ...(options.preview === true ? { preview: true } : {}),
    ...(sourceParams !== undefined ? { sourceParams } : {}),
  };
}

function parseParams(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CliError(
      `--params is not JSON (${(error as Error).message}): pass e.g. '{"campaignId":"c66a200cda"}'.`,
      2,
    );
  }
  if (!isRecord(parsed)) {
    throw new CliError(`--params must be a JSON object, e.g. '{"campaignId":"c66a200cda"}'.`, 2);
  }
  return parsed;
}

async function explore(context: CliContext, id: string, options: ExploreOptions): Promise<void> {
  const request = exploreRequest(options);
  const { client } = await connect(context, options);
  const answer = await client.explore(id, request);
  const { output } = context;
  if (options.json) {
    const { sourceParams, ...query } = request;
    output.out(
      json({
        connectionId: id,
        query: {
          ...query,
          ...(sourceParams !== undefined ? { sourceParams: encodeSourceParams(sourceParams) } : {}),
        },
        answer,
      }),
    );
    return;
  }
  // A listing is a bare array; an inspection is {format?, schema?: {columns}, data?}.
  if (Array.isArray(answer)) {
    output.out(answer.length === 0 ? "Nothing here." : rowsTable(answer, output.columns));
    return;
  }
  if (Array.isArray(answer.data)) {
    output.out(answer.data.length === 0 ? "No rows." : rowsTable(answer.data, output.columns));
    return;
  }
  const columns = isRecord(answer.schema) ? answer.schema.columns : undefined;
  output.out(Array.isArray(columns) ? rowsTable(columns, output.columns) : json(answer));
}

/** Rows of objects as a table whose columns are every key the rows have, in first-seen order. */
function rowsTable(rows: readonly unknown[], width: number | undefined): string {
  const objects = rows.map((row) => (isRecord(row) ? row : { value: row }));
  const headers = [...new Set(objects.flatMap((row) => Object.keys(row)))];
  return table(
    headers,
    objects.map((row) => headers.map((header) => cell(row[header]))),
    width,
  );
}
