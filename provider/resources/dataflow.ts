/**
 * `aep:Dataflow`: the scheduled flow that moves data from source connections to target
 * connections (Flow Service `/flows`), enabled or disabled with the flow action; optionally, `up`
 * waits for its first run (firstRun.ts), and its last run is read into outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { summarizeRun, type RunSummary } from "../client/runs";
import type { AepClient } from "../client/types";
import type { FieldRule, ResourceDefinition } from "./engine";
import {
  checkRun,
  newestRunStart,
  resolveFirstRunWait,
  waitForFirstRun,
  type WaitStart,
} from "./firstRun";
import { flowServiceDefinition } from "./flowServiceObject";
import type { ResourceArgs } from "./inputTypes";
import { FlowServiceResource } from "./flowServiceResource";
import { parameterMap, requiredString, scheduleSchema, specReference } from "./validation";
import { isPlainObject, valueAt, type PlainObject } from "./values";

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
      .array(
        z
          .object({ name: requiredString(`such as "Mapping"`), params: parameterMap })
          .loose()
          .superRefine(checkMapping),
      )
      .optional(),
    scheduleParams: scheduleSchema,
    /** Flow Service enables a dataflow when it is created; `false` disables it right after. */
    enabled: z.boolean({ error: "must be true or false" }).default(true),
    /** After create (or an update that enables the flow), wait for the first run to end. */
    waitForFirstRun: z
      .union(
        [
          z.boolean(),
          z
            .object({
              timeoutSeconds: z
                .number({ error: "must be a number of seconds" })
                .positive("must be more than 0 seconds")
                .optional(),
              maxFailedRecordsPercent: z
                .number({ error: "must be a percentage" })
                .min(0, "must be between 0 and 100")
                .max(100, "must be between 0 and 100")
                .optional(),
            })
            .strict(),
        ],
        { error: "must be true, false or { timeoutSeconds?, maxFailedRecordsPercent? }" },
      )
      .optional(),
  })
  .strict()
  .superRefine((inputs, ctx) => {
    if (inputs.enabled === false && resolveFirstRunWait(inputs.waitForFirstRun) !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["waitForFirstRun"],
        message:
          "a disabled dataflow (enabled: false) has no run to wait for: remove waitForFirstRun, or enable the dataflow",
      });
    }
  });

/**
 * A `Mapping` names one version of a mapping set: `mappingId` and an integer `mappingVersion`
 * (Adobe's requests send an integer, its flow spec types a string: both are taken, as Flow
 * Service takes them, https://experienceleague.adobe.com/en/docs/experience-platform/sources/api-tutorials/update-dataflows).
 */
function checkMapping(
  transformation: { name: string; params: PlainObject },
  ctx: z.RefinementCtx,
): void {
  if (transformation.name !== "Mapping") return;
  const { mappingId, mappingVersion } = transformation.params;
  if (typeof mappingId !== "string" || mappingId.trim() === "") {
    ctx.addIssue({
      code: "custom",
      path: ["params", "mappingId"],
      message: "is required for a Mapping: pass a MappingSet's `id`",
    });
  }
  const version =
    typeof mappingVersion === "string" && /^\d+$/.test(mappingVersion)
      ? Number(mappingVersion)
      : mappingVersion;
  if (typeof version !== "number" || !Number.isInteger(version) || version < 0) {
    ctx.addIssue({
      code: "custom",
      path: ["params", "mappingVersion"],
      message: `must be a whole number for a Mapping (got ${JSON.stringify(mappingVersion)}): pass the MappingSet's \`version\``,
    });
  }
}

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
  // A new mapping version is a `replace` of its element (`/transformations/<i>`), in place.
  { path: "transformations", change: "patch-elements" },
  { path: "scheduleParams", change: "patch-members" },
  { path: "enabled", change: "action" },
];

/** The last run's outputs (from `lastRunDetails` and `GET /runs/{id}`). */
const LAST_RUN_OUTPUTS = [
  "lastRunId",
  "lastRunStatus",
  "lastRunRecordsRead",
  "lastRunRecordsWritten",
  "lastRunRecordsFailed",
] as const;

/** The last run each flow object read in this process describes (outputsFrom is synchronous). */
const lastRuns = new WeakMap<PlainObject, RunSummary>();
/** The first runs waited for in this process, in case `lastRunDetails` does not show them yet. */
const waitedRuns = new Map<string, RunSummary>();

/** The flow's last finished run: `lastRunDetails`, read in full for its counts. */
async function lastRunOf(client: AepClient, flow: PlainObject): Promise<RunSummary | undefined> {
  const details = flow.lastRunDetails;
  const id = isPlainObject(details) && typeof details.id === "string" ? details.id : undefined;
  const run = id === undefined ? undefined : await client.getRun(id);
  const known = run === undefined ? undefined : summarizeRun(run);
  const waited = waitedRuns.get(String(flow.id));
  return waited !== undefined && (known?.startedAt ?? -1) < (waited.startedAt ?? 0)
    ? waited
    : known;
}

function lastRunOutputs(run: RunSummary | undefined): PlainObject {
  return {
    lastRunId: run?.id,
    lastRunStatus: run?.status,
    lastRunRecordsRead: run?.recordsRead,
    lastRunRecordsWritten: run?.recordsWritten,
    lastRunRecordsFailed: run?.recordsFailed,
  };
}

