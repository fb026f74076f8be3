/**
 * `aep-flow recover`: after `pulumi up` or `pulumi destroy` was killed (a CI timeout, a cancelled
 * job, `kill -9`), finds what the interrupted operations did in Adobe and brings the stack's
 * state in line with it, so the next `pulumi up` neither duplicates an object nor leaves one
 * behind. Pulumi itself cannot: its offer to import a pending create never reaches a dynamic
 * provider, and a plain `pulumi up` creates the object a second time.
 */
import { Command, Option } from "commander";
import { withCommonOptions, type CliContext, type CommonOptions } from "../command";
import { CliError } from "../errors";
import { json, table } from "../output";
import { PulumiCli, type ExportedStack } from "../pulumi";
import { loadSettings } from "../settings";
import { adobeRecovery, type RecoveryAdobe } from "../recover/adobe";
import { adoptedOutputs, readableInputs, recoveredState, type Adoption } from "../recover/apply";
import { planRecovery, splitPending, type PlanItem, type RecoveryPlan } from "../recover/plan";
import { pendingOperationsOf, stackCreatedAt } from "../recover/state";

interface RecoverOptions extends CommonOptions {
  adopt?: boolean;
  delete?: boolean;
  id?: string[];
}

type Mode = "plan" | "adopt" | "delete";

const EXAMPLES = `
After a killed run, in the program folder:
  pulumi cancel --yes --stack dev            # local and S3 backends: remove the lock the killed run left
  aep-flow recover --stack dev               # the plan: what each interrupted operation did in Adobe
  aep-flow recover --stack dev --adopt       # record the objects it made in the state (or --delete them)
  pulumi refresh --yes --stack dev           # when an update or a delete was interrupted
  pulumi up --stack dev                      # or pulumi destroy, whichever was interrupted

Settings: the stack's aep:* config, then the AEP_* environment variables, as the provider.`;

