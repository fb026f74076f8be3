/**
 * The program the lifecycle, drift, portability and interrupted-run suites deploy: a Mailchimp
 * campaign pipeline as the package's `DataLakePipeline` component, over a dataset that names an
 * existing XDM schema (the harness creates it in the emulator). It was the example program before
 * the example moved to `MailchimpCampaignPipeline` (examples/mailchimp, deployed by
 * walkthrough.spec.ts); these suites keep the five-resource pipeline that `aep-flow recover`
 * knows, and keep exercising `DataLakePipeline` as users of it have it.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  connectionSpecIds,
  DataLakePipeline,
  flowSpecIds,
  type DataflowArgs,
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
  /** Make `up` wait for the dataflow's first run (see the README's `waitForFirstRun`). Default: no wait. */
  waitForFirstRun?: DataflowArgs["waitForFirstRun"];
  /** Overrides of the display names (each defaults to `<namePrefix> ...`). */
  names?: Partial<Record<"dataset" | "account" | "source" | "target" | "dataflow", string>>;
}

/**
 * The pipeline as a `DataLakePipeline` named `name`: its children are `<name>-dataset`,
 * `<name>-base`, `<name>-source`, `<name>-target` and `<name>-flow`. `opts` (a parent, `protect`,
 * ...) apply to the component, and through it to every child.
 */
export function mailchimpPipeline(
  name: string,
  args: MailchimpPipelineArgs,
  opts?: pulumi.ComponentResourceOptions,
): DataLakePipeline {
  const { namePrefix } = args;
  const names = {
    dataset: `${namePrefix} Mailchimp campaign activity`,
    account: `${namePrefix} Mailchimp account`,
    source: `${namePrefix} Mailchimp campaign`,
    target: `${namePrefix} Mailchimp campaign activity (data lake)`,
    dataflow: `${namePrefix} Mailchimp campaign to data lake`,
    ...args.names,
  };
  const mailchimp = { id: connectionSpecIds.mailchimpCampaign, version: "1.0" };

  return new DataLakePipeline(
    name,
    {
      dataset: {
        name: names.dataset,
        description: "Email activity of a Mailchimp campaign, ingested by a Flow Service dataflow.",
        schemaRef: { id: args.schemaId },
      },
      baseConnection: {
        name: names.account,
        description: "Mailchimp account, Basic Authentication (account name and API key).",
        connectionSpec: mailchimp,
        auth: {
          specName: "Basic Authentication",
          params: { username: args.mailchimpUsername, password: args.mailchimpPassword },
        },
      },
      source: {
        name: names.source,
        connectionSpec: mailchimp,
        data: { format: "json" },
        params: { campaignId: args.campaignId },
      },
      target: { name: names.target },
      dataflow: {
        name: names.dataflow,
        flowSpec: { id: flowSpecIds.restStorageToAep, version: "1.0" },
        scheduleParams: {
          startTime: args.startTime ?? DEFAULT_START_TIME,
          frequency: "minute",
          interval: args.intervalMinutes ?? 15,
        },
        enabled: args.enabled ?? true,
        ...(args.waitForFirstRun !== undefined ? { waitForFirstRun: args.waitForFirstRun } : {}),
      },
    },
    opts,
  );
}

/** The ids Experience Platform assigned, as the program's stack outputs. */
export function pipelineIds(pipeline: DataLakePipeline) {
  return {
    datasetId: pipeline.datasetId,
    baseConnectionId: pipeline.baseConnectionId,
    sourceConnectionId: pipeline.sourceConnectionId,
    targetConnectionId: pipeline.targetConnectionId,
    dataflowId: pipeline.dataflowId,
  };
}
