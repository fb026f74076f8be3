/**
 * `aep:index:MailchimpCampaignPipeline` and `aep:index:MailchimpMembersPipeline`: Adobe's Mailchimp
 * walk-throughs in one line each, on top of SourcePipeline: the account, a new XDM schema and
 * dataset (or an existing dataset), a mapping of Mailchimp's fields into standard XDM fields, and
 * a dataflow every 15 minutes
 * (https://experienceleague.adobe.com/en/docs/experience-platform/sources/api-tutorials/create/marketing-automation/mailchimp-campaign,
 * https://experienceleague.adobe.com/en/docs/experience-platform/sources/api-tutorials/create/marketing-automation/mailchimp-members).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { Mapping } from "../client/types";
import type { BaseConnectionArgs } from "../resources/baseConnection";
import type { DataflowArgs } from "../resources/dataflow";
import type { MappingSetArgs } from "../resources/mappingSet";
import { connectionSpecIds, flowSpecIds } from "../resources/specCatalog";
import { xdmClassIds, xdmFieldGroupIds } from "../resources/xdmIds";
import {
  SourcePipeline,
  type ExistingDataset,
  type ExistingObject,
  type SourcePipelineArgs,
} from "./sourcePipeline";

/** 2027-01-01T00:00:00Z: the default first run. Fixed, since moving a started schedule replaces the dataflow. */
export const MAILCHIMP_DEFAULT_START_TIME = 1798761600;

/** The Mailchimp account: Basic Authentication, an OAuth 2 access token, or an existing base connection. */
export type MailchimpAccount =
  | { username: pulumi.Input<string>; password: pulumi.Input<string> }
  | { accessToken: pulumi.Input<string> }
  | ExistingObject;

export interface MailchimpPipelineArgs {
  account: MailchimpAccount;
  /** Starts every display name in Experience Platform (schema titles must be unique in a sandbox). @default the component's name */
  namePrefix?: string;
  /** The first run, in epoch seconds. @default MAILCHIMP_DEFAULT_START_TIME */
  startTime?: pulumi.Input<number>;
  /** Minutes between runs (at least 15). @default 15 */
  intervalMinutes?: pulumi.Input<number>;
  /** `false` keeps the dataflow declared but disabled. @default true */
  enabled?: pulumi.Input<boolean>;
  /** An existing dataset (and its schema) instead of the new schema and dataset. */
  dataset?: ExistingDataset;
  /** The mapping into the schema, instead of the default one. */
  mappings?: MappingSetArgs["mappings"];
  /** Enables the new schema and dataset for Real-Time Customer Profile (one-way for the schema). @default false */
  profileEnabled?: boolean;
  /** Makes `up` wait for the dataflow's first run (the Dataflow's `waitForFirstRun`). @default no wait */
  waitForFirstRun?: DataflowArgs["waitForFirstRun"];
}

export interface MailchimpCampaignPipelineArgs extends MailchimpPipelineArgs {
  /** The campaign whose email activity is read. Changing it replaces the source connection and the dataflow, nothing else. */
  campaignId: pulumi.Input<string>;
}

export interface MailchimpMembersPipelineArgs extends MailchimpPipelineArgs {
  /** The audience list whose members are read. */
  listId: pulumi.Input<string>;
}

/** Email activity rows (`/reports/{campaignId}/email-activity`) into XDM ExperienceEvent fields. */
export const CAMPAIGN_MAPPINGS: Mapping[] = [
  { sourceType: "ATTRIBUTE", source: "email_id", destination: "_id" },
  { sourceType: "ATTRIBUTE", source: "activity[0].timestamp", destination: "timestamp" },
  { sourceType: "ATTRIBUTE", source: "activity[0].action", destination: "eventType" },
  { sourceType: "ATTRIBUTE", source: "campaign_id", destination: "marketing.trackingCode" },
  {
    sourceType: "ATTRIBUTE",
    source: "email_address",
    destination: "endUserIDs._experience.emailid.id",
  },
];

/** Audience members (`/lists/{listId}/members`) into XDM Individual Profile fields. */
export const MEMBERS_MAPPINGS: Mapping[] = [
  { sourceType: "ATTRIBUTE", source: "id", destination: "_id" },
  { sourceType: "ATTRIBUTE", source: "email_address", destination: "personalEmail.address" },
  { sourceType: "ATTRIBUTE", source: "merge_fields.FNAME", destination: "person.name.firstName" },
  { sourceType: "ATTRIBUTE", source: "merge_fields.LNAME", destination: "person.name.lastName" },
];

interface MailchimpShape {
  component: string;
  connectionSpecId: string;
  /** What the records are, in display names ("campaign email activity"). */
  what: string;
  params: Record<string, pulumi.Input<string>>;
  classId: string;
  fieldGroupIds: string[];
  mappings: MappingSetArgs["mappings"];
}

