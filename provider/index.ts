/**
 * pulumi-aep-flow: Pulumi resources for Adobe Experience Platform Flow Service.
 *
 * Declare a source-to-data-lake pipeline (XDM schema, dataset, mapping set, base connection,
 * source connection, target connection, dataflow); Pulumi wires the ids between them and turns changes into PATCHes or
 * replacements. Credentials and endpoints come from the `aep:*` stack config or `AEP_*`
 * environment variables (see the README).
 */
export * from "./resources/registry";
export {
  connectionSpecIds,
  flowSpecIds,
  XDM_FULL_SCHEMA_VERSION,
  XDM_SCHEMA_CONTENT_TYPE,
} from "./resources/specCatalog";
export { PROFILE_UNION_TAG, xdmClassIds, xdmFieldGroupIds } from "./resources/xdmIds";
export {
  getConnectionSpec,
  getFlowSpec,
  type ConnectionSpecQuery,
  type FlowSpecQuery,
  type SpecResult,
} from "./lookups";
export { DataLakePipeline, type DataLakePipelineArgs } from "./components/dataLakePipeline";
export {
  SourcePipeline,
  type DataLakeTargetArgs,
  type ExistingDataset,
  type ExistingObject,
  type NewDatasetArgs,
  type SourcePipelineArgs,
} from "./components/sourcePipeline";
export {
  CAMPAIGN_MAPPINGS,
  MAILCHIMP_DEFAULT_START_TIME,
  MailchimpCampaignPipeline,
  MailchimpMembersPipeline,
  MEMBERS_MAPPINGS,
  type MailchimpAccount,
  type MailchimpCampaignPipelineArgs,
  type MailchimpMembersPipelineArgs,
  type MailchimpPipelineArgs,
} from "./components/mailchimp";
