/**
 * `aep-flow specs [name]`: the connection specs whose name matches, with the id, version and auth
 * types a BaseConnection needs; `aep-flow specs --flow --source <id> --target <id>`: the flow spec
 * that joins a source spec to a target spec, which a Dataflow needs ("Connection specs" and "Flow
 * specs" in the Flow Service API reference, https://developer.adobe.com/experience-platform-apis/references/flow-service/).
 */
import { Command } from "commander";
import type { AepClient, FlowServiceObject } from "../../client";
import { isRecord } from "../../client/json";
import { SETTINGS_HELP, withCommonOptions, type CliContext, type CommonOptions } from "../command";
import { CliError } from "../errors";
import { json, table } from "../output";
import { connect } from "../settings";

interface SpecsOptions extends CommonOptions {
  flow?: boolean;
  source?: string;
  target?: string;
}

const EXAMPLES = `
Examples:
  aep-flow specs mailchimp                       # connection specs whose name or label has "mailchimp"
  aep-flow specs --flow --source c8ce8c8c-37fb-4162-9fbf-c2f181e04a7a --target c604ff05-7f1a-43c0-8e18-33bf874cb11c
  aep-flow specs --flow --source mailchimp-campaign --target "Data Lake"   # names work too
${SETTINGS_HELP}`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function specsCommand(context: CliContext): Command {
  return withCommonOptions(new Command("specs"))
    .summary("connection specs by name, or the flow spec joining a source and a target")
    .description(
      "Without --flow: the connection specs (GET /connectionSpecs) whose name or label contains " +
        "[name] (all of them without it), with id, version and auth types. With --flow: the flow " +
        "specs (GET /flowSpecs), only those accepting --source and --target connection specs when given.",
    )
    .argument("[name]", "part of the spec's name or label, any case")
    .option("--flow", "show flow specs instead of connection specs")
    .option("--source <spec>", "with --flow: the source connection spec (id or name)")
    .option("--target <spec>", "with --flow: the target connection spec (id or name)")
    .addHelpText("after", EXAMPLES)
    .action(async (name: string | undefined, options: SpecsOptions) =>
      specs(context, name, options),
    );
}

async function specs(
  context: CliContext,
  name: string | undefined,
  options: SpecsOptions,
): Promise<void> {
  if (!options.flow && (options.source !== undefined || options.target !== undefined)) {
    throw new CliError(
      "--source and --target go with --flow: aep-flow specs --flow --source <id> --target <id>.",
      2,
    );
  }
  const { client } = await connect(context, options);
  if (options.flow) {
    await flowSpecs(context, client, name, options);
    return;
  }
  const found = (await client.list("connectionSpecs")).filter((spec) => matchesName(spec, name));
  printSpecs(
    context,
    options,
    found,
    CONNECTION_SPEC_VIEW,
    `No connection spec ${name === undefined ? "at all" : `has "${name}" in its name or label`}.`,
  );
}

/** How one kind of spec prints: a JSON object, or a table row under its headers. */
interface SpecView {
  json(spec: FlowServiceObject): Record<string, unknown>;
  headers: string[];
  cells(spec: FlowServiceObject): string[];
}

const CONNECTION_SPEC_VIEW: SpecView = {
  json: (spec) => ({
    id: spec.id,
    name: spec.name,
    version: spec.version ?? null,
    authTypes: authTypes(spec),
    category: category(spec),
  }),
  headers: ["id", "name", "version", "auth types", "category"],
  cells: (spec) => [
    spec.id,
    String(spec.name),
    String(spec.version ?? "-"),
    authTypes(spec).join(", ") || "-",
    category(spec) ?? "-",
  ],
};

const FLOW_SPEC_VIEW: SpecView = {
  json: (spec) => ({
    id: spec.id,
    name: spec.name,
    version: spec.version ?? null,
    sourceConnectionSpecIds: idsOf(spec.sourceConnectionSpecIds),
    targetConnectionSpecIds: idsOf(spec.targetConnectionSpecIds),
    transformations: transformationNames(spec),
    schedule: scheduleType(spec),
  }),
  headers: ["id", "name", "version", "transformations", "schedule", "sources", "targets"],
  cells: (spec) => [
    spec.id,
    String(spec.name),
    String(spec.version ?? "-"),
    transformationNames(spec).join(", ") || "-",
    scheduleType(spec) ?? "-",
    String(idsOf(spec.sourceConnectionSpecIds).length),
    String(idsOf(spec.targetConnectionSpecIds).length),
  ],
};