async function awaitFirstRun(
  client: AepClient,
  id: string,
  news: DataflowInputs,
  start: WaitStart,
): Promise<void> {
  const wait = resolveFirstRunWait(news.waitForFirstRun);
  if (wait === undefined || !news.enabled) return;
  waitedRuns.set(id, await waitForFirstRun(client, id, wait, start));
}

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

/**
 * Flow Service echoes `mappingVersion` as sent, or as a string (`"0"` in a 2021 sample): read
 * back in the type it was declared with, so a string echo is no drift.
 */
function mappingVersionsLike(remote: unknown, declared: unknown): PlainObject {
  if (!Array.isArray(remote) || !Array.isArray(declared)) return {};
  return {
    transformations: remote.map((transformation: unknown, index) => {
      const wanted = valueAt(declared, [index, "params", "mappingVersion"]);
      const actual = valueAt(transformation, ["params", "mappingVersion"]);
      if (typeof wanted !== "number" || typeof actual !== "string" || !/^\d+$/.test(actual)) {
        return transformation;
      }
      const { params } = transformation as { params: PlainObject };
      return {
        ...(transformation as PlainObject),
        params: { ...params, mappingVersion: Number(actual) },
      };
    }),
  };
}

const flowService = flowServiceDefinition<DataflowInputs>({
  key: "dataflow",
  typeName: "Dataflow",
  schema,
  fields,
  extraReplaces: (olds, news) => startTimeReplaces(olds, news, Date.now() / 1000),
  collection: "flows",
  localOnly: ["enabled", "waitForFirstRun"],
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
    ...mappingVersionsLike(projected.transformations, previous?.transformations),
    enabled:
      remote.state === "enabled" ? true : remote.state === "disabled" ? false : previous?.enabled,
    // Not in Flow Service: what the program declared stays.
    waitForFirstRun: previous?.waitForFirstRun,
  }),
  extraOutputs: (remote) => ({
    runs: remote.runs,
    lastRunDetails: remote.lastRunDetails,
    ...lastRunOutputs(lastRuns.get(remote)),
  }),
  applyActions: applyEnabled,
});

/** The Flow Service object, plus the last run on every read and the first-run wait. */
const remote = flowService.remote;
const definition: ResourceDefinition<DataflowInputs> = {
  ...flowService,
  remote: {
    ...remote,
    async read(client, id) {
      const flow = await remote.read(client, id);
      if (flow !== undefined) {
        const run = await lastRunOf(client, flow);
        if (run !== undefined) lastRuns.set(flow, run);
      }
      return flow;
    },
    async afterCreate(client, id, inputs) {
      await remote.afterCreate?.(client, id, inputs);
      await awaitFirstRun(client, id, inputs, { event: "created" });
    },
    /**
     * `waitForFirstRun` on an adopted flow: a flow that has run is judged by its newest finished
     * run (the flow's `lastRunDetails`), at once; one that never ran is waited for as a new flow.
     * A disabled flow the adoption enabled was waited for by `update`, as any enabled flow is.
     */
    async afterAdopt(client, id, inputs, live) {
      const wait = resolveFirstRunWait(inputs.waitForFirstRun);
      if (wait === undefined || !inputs.enabled || live.state === "disabled") return false;
      const newest = lastRuns.get(live);
      if (newest !== undefined) {
        checkRun(newest, wait, id, "newest");
        return false;
      }
      await awaitFirstRun(client, id, inputs, { event: "adopted" });
      return true;
    },
    async update(client, id, olds, news, changed) {
      // Only a wait needs the newest run before enabling: the first run after it is the one.
      const waits =
        olds.enabled === false && news.enabled && resolveFirstRunWait(news.waitForFirstRun);
      const after = waits ? await newestRunStart(client, id) : undefined;
      await remote.update(client, id, olds, news, changed);
      if (waits) await awaitFirstRun(client, id, news, { event: "enabled", after });
    },
  },
};

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
  /** The latest finished run at the last read: `{ id, state, startedAtUTC, completedAtUTC }`. */
  declare readonly lastRunDetails: pulumi.Output<Record<string, unknown> | undefined>;
  /** The last finished run (the first run, right after a `waitForFirstRun`); refreshed by `pulumi refresh`. */
  declare readonly lastRunId: pulumi.Output<string | undefined>;
  /** Its status as Flow Service spells it (`success`, `failed`...). */
  declare readonly lastRunStatus: pulumi.Output<string | undefined>;
  declare readonly lastRunRecordsRead: pulumi.Output<number | undefined>;
  declare readonly lastRunRecordsWritten: pulumi.Output<number | undefined>;
  declare readonly lastRunRecordsFailed: pulumi.Output<number | undefined>;

  constructor(name: string, args: DataflowArgs, opts?: pulumi.CustomResourceOptions) {
    super(definition, name, args, opts, {
      optionalInputs: ["transformations", "enabled", "waitForFirstRun"],
      outputs: ["runs", "lastRunDetails", ...LAST_RUN_OUTPUTS],
    });
  }
}
