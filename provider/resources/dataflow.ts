/**
 * `aep:Dataflow`: the scheduled flow that moves data from source connections to target
 * connections (Flow Service `/flows`), enabled or disabled with the flow action.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { AepClient } from "../client/types";
import type { FieldRule } from "./engine";
import { flowServiceDefinition } from "./flowServiceObject";
import type { ResourceArgs } from "./inputTypes";
import { FlowServiceResource } from "./flowServiceResource";
import { parameterMap, requiredString, scheduleSchema, specReference } from "./validation";
import { valueAt, type PlainObject } from "./values";

const connectionIds = (which: string) =>
  z
    .array(requiredString(`pass the \`id\` of a ${which}`), {
      error: `must be a list of ${which} ids`,
    })
    .min(1, `must name at least one ${which}`);

const schema = z
  .object({
    name: requiredString("name the dataflow as it should appear in Experience Platform"),
    description: z.string().optional(),
    flowSpec: specReference("flow spec"),
    sourceConnectionIds: connectionIds("SourceConnection"),
    targetConnectionIds: connectionIds("TargetConnection"),
    transformations: z
      .array(z.object({ name: requiredString(`such as "Mapping"`), params: parameterMap }).loose())
      .optional(),
    scheduleParams: scheduleSchema,
    /** Flow Service enables a dataflow when it is created; `false` disables it right after. */
    enabled: z.boolean({ error: "must be true or false" }).default(true),
  })
  .strict();

type DataflowInputs = z.output<typeof schema>;
export type DataflowArgs = ResourceArgs<z.input<typeof schema>>;

/**
 * Flow Service patches the name, description, transformations and each schedule member; it
 * cannot move a flow to other specs or connections, so those changes replace the dataflow.
 */
const fields: readonly FieldRule[] = [
  { path: "name", change: "patch" },
  { path: "description", change: "patch" },
  { path: "flowSpec", change: "replace" },
  { path: "sourceConnectionIds", change: "replace" },
  { path: "targetConnectionIds", change: "replace" },
  { path: "transformations", change: "patch" },
  { path: "scheduleParams", change: "patch-members" },
  { path: "enabled", change: "action" },
];

/**
 * Flow Service refuses to move a schedule's start once the original start has passed, so such a
 * change can only be made by a new dataflow.
 */
function startTimeReplaces(olds: PlainObject, news: DataflowInputs, nowSeconds: number): string[] {
  const before = Number(valueAt(olds, ["scheduleParams", "startTime"]));
  const after = Number(valueAt(news, ["scheduleParams", "startTime"]));
  return before !== after && Number.isFinite(before) && before <= nowSeconds
    ? ["scheduleParams.startTime"]
    : [];
}

async function applyEnabled(
  client: AepClient,
  id: string,
  news: DataflowInputs,
  isCreate: boolean,
): Promise<void> {
  // New flows start enabled, so only a disabled one needs an action after create.
  if (isCreate && news.enabled) return;
  const op = news.enabled ? "enable" : "disable";
  try {
    await client.flowAction(id, op);
  } catch (error) {
    // 1422: the action does not apply to the current state; fine if that state is the wanted one.
    const current = await client.get("flows", id);
    if (current?.state !== (news.enabled ? "enabled" : "disabled")) throw error;
  }
}

const definition = flowServiceDefinition<DataflowInputs>({
  key: "dataflow",
  typeName: "Dataflow",
  schema,
  fields,
  extraReplaces: (olds, news) => startTimeReplaces(olds, news, Date.now() / 1000),
  collection: "flows",
  localOnly: ["enabled"],
  inputKeys: [
    "name",
    "description",
    "flowSpec",
    "sourceConnectionIds",
    "targetConnectionIds",
    "transformations",
    "scheduleParams",
  ],
  specPath: "flowSpec.id",
  refineInputs: (projected, remote, previous) => ({
    ...projected,
    enabled:
      remote.state === "enabled" ? true : remote.state === "disabled" ? false : previous?.enabled,
  }),
  extraOutputs: (remote) => ({ runs: remote.runs, lastRunDetails: remote.lastRunDetails }),
  applyActions: applyEnabled,
});

/**
 * A Flow Service dataflow: source connections, target connections and a schedule.
 *
 * ```ts
 * const flow = new Dataflow("campaign-flow", {
 *   name: "Mailchimp campaign to the data lake",
 *   flowSpec: { id: flowSpecIds.restStorageToAep, version: "1.0" },
 *   sourceConnectionIds: [source.id],
 *   targetConnectionIds: [target.id],
 *   scheduleParams: { startTime: 1767225600, frequency: "minute", interval: 15 },
 * });
 * ```
 */
export class Dataflow extends FlowServiceResource {
  /** @internal What the provider process builds this type's provider from (runtime.ts). */
  static readonly definition = definition;

  declare readonly flowSpec: pulumi.Output<DataflowInputs["flowSpec"]>;
  declare readonly sourceConnectionIds: pulumi.Output<string[]>;
  declare readonly targetConnectionIds: pulumi.Output<string[]>;
  declare readonly transformations: pulumi.Output<DataflowInputs["transformations"]>;
  declare readonly scheduleParams: pulumi.Output<DataflowInputs["scheduleParams"]>;
  declare readonly enabled: pulumi.Output<boolean>;
  /** The runs query of this flow, relative to the Flow Service root (`/runs?property=flowId==...`). */
  declare readonly runs: pulumi.Output<string>;
  /** The latest run at the last read: `{ id, state, startedAtUTC, completedAtUTC }`. */
  declare readonly lastRunDetails: pulumi.Output<Record<string, unknown> | undefined>;

  constructor(name: string, args: DataflowArgs, opts?: pulumi.CustomResourceOptions) {
    super(definition, name, args, opts, {
      optionalInputs: ["transformations", "enabled"],
      outputs: ["runs", "lastRunDetails"],
    });
  }
}
