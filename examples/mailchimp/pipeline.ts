/**
 * A Mailchimp campaign → Experience Platform data lake pipeline, as one reusable function.
 *
 * It declares the five objects of Adobe's "Create a dataflow for Mailchimp" walk-through:
 * a Catalog dataset, a base connection (the Mailchimp account, Basic Authentication), a source
 * connection (one campaign), a Data Lake target connection (the dataset) and a dataflow that runs
 * every 15 minutes. Pulumi passes the ids from one to the next.
 *
 * `index.ts` calls it with the stack's config; the package's demo and end-to-end tests call it
 * with their own values, so what they exercise is exactly this program.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  BaseConnection,
  connectionSpecIds,
  Dataflow,
  Dataset,
  flowSpecIds,
  SourceConnection,
  TargetConnection,
  XDM_FULL_SCHEMA_VERSION,
} from "pulumi-aep-flow";

/** 2027-01-01T00:00:00Z: the default first run. Keep it fixed: moving a started schedule replaces the dataflow. */
export const DEFAULT_START_TIME = 1798761600;

export interface MailchimpPipelineArgs {
  /** Prefix of every display name in Experience Platform, such as the stack name. */
  namePrefix: string;
  /** The Mailchimp account name. */
  mailchimpUsername: pulumi.Input<string>;
  /** The Mailchimp API key. Pass a secret (`config.requireSecret`); it is stored encrypted either way. */
  mailchimpPassword: pulumi.Input<string>;
  /** The Mailchimp campaign whose email activity is ingested. Changing it replaces the source connection and the dataflow. */
  campaignId: pulumi.Input<string>;
  /** The `$id` of the XDM schema the dataset follows (`https://ns.adobe.com/<tenant>/schemas/<id>`). */
  schemaId: pulumi.Input<string>;
  /** The first run, in epoch seconds. Default: {@link DEFAULT_START_TIME}. */
  startTime?: pulumi.Input<number>;
  /** Minutes between runs (Flow Service's minimum is 15). Default: 15. */
  intervalMinutes?: pulumi.Input<number>;
  /** `false` keeps the dataflow declared but disabled. Default: true. */
  enabled?: pulumi.Input<boolean>;
  /** Overrides of the display names (each defaults to `<namePrefix> ...`). */
  names?: Partial<Record<"dataset" | "account" | "source" | "target" | "dataflow", string>>;
  /** Resource options applied to every resource (a parent, `protect`, ...). */
  opts?: pulumi.CustomResourceOptions;
}

export interface MailchimpPipeline {
  dataset: Dataset;
  baseConnection: BaseConnection;
  sourceConnection: SourceConnection;
  targetConnection: TargetConnection;
  dataflow: Dataflow;
  /** The ids Experience Platform assigned, ready to export as stack outputs. */
  ids: {
    datasetId: pulumi.Output<string>;
    baseConnectionId: pulumi.Output<string>;
    sourceConnectionId: pulumi.Output<string>;
    targetConnectionId: pulumi.Output<string>;
    dataflowId: pulumi.Output<string>;
  };
}

export function mailchimpPipeline(args: MailchimpPipelineArgs): MailchimpPipeline {
  const { namePrefix, opts } = args;
  const names = {
    dataset: `${namePrefix} Mailchimp campaign activity`,
    account: `${namePrefix} Mailchimp account`,
    source: `${namePrefix} Mailchimp campaign`,
    target: `${namePrefix} Mailchimp campaign activity (data lake)`,
    dataflow: `${namePrefix} Mailchimp campaign to data lake`,
    ...args.names,
  };

  const dataset = new Dataset(
    "campaign-activity",
    {
      name: names.dataset,
      description: "Email activity of a Mailchimp campaign, ingested by a Flow Service dataflow.",
      schemaRef: { id: args.schemaId },
    },
    opts,
  );

  const baseConnection = new BaseConnection(
    "mailchimp-account",
    {
      name: names.account,
      description: "Mailchimp account, Basic Authentication (account name and API key).",
      connectionSpec: { id: connectionSpecIds.mailchimpCampaign, version: "1.0" },
      auth: {
        specName: "Basic Authentication",
        params: { username: args.mailchimpUsername, password: args.mailchimpPassword },
      },
    },
    opts,
  );

  const sourceConnection = new SourceConnection(
    "campaign-source",
    {
      name: names.source,
      baseConnectionId: baseConnection.id,
      connectionSpec: { id: connectionSpecIds.mailchimpCampaign, version: "1.0" },
      data: { format: "json" },
      params: { campaignId: args.campaignId },
    },
    opts,
  );

  const targetConnection = new TargetConnection(
    "data-lake-target",
    {
      name: names.target,
      connectionSpec: { id: connectionSpecIds.dataLake, version: "1.0" },
      data: {
        format: "parquet_xdm",
        schema: { id: args.schemaId, version: XDM_FULL_SCHEMA_VERSION },
      },
      params: { dataSetId: dataset.id },
    },
    opts,
  );

  const dataflow = new Dataflow(
    "campaign-dataflow",
    {
      name: names.dataflow,
      flowSpec: { id: flowSpecIds.restStorageToAep, version: "1.0" },
      sourceConnectionIds: [sourceConnection.id],
      targetConnectionIds: [targetConnection.id],
      scheduleParams: {
        startTime: args.startTime ?? DEFAULT_START_TIME,
        frequency: "minute",
        interval: args.intervalMinutes ?? 15,
      },
      enabled: args.enabled ?? true,
    },
    opts,
  );

  return {
    dataset,
    baseConnection,
    sourceConnection,
    targetConnection,
    dataflow,
    ids: {
      datasetId: dataset.id,
      baseConnectionId: baseConnection.id,
      sourceConnectionId: sourceConnection.id,
      targetConnectionId: targetConnection.id,
      dataflowId: dataflow.id,
    },
  };
}
