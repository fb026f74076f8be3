/**
 * The Pulumi program: a Mailchimp campaign ingested into the Experience Platform data lake every
 * 15 minutes, as one `DataLakePipeline` component named `mailchimp`. Settings come from the
 * stack's config (see README.md); `aep:*` settings are read by the provider itself.
 */
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_START_TIME, mailchimpPipeline, pipelineIds } from "./pipeline";

const config = new pulumi.Config();

const pipeline = mailchimpPipeline("mailchimp", {
  namePrefix: config.get("namePrefix") ?? `${pulumi.getProject()}-${pulumi.getStack()}`,
  mailchimpUsername: config.require("mailchimpUsername"),
  mailchimpPassword: config.requireSecret("mailchimpPassword"),
  campaignId: config.require("campaignId"),
  schemaId: config.require("schemaId"),
  startTime: config.getNumber("startTime") ?? DEFAULT_START_TIME,
  intervalMinutes: config.getNumber("intervalMinutes") ?? 15,
  enabled: config.getBoolean("enabled") ?? true,
});

export const { datasetId, baseConnectionId, sourceConnectionId, targetConnectionId, dataflowId } =
  pipelineIds(pipeline);
export const dataflowState = pipeline.dataflow.state;