/** The account as a new base connection (or an existing one), refusing two kinds at once. */
function baseConnectionOf(
  shape: MailchimpShape,
  name: string,
  account: MailchimpAccount,
  displayName: string,
): BaseConnectionArgs | ExistingObject {
  const given = ["existingId", "username", "accessToken"].filter((key) => key in account);
  if (given.length !== 1) {
    throw new Error(
      given.length === 0
        ? `${shape.component} "${name}": \`account\` needs { username, password }, { accessToken } or { existingId }`
        : `${shape.component} "${name}": \`account.${given[0]}\` and \`account.${given[1]}\` conflict: give one kind of account`,
    );
  }
  if ("existingId" in account) return account;
  const connectionSpec = { id: shape.connectionSpecId, version: "1.0" };
  return "accessToken" in account
    ? {
        name: displayName,
        connectionSpec,
        auth: { specName: "OAuth2 Refresh Code", params: { accessToken: account.accessToken } },
      }
    : {
        name: displayName,
        connectionSpec,
        auth: {
          specName: "Basic Authentication",
          params: { username: account.username, password: account.password },
        },
      };
}

function mailchimpPipelineArgs(
  shape: MailchimpShape,
  name: string,
  args: MailchimpPipelineArgs,
): SourcePipelineArgs {
  const prefix = args.namePrefix ?? name;
  const connectionSpec = { id: shape.connectionSpecId, version: "1.0" };
  const profileEnabled = args.profileEnabled ?? false;
  return {
    baseConnection: baseConnectionOf(shape, name, args.account, `${prefix} Mailchimp account`),
    source: {
      name: `${prefix} Mailchimp ${shape.what}`,
      connectionSpec,
      data: { format: "json" },
      params: shape.params,
    },
    ...(args.dataset
      ? { dataset: args.dataset }
      : {
          schema: {
            title: `${prefix} Mailchimp ${shape.what}`,
            description: `Mailchimp ${shape.what}, ingested by a Flow Service dataflow.`,
            classId: shape.classId,
            fieldGroupIds: shape.fieldGroupIds,
            profileEnabled,
          },
          dataset: {
            name: `${prefix} Mailchimp ${shape.what}`,
            description: `Mailchimp ${shape.what}, ingested by a Flow Service dataflow.`,
            ...(profileEnabled ? { profileEnabled } : {}),
          },
        }),
    mapping: { mappings: args.mappings ?? shape.mappings },
    target: { name: `${prefix} Mailchimp ${shape.what} (data lake)` },
    dataflow: {
      name: `${prefix} Mailchimp ${shape.what} to data lake`,
      flowSpec: { id: flowSpecIds.restStorageToAep, version: "1.0" },
      scheduleParams: {
        startTime: args.startTime ?? MAILCHIMP_DEFAULT_START_TIME,
        frequency: "minute",
        interval: args.intervalMinutes ?? 15,
      },
      enabled: args.enabled ?? true,
      ...(args.waitForFirstRun !== undefined ? { waitForFirstRun: args.waitForFirstRun } : {}),
    },
  };
}

/**
 * The email activity of one Mailchimp campaign, ingested into the data lake every 15 minutes.
 *
 * ```ts
 * const campaign = new MailchimpCampaignPipeline("mailchimp", {
 *   account: { username: config.require("mailchimpUsername"), password: config.requireSecret("mailchimpPassword") },
 *   campaignId: config.require("campaignId"),
 * });
 * ```
 * Children: `<name>-base`, `-source`, `-schema` (XDM ExperienceEvent with Campaign Marketing and
 * End User ID Details), `-dataset`, `-mapping`, `-target`, `-flow`.
 */
export class MailchimpCampaignPipeline extends SourcePipeline {
  constructor(
    name: string,
    args: MailchimpCampaignPipelineArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    const shape: MailchimpShape = {
      component: "MailchimpCampaignPipeline",
      connectionSpecId: connectionSpecIds.mailchimpCampaign,
      what: "campaign email activity",
      params: { campaignId: args.campaignId },
      classId: xdmClassIds.experienceEvent,
      fieldGroupIds: [xdmFieldGroupIds.campaignMarketing, xdmFieldGroupIds.endUserIds],
      mappings: CAMPAIGN_MAPPINGS.map((mapping) => ({ ...mapping })),
    };
    super(
      name,
      mailchimpPipelineArgs(shape, name, args),
      opts,
      "aep:index:MailchimpCampaignPipeline",
    );
  }
}

/**
 * The members of one Mailchimp audience list, ingested into the data lake every 15 minutes, into
 * an XDM Individual Profile schema (Demographic and Personal Contact Details).
 */
export class MailchimpMembersPipeline extends SourcePipeline {
  constructor(
    name: string,
    args: MailchimpMembersPipelineArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    const shape: MailchimpShape = {
      component: "MailchimpMembersPipeline",
      connectionSpecId: connectionSpecIds.mailchimpMembers,
      what: "audience members",
      params: { listId: args.listId },
      classId: xdmClassIds.profile,
      fieldGroupIds: [xdmFieldGroupIds.demographicDetails, xdmFieldGroupIds.personalContactDetails],
      mappings: MEMBERS_MAPPINGS.map((mapping) => ({ ...mapping })),
    };
    super(
      name,
      mailchimpPipelineArgs(shape, name, args),
      opts,
      "aep:index:MailchimpMembersPipeline",
    );
  }
}
