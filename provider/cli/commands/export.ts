/**
 * `aep-flow export`: writes a Pulumi TypeScript project that declares a sandbox's dataflows and
 * every object they use with `adopt` set, so that pipelines made in the Experience Platform UI or
 * with curl come under Pulumi without being deleted and made again (Pulumi's own `import` cannot
 * reach a dynamic provider: pulumi/pulumi#16175).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Command } from "commander";
import { PACKAGE_ROOT, PACKAGE_VERSION } from "../../resources/packageCopy";
import { SETTINGS_HELP, withCommonOptions, type CliContext, type CommonOptions } from "../command";
import { CliError } from "../errors";
import { configSetLine, generateProject, type GeneratedProject } from "../export/generate";
import { kebabCase } from "../export/names";
import { readSandbox } from "../export/read";
import type { ExportModel } from "../export/model";
import { json, table } from "../output";
import { connect } from "../settings";

interface ExportOptions extends CommonOptions {
  sandbox?: string;
  flow?: string[];
  out?: string;
  force?: boolean;
}

const EXAMPLES = `
Examples:
  aep-flow export                                   # every dataflow of the configured sandbox, into ./aep-export-<sandbox>
  aep-flow export --sandbox dev --out pipelines     # the dev sandbox, into ./pipelines
  aep-flow export --flow 2edc08ac-4df5-4fe6-936f-81a19ce92f5c --flow 5b620533-9673-457a-bcc3-4b81148ea017
  aep-flow export --out pipelines --force --json    # write over the project exported before; print a summary for scripts

Then, in the project folder: npm install, set the stack config its README lists, pulumi up.
${SETTINGS_HELP}`;

export function exportCommand(context: CliContext): Command {
  return withCommonOptions(new Command("export"))
    .summary("write a Pulumi program that adopts the sandbox's dataflows and what they use")
    .description(
      "Reads the sandbox's dataflows (GET /flows, every page; or the --flow ones) and the objects " +
        "they use: source and target connections, base connections, datasets, mapping sets and " +
        "tenant XDM schemas, each once. Writes a Pulumi TypeScript project (Pulumi.yaml, " +
        "package.json, tsconfig.json, index.ts, README.md) that declares each object with " +
        "`adopt: <id>` and its live values, references between objects as program references, and " +
        "credentials as config.requireSecret: no credential is written.",
    )
    .option("--sandbox <name>", "the sandbox to export instead of the configured one")
    .option(
      "--flow <id>",
      "only this dataflow and what it uses (repeatable)",
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .option("--out <dir>", "the project folder to write (default ./aep-export-<sandbox>)")
    .option(
      "--force",
      "write into --out even when it is not empty (the five files are overwritten)",
    )
    .addHelpText("after", EXAMPLES)
    .action(async (options: ExportOptions) => exportProject(context, options));
}

async function exportProject(context: CliContext, options: ExportOptions): Promise<void> {
  const connection = await connect(context, options, options.sandbox);
  const { sandboxName, orgId } = connection.settings;
  const out = path.resolve(options.out ?? `aep-export-${kebabCase(sandboxName) || "sandbox"}`);
  refuseUnlessWritable(out, options.force === true);
  const model = await readSandbox(connection, {
    flowIds: options.flow ?? [],
    ...exportingPackage(),
    now: new Date(),
  });
  if (!model.objects.some((object) => object.kind === "Dataflow")) {
    throw new CliError(
      `No dataflow in sandbox "${sandboxName}" of org ${orgId}: nothing to export (aep-flow flows lists the sandbox's dataflows).`,
    );
  }
  const projectName = kebabCase(path.basename(out)) || `aep-export-${kebabCase(sandboxName)}`;
  const project = generateProject(model, { projectName });
  mkdirSync(out, { recursive: true });
  for (const file of project.files) writeFileSync(path.join(out, file.path), file.content);
  report(context, options, model, project, out);
}

/** A folder export may write: absent, empty, or (with --force) one whose files it overwrites. */
function refuseUnlessWritable(out: string, force: boolean): void {
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory()) {
    throw new CliError(`${out} exists and is not a folder: choose another --out.`);
  }
  if (!force && readdirSync(out).length > 0) {
    throw new CliError(
      `${out} is not empty: choose another --out, or pass --force to write the project's files over the ones there.`,
    );
  }
}

/** This copy's version, and the @pulumi/pulumi range it declares: what the program depends on. */
function exportingPackage(): { packageVersion: string; pulumiRange: string } {
  const manifest = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
  };
  const pulumiRange = manifest.dependencies?.["@pulumi/pulumi"];
  if (pulumiRange === undefined) {
    throw new Error(`${PACKAGE_ROOT}/package.json declares no @pulumi/pulumi dependency`);
  }
  return { packageVersion: PACKAGE_VERSION, pulumiRange };
}

function report(
  context: CliContext,
  options: ExportOptions,
  model: ExportModel,
  project: GeneratedProject,
  out: string,
): void {
  const { output } = context;
  if (options.json) {
    output.out(
      json({
        sandboxName: model.sandboxName,
        orgId: model.orgId,
        exportedAt: model.exportedAt,
        out,
        files: project.files.map((file) => file.path),
        resources: project.resources,
        secrets: project.secrets,
        outputs: project.outputs,
        warnings: model.warnings,
      }),
    );
    return;
  }
  for (const warning of model.warnings) output.err(`warning: ${warning}`);
  const flows = project.resources.filter((resource) => resource.type === "Dataflow").length;
  output.out(
    `Exported ${flows} ${flows === 1 ? "dataflow" : "dataflows"} of sandbox "${model.sandboxName}" ` +
      `(org ${model.orgId}) into ${out}: ${project.resources.length} resources, each with adopt set.`,
  );
  output.out(
    table(
      ["type", "name", "adopts"],
      project.resources.map((resource) => [resource.type, resource.name, resource.id]),
      output.columns,
      ["adopts"],
    ),
  );
  if (project.secrets.length > 0) {
    output.out("Credentials the program reads from its stack config (the export wrote none):");
    for (const secret of project.secrets) {
      output.out(`  ${configSetLine(secret)}`);
    }
  }
  output.out(
    `Next: cd ${out} && npm install, then the steps of its README.md (pulumi up adopts the objects).`,
  );
}