export function recoverCommand(context: CliContext): Command {
  return withCommonOptions(new Command("recover"))
    .summary("bring the state in line with Adobe after an interrupted pulumi up or destroy")
    .description(
      "Reads the stack's state (pulumi stack export), finds the operations an interrupted run left " +
        "pending on pulumi-aep-flow resources, and looks up what each interrupted create made in " +
        "Adobe: an object of the same type, name (a schema's title) and spec (a mapping set's schema " +
        "and mappings), created after the stack's last completed update, that the state does not " +
        "hold yet. Without --adopt or --delete it only prints the plan.",
    )
    .addOption(
      new Option(
        "--adopt",
        "record each object an interrupted create made as the resource it was meant to be",
      ).conflicts("delete"),
    )
    .option("--delete", "delete each object an interrupted create made, in Adobe")
    .option(
      "--id <urn=id>",
      "the object of an interrupted create, when several fit (repeatable; the URN or the resource name)",
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .addHelpText("after", EXAMPLES)
    .action(async (options: RecoverOptions) => recover(context, options));
}

async function recover(context: CliContext, options: RecoverOptions): Promise<void> {
  const mode: Mode = options.adopt ? "adopt" : options.delete ? "delete" : "plan";
  const pulumi = new PulumiCli(
    { stack: options.stack, cwd: options.cwd },
    context.env,
    context.pulumiCommand,
  );
  const exported = await pulumi.exportStack();
  const { ours } = splitPending(exported);

  let adobe: RecoveryAdobe | undefined;
  let startedAfter: number | undefined;
  if (ours.some((pending) => pending.operation === "creating")) {
    const { config, secrets } = await loadSettings(pulumi, context.env);
    context.secrets.push(...secrets);
    adobe = adobeRecovery(config);
    startedAfter = latest(await pulumi.lastUpdateEnd(), stackCreatedAt(exported));
  }
  const chosen = chosenIds(options.id ?? [], ours);
  const plan = await planRecovery(exported, adobe, { startedAfter, chosen });
  const report = new Report(context, options, pulumi, plan, startedAfter);

  if (plan.items.length === 0 || mode === "plan") {
    report.print(mode, false);
    return;
  }
  const blocked = plan.items.filter(
    (item) => item.finding.status === "ambiguous" || item.finding.status === "unreadable",
  );
  if (blocked.length > 0) {
    report.print(mode, false);
    throw new CliError(
      `Nothing was changed: ${blocked.map((item) => `${item.kind.label} ${item.name} (${describeFinding(item)})`).join("; ")}. ` +
        `Say which object is which with --id <urn>=<id>, once per resource.`,
    );
  }
  await probeLock(pulumi, exported);
  const adoptions = mode === "adopt" ? await adopt(exported, plan, adobe) : [];
  if (mode === "delete") await deleteFound(plan, adobe);
  await pulumi.importStack(
    recoveredState(
      exported,
      plan.items.map((item) => item.index),
      adoptions,
      new Date(),
    ),
  );
  report.print(mode, true);
}

/**
 * Writes the state back unchanged: this fails, before anything is done in Adobe, when the killed
 * run's lock is still there (the local and S3 backends keep it until `pulumi cancel`).
 */
async function probeLock(pulumi: PulumiCli, exported: ExportedStack): Promise<void> {
  try {
    await pulumi.importStack(exported);
  } catch (error) {
    if (!(error instanceof CliError) || !/currently locked/.test(error.message)) throw error;
    const args = pulumi.stackArgs ? ` ${pulumi.stackArgs}` : "";
    throw new CliError(
      `${error.message} The interrupted run's lock is still held: once none of its \`pulumi\` ` +
        `processes is left, run \`pulumi cancel --yes${args}\`, then aep-flow recover again. ` +
        `Nothing was changed.`,
    );
  }
}

/** Reads each found object with its provider, for the state. */
async function adopt(
  exported: ExportedStack,
  plan: RecoveryPlan,
  adobe: RecoveryAdobe | undefined,
): Promise<Adoption[]> {
  const pending = pendingOperationsOf(exported);
  const adoptions: Adoption[] = [];
  for (const item of plan.items) {
    if (item.finding.status !== "found" || !adobe) continue;
    const resource = pending[item.index]!.resource;
    const read =
      item.finding.read ?? (await adobe.read(item.kind, item.finding.id, readableInputs(resource)));
    if (!read) {
      throw new CliError(
        `${item.kind.label} ${item.finding.id} (${item.name}) disappeared while recovering; ` +
          `nothing was changed: run aep-flow recover again.`,
      );
    }
    adoptions.push({
      index: item.index,
      id: item.finding.id,
      outputs: adoptedOutputs(resource, read),
    });
  }
  return adoptions;
}

/**
 * Deletes the found objects, dependents first (a flow before its connections, a schema last);
 * an object Adobe cannot delete is left where it is.
 */
async function deleteFound(plan: RecoveryPlan, adobe: RecoveryAdobe | undefined): Promise<void> {
  const found = plan.items
    .filter((item) => item.finding.status === "found" && item.kind.undeletable === undefined)
    .sort((a, b) => a.kind.deleteOrder - b.kind.deleteOrder);
  for (const item of found) {
    if (item.finding.status === "found" && adobe) await adobe.delete(item.kind, item.finding.id);
  }
}

/** `--id` values by URN; a resource name stands for the one pending create with that name. */
function chosenIds(
  values: readonly string[],
  ours: ReturnType<typeof splitPending>["ours"],
): Map<string, string> {
  const creates = ours.filter((pending) => pending.operation === "creating");
  const chosen = new Map<string, string>();
  for (const value of values) {
    const at = value.lastIndexOf("=");
    const key = value.slice(0, Math.max(at, 0));
    const id = value.slice(at + 1);
    if (at <= 0 || id === "") {
      throw new CliError(`--id ${value}: expected <urn>=<id> or <resource name>=<id>.`, 2);
    }
    const targets = creates.filter(
      (pending) => pending.urn === key || pending.urn.endsWith(`::${key}`),
    );
    if (targets.length !== 1) {
      throw new CliError(
        `--id ${value}: ${targets.length === 0 ? "no" : "more than one"} interrupted create is ` +
          `named ${key}${targets.length === 0 ? "" : ": give the full URN"}.`,
        2,
      );
    }
    chosen.set(targets[0]!.urn, id);
  }
  return chosen;
}

function latest(...times: Array<number | undefined>): number | undefined {
  const known = times.filter((time): time is number => time !== undefined);
  return known.length > 0 ? Math.max(...known) : undefined;
}

function describeFinding(item: PlanItem): string {
  const finding = item.finding;
  switch (finding.status) {
    case "not-created":
      return "nothing was created";
    case "found":
      return finding.chosen
        ? `${finding.id} (given with --id)`
        : `${finding.id}${finding.createdAt ? ` (created ${new Date(finding.createdAt).toISOString()})` : ""}`;
    case "ambiguous":
      return finding.sharedWith
        ? `${finding.ids[0]} also fits ${finding.sharedWith.join(", ")}`
        : `${finding.ids.length} objects fit: ${finding.ids.join(", ")}`;
    case "unreadable":
      return finding.reason;
    case "refresh":
      return "not known until pulumi refresh reads it";
  }
}

/** What recovery does (or would do, in the plan) for one item. */
function action(item: PlanItem, mode: Mode): { code: string; text: string } {
  const status = item.finding.status;
  if (status === "ambiguous" || status === "unreadable") {
    return { code: "choose-id", text: "say which with --id <urn>=<id>" };
  }
  if (status === "refresh") {
    return mode === "plan"
      ? { code: "clear", text: "clear it; then pulumi refresh" }
      : { code: "cleared", text: "cleared; run pulumi refresh" };
  }
  if (status === "not-created") {
    return mode === "plan"
      ? { code: "clear", text: "clear the pending create" }
      : { code: "cleared", text: "cleared the pending create" };
  }
  if (mode === "adopt") return { code: "adopted", text: "recorded in the state" };
  if (item.kind.undeletable !== undefined) {
    return mode === "delete"
      ? { code: "left", text: "left in Adobe, which cannot delete it" }
      : {
          code: "adopt-or-leave",
          text: "--adopt records it in the state; --delete leaves it in Adobe, which cannot delete it",
        };
  }
  if (mode === "delete") return { code: "deleted", text: "deleted in Adobe" };
  return { code: "adopt-or-delete", text: "--adopt records it in the state, --delete deletes it" };
}

/** Prints the plan, or what was done, as a table or as JSON. */
class Report {
  constructor(
    private readonly context: CliContext,
    private readonly options: RecoverOptions,
    private readonly pulumi: PulumiCli,
    private readonly plan: RecoveryPlan,
    private readonly startedAfter: number | undefined,
  ) {}

  print(mode: Mode, applied: boolean): void {
    const { output } = this.context;
    const next = this.nextSteps(mode, applied);
    if (this.options.json) {
      output.out(json(this.document(mode, applied, next)));
      return;
    }
    const { items, others } = this.plan;
    const where = this.pulumi.stackLabel;
    if (items.length === 0) {
      output.out(
        `No interrupted operation on a pulumi-aep-flow resource in ${where}: nothing to recover.`,
      );
    } else {
      output.out(
        `${where[0]!.toUpperCase()}${where.slice(1)}: ${items.length} interrupted ` +
          `${items.length === 1 ? "operation" : "operations"} on pulumi-aep-flow resources` +
          `${applied ? ", recovered:" : ":"}`,
      );
      output.out(
        table(
          ["resource", "interrupted while", "in Adobe", applied ? "done" : "action"],
          items.map((item) => [
            `${item.kind.label} ${item.name}`,
            item.operation,
            describeFinding(item),
            action(item, mode).text,
          ]),
          output.columns,
        ),
      );
    }
    for (const other of others) {
      output.out(
        `Left in place: ${other.operation} ${other.urn} (not a pulumi-aep-flow resource).`,
      );
    }
    for (const { item, id, reason } of this.undeletable(mode)) {
      output.out(
        applied
          ? `${item.kind.label} ${item.name}: ${id} was left in Adobe, ${reason}. It stays in ` +
              `the sandbox, and no resource of the stack holds it.`
          : `${item.kind.label} ${item.name}: --delete would leave ${id} in Adobe, ${reason}; ` +
              `--adopt records it in the state instead.`,
      );
    }
    if (applied) output.out(`The state of ${where} was written with pulumi stack import.`);
    else if (mode === "plan" && items.length > 0) output.out("Nothing was changed.");
    for (const step of next) output.out(`Next: ${step}`);
  }

  /** The objects found that `--delete` cannot delete (shown unless they are being adopted). */
  private undeletable(mode: Mode): Array<{ item: PlanItem; id: string; reason: string }> {
    if (mode === "adopt") return [];
    return this.plan.items.flatMap((item) =>
      item.finding.status === "found" && item.kind.undeletable !== undefined
        ? [{ item, id: item.finding.id, reason: item.kind.undeletable }]
        : [],
    );
  }

  private document(mode: Mode, applied: boolean, next: string[]): Record<string, unknown> {
    return {
      stack: this.options.stack ?? null,
      mode,
      applied,
      startedAfter:
        this.startedAfter === undefined ? null : new Date(this.startedAfter).toISOString(),
      operations: this.plan.items.map((item) => {
        const { read: _read, ...finding } = item.finding as PlanItem["finding"] & {
          read?: unknown;
        };
        return {
          urn: item.urn,
          type: item.kind.type,
          name: item.name,
          operation: item.operation,
          objectName: item.objectName ?? null,
          ...finding,
          ...("createdAt" in finding && finding.createdAt
            ? { createdAt: new Date(finding.createdAt).toISOString() }
            : {}),
          rejected: item.rejected,
          action: action(item, mode).code,
        };
      }),
      others: this.plan.others,
      next,
    };
  }

  private nextSteps(mode: Mode, applied: boolean): string[] {
    const { items } = this.plan;
    if (items.length === 0) return [];
    const args = this.pulumi.stackArgs ? ` ${this.pulumi.stackArgs}` : "";
    if (!applied) {
      if (mode !== "plan") return [];
      const creates = items.some((item) => item.finding.status === "found");
      return creates
        ? [`aep-flow recover${args} --adopt   (or --delete)`]
        : [
            `aep-flow recover${args} --adopt   (--adopt and --delete differ only for objects found)`,
          ];
    }
    const steps: string[] = [];
    if (items.some((item) => item.finding.status === "refresh")) {
      steps.push(
        `pulumi refresh --yes${args}   (an interrupted update or delete may or may not have reached ` +
          `Adobe; a refresh reads each object as it is now, and drops the deleted ones)`,
      );
    }
    steps.push(`pulumi up${args}   (or pulumi destroy${args}, whichever was interrupted)`);
    return steps;
  }
}
