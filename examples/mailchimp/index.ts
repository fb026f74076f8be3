/**
 * The Pulumi program: a Mailchimp campaign ingested into the Experience Platform data lake every
 * 15 minutes, as one `MailchimpCampaignPipeline` component named `mailchimp`, which creates its
 * own XDM schema, dataset and mapping. The only settings are the Mailchimp account and campaign
 * (see README.md); the `aep:*` settings are read by the provider itself.
 */
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_START_TIME, mailchimpPipeline, pipelineIds } from "./pipeline";

const config = new pulumi.Config();

const pipeline = mailchimpPipeline("mailchimp", {
  namePrefix: config.get("namePrefix") ?? `${pulumi.getProject()}-${pulumi.getStack()}`,
  mailchimpUsername: config.require("mailchimpUsername"),
  mailchimpPassword: config.requireSecret("mailchimpPassword"),
  campaignId: config.require("campaignId"),
  startTime: config.getNumber("startTime") ?? DEFAULT_START_TIME,
  intervalMinutes: config.getNumber("intervalMinutes") ?? 15,
  enabled: config.getBoolean("enabled") ?? true,
});

export const {
  schemaId,
  dataSetId,
  mappingSetId,
  baseConnectionId,
  sourceConnectionId,
  targetConnectionId,
  dataflowId,
} = pipelineIds(pipeline);
export const dataflowState = pipeline.dataflow.state;