/** The specs found, as JSON (an empty list included) or as a table; none is a failure in a table. */
function printSpecs(
  context: CliContext,
  options: SpecsOptions,
  found: readonly FlowServiceObject[],
  view: SpecView,
  nothing: string,
): void {
  const { output } = context;
  if (options.json) {
    output.out(json(found.map(view.json)));
    return;
  }
  if (found.length === 0) throw new CliError(nothing);
  output.out(table(view.headers, found.map(view.cells), output.columns, ["id"]));
}

async function flowSpecs(
  context: CliContext,
  client: AepClient,
  name: string | undefined,
  options: SpecsOptions,
): Promise<void> {
  const connectionSpecs = [options.source, options.target].some(
    (spec) => spec !== undefined && !UUID.test(spec),
  )
    ? await client.list("connectionSpecs")
    : [];
  const source =
    options.source === undefined ? undefined : specId(options.source, connectionSpecs, "--source");
  const target =
    options.target === undefined ? undefined : specId(options.target, connectionSpecs, "--target");
  // Filtered here: the documented filters on flowSpecs are by name and id, not by the spec arrays.
  const found = (await client.list("flowSpecs")).filter(
    (spec) =>
      matchesName(spec, name) &&
      (source === undefined || idsOf(spec.sourceConnectionSpecIds).includes(source)) &&
      (target === undefined || idsOf(spec.targetConnectionSpecIds).includes(target)),
  );
  const joining = [source && `source spec ${source}`, target && `target spec ${target}`]
    .filter(Boolean)
    .join(" and ");
  printSpecs(
    context,
    options,
    found,
    FLOW_SPEC_VIEW,
    `No flow spec ${joining ? `accepts ${joining}` : name !== undefined ? `has "${name}" in its name` : "at all"}.`,
  );
}

/** An id as given, or the id of the connection spec with exactly this name. */
function specId(
  value: string,
  connectionSpecs: readonly FlowServiceObject[],
  option: string,
): string {
  if (UUID.test(value)) return value;
  const named = connectionSpecs.filter(
    (spec) => String(spec.name).toLowerCase() === value.toLowerCase(),
  );
  if (named.length !== 1) {
    throw new CliError(
      `${option} ${value}: ${named.length === 0 ? "no" : "more than one"} connection spec has this name; ` +
        `aep-flow specs ${JSON.stringify(value)} lists the close ones, with their ids.`,
    );
  }
  return named[0]!.id;
}

/** Whether the spec's name or UI label contains `name`, any case. */
function matchesName(spec: FlowServiceObject, name: string | undefined): boolean {
  if (name === undefined) return true;
  const attributes = isRecord(spec.attributes) ? spec.attributes : {};
  const labels = [
    spec.name,
    attributes.connectorName,
    isRecord(attributes.uiAttributes) ? attributes.uiAttributes.label : undefined,
  ];
  return labels.some(
    (label) => typeof label === "string" && label.toLowerCase().includes(name.toLowerCase()),
  );
}

function authTypes(spec: FlowServiceObject): string[] {
  return (Array.isArray(spec.authSpec) ? spec.authSpec : [])
    .filter(isRecord)
    .map((auth) => String(auth.type ?? auth.name));
}

function category(spec: FlowServiceObject): string | undefined {
  const value = isRecord(spec.attributes) ? spec.attributes.category : undefined;
  return typeof value === "string" ? value : undefined;
}

function idsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

/** Transformation names; the samples spell the member `transformationSpecs` or `transformationSpec`. */
function transformationNames(spec: FlowServiceObject): string[] {
  const specs = spec.transformationSpecs ?? spec.transformationSpec;
  return (Array.isArray(specs) ? specs : [])
    .filter(isRecord)
    .map((transformation) => String(transformation.name));
}

function scheduleType(spec: FlowServiceObject): string | undefined {
  const schedule = isRecord(spec.scheduleSpec) ? spec.scheduleSpec : undefined;
  return schedule === undefined ? undefined : String(schedule.type ?? schedule.name);
}
