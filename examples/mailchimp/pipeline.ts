/**
 * A Mailchimp campaign → Experience Platform data lake pipeline: the package's
 * `MailchimpCampaignPipeline` component, which declares every step of Adobe's walk-through
 * (https://experienceleague.adobe.com/en/docs/experience-platform/sources/api-tutorials/create/marketing-automation/mailchimp-campaign):
 * the XDM schema, the dataset, the Data Prep mapping of Mailchimp's fields, the account, the
 * source connection for one campaign, the Data Lake target connection and a dataflow every 15
 * minutes. `index.ts` calls it with the stack's config; the package's demo and its walk-through
 * end-to-end suite call it with their own values, so what they exercise is exactly this program.
 */
import type * as pulumi from "@pulumi/pulumi";
import {
  CAMPAIGN_MAPPINGS,
  MAILCHIMP_DEFAULT_START_TIME,
  MailchimpCampaignPipeline,
  type DataflowArgs,
  type MailchimpCampaignPipelineArgs,
} from "pulumi-aep-flow";

/** 2027-01-01T00:00:00Z: the default first run. Keep it fixed: moving a started schedule replaces the dataflow. */
export const DEFAULT_START_TIME = MAILCHIMP_DEFAULT_START_TIME;

/** The example's mapping: Mailchimp's email-activity fields into XDM ExperienceEvent fields. */
export const DEFAULT_MAPPINGS = CAMPAIGN_MAPPINGS;

export interface MailchimpExampleArgs {
  /** Prefix of every display name in Experience Platform, such as `<project>-<stack>` (schema titles are unique per sandbox). */
  namePrefix: string;
  /** The Mailchimp account name. */
  mailchimpUsername: pulumi.Input<string>;
  /** The Mailchimp API key. Pass a secret (`config.requireSecret`); it is stored encrypted either way. */
  mailchimpPassword: pulumi.Input<string>;
  /** The campaign whose email activity is ingested. Changing it replaces the source connection and the dataflow, nothing else. */
  campaignId: pulumi.Input<string>;
  /** The first run, in epoch seconds. Default: {@link DEFAULT_START_TIME}. */
  startTime?: pulumi.Input<number>;
  /** Minutes between runs (Flow Service's minimum is 15). Default: 15. */
  intervalMinutes?: pulumi.Input<number>;
  /** `false` keeps the dataflow declared but disabled. Default: true. */
  enabled?: pulumi.Input<boolean>;
  /** The mapping, when not {@link DEFAULT_MAPPINGS}; a change is a new mapping version, and the dataflow follows it in place. */
  mappings?: MailchimpCampaignPipelineArgs["mappings"];
  /** Make `up` wait for the dataflow's first run (see the README's `waitForFirstRun`). Default: no wait. */
  waitForFirstRun?: DataflowArgs["waitForFirstRun"];
}

/**
 * The pipeline as a `MailchimpCampaignPipeline` named `name`: its children are `<name>-schema`,
 * `-dataset`, `-mapping`, `-base`, `-source`, `-target` and `-flow`. `opts` (a parent,
 * `protect`, ...) apply to the component, and through it to every child.
 */
export function mailchimpPipeline(
  name: string,
  args: MailchimpExampleArgs,
  opts?: pulumi.ComponentResourceOptions,
): MailchimpCampaignPipeline {
  return new MailchimpCampaignPipeline(
    name,
    {
      namePrefix: args.namePrefix,
      account: { username: args.mailchimpUsername, password: args.mailchimpPassword },
      campaignId: args.campaignId,
      startTime: args.startTime ?? DEFAULT_START_TIME,
      intervalMinutes: args.intervalMinutes ?? 15,
      enabled: args.enabled ?? true,
      mappings: args.mappings ?? DEFAULT_MAPPINGS,
      ...(args.waitForFirstRun !== undefined ? { waitForFirstRun: args.waitForFirstRun } : {}),
    },
    opts,
  );
}

/** The ids Experience Platform assigned, as the program's stack outputs. */
export function pipelineIds(pipeline: MailchimpCampaignPipeline) {
  return {
    schemaId: pipeline.schemaId,
    dataSetId: pipeline.dataSetId,
    mappingSetId: pipeline.mappingSetId,
    baseConnectionId: pipeline.baseConnectionId,
    sourceConnectionId: pipeline.sourceConnectionId,
    targetConnectionId: pipeline.targetConnectionId,
    dataflowId: pipeline.dataflowId,
  };
}
