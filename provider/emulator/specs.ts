/**
 * Seed data: the connection specs and flow spec the emulator serves and validates against. IDs,
 * names, types and schema rules are Adobe's (Mailchimp sources, Data Lake target, RestStorageToAEP,
 * as in https://experienceleague.adobe.com/en/docs/experience-platform/sources/api-tutorials/create/marketing-automation/mailchimp-campaign);
 * the descriptions and UI attributes are the emulator's own, trimmed to what a sources workflow reads.
 */
import { connectionSpecIds, flowSpecIds } from "../resources/specCatalog";
import type { JsonObject } from "./store";

/** Sources-SDK provider id shared by the seeded specs. */
const PROVIDER_ID = "0ed90a81-07f4-4586-8190-b40eccef1c5a";

/** Epoch ms the seeded specs claim as their creation time. */
const SEEDED_AT = 1633080822000;

const JSON_SCHEMA_DRAFT = "http://json-schema.org/draft-07/schema#";

const PERMISSIONS = {
  manage: [{ "@type": "lowLevel", name: "EnterpriseSource", permissions: ["write"] }],
  view: [{ "@type": "lowLevel", name: "EnterpriseSource", permissions: ["read"] }],
};

/** The two ways to authenticate against Mailchimp; secrets carry `format: password`. */
function mailchimpAuthSpecs(): JsonObject[] {
  const authorizationTestUrl = {
    type: "string",
    description: "Mailchimp URL used to check the credentials when the account is created.",
  };
  return [
    {
      name: "Basic Authentication",
      type: "BasicAuthentication",
      spec: {
        $schema: JSON_SCHEMA_DRAFT,
        type: "object",
        description: "Mailchimp account name and API key.",
        properties: {
          username: { type: "string", description: "Mailchimp account user name." },
          password: { type: "string", format: "password", description: "Mailchimp API key." },
          authorizationTestUrl,
        },
        required: ["username", "password"],
      },
    },
    {
      name: "OAuth2 Refresh Code",
      type: "OAuth2RefreshCode",
      spec: {
        $schema: JSON_SCHEMA_DRAFT,
        type: "object",
        description: "An OAuth 2 access token issued by Mailchimp.",
        properties: {
          accessToken: { type: "string", format: "password", description: "OAuth 2 access token." },
          authorizationTestUrl,
        },
        required: ["accessToken"],
      },
    },
  ];
}

/** Explore returns raw REST payloads under `data`. */
function restExploreSpec(): JsonObject {
  return {
    name: "Resource",
    type: "Resource",
    requestSpec: { $schema: JSON_SCHEMA_DRAFT, type: "object" },
    responseSpec: {
      $schema: JSON_SCHEMA_DRAFT,
      type: "object",
      properties: {
        format: { type: "string" },
        schema: { type: "object" },
        data: { type: "array", items: { type: "object" } },
      },
    },
  };
}

function mailchimpSpec(options: {
  id: string;
  name: string;
  label: string;
  param: string;
  paramDescription: string;
  path: string;
  contentPath: string;
}): JsonObject {
  return {
    id: options.id,
    name: options.name,
    providerId: PROVIDER_ID,
    version: "1.0",
    type: "generic-rest",
    createdAt: SEEDED_AT,
    updatedAt: SEEDED_AT,
    authSpec: mailchimpAuthSpecs(),
    sourceSpec: {
      name: "Resource",
      type: "Resource",
      spec: {
        $schema: JSON_SCHEMA_DRAFT,
        type: "object",
        description: `Which ${options.label} data to read.`,
        properties: { [options.param]: { type: "string", description: options.paramDescription } },
        required: [options.param],
      },
      attributes: {
        uiAttributes: { isSource: true, isBeta: false, label: options.label },
        urlParams: { path: options.path, method: "GET" },
        contentPath: options.contentPath,
        paginationParams: {
          type: "OFFSET",
          limitName: "count",
          limitValue: "100",
          offSetName: "offset",
        },
      },
    },
    exploreSpec: restExploreSpec(),
    attributes: {
      category: "marketingAutomation",
      connectorName: options.label,
      isSource: true,
      uiAttributes: { apiFeatures: { explorePaginationSupported: false } },
    },
    permissionsInfo: PERMISSIONS,
  };
}

/**
 * The transformations a flow spec declares. Adobe's samples name the member `transformationSpecs`
 * or `transformationSpec` (Flow Service API reference, flow specs); both are read.
 */
export function transformationSpecsOf(flowSpec: JsonObject): JsonObject[] {
  const specs = flowSpec.transformationSpecs ?? flowSpec.transformationSpec;
  return Array.isArray(specs) ? (specs as JsonObject[]) : [];
}

/** The connection specs every org sees (read-only). */
export function seedConnectionSpecs(): JsonObject[] {
  return [
    mailchimpSpec({
      id: connectionSpecIds.mailchimpCampaign,
      name: "mailchimp-campaign",
      label: "Mailchimp Campaign",
      param: "campaignId",
      paramDescription: "Id of the campaign whose email activity is read.",
      path: "/3.0/reports/${campaignId}/email-activity",
      contentPath: "$.emails",
    }),
    mailchimpSpec({
      id: connectionSpecIds.mailchimpMembers,
      name: "mailchimp-members",
      label: "Mailchimp Members",
      param: "listId",
      paramDescription: "Id of the audience list whose members are read.",
      path: "/3.0/lists/${listId}/members",
      contentPath: "$.members",
    }),
    {
      id: connectionSpecIds.dataLake,
      name: "Data Lake",
      providerId: PROVIDER_ID,
      version: "1.0",
      createdAt: SEEDED_AT,
      updatedAt: SEEDED_AT,
      authSpec: [],
      targetSpec: {
        name: "Data Lake",
        spec: {
          $schema: JSON_SCHEMA_DRAFT,
          type: "object",
          description: "The Catalog dataset that receives the ingested batches.",
          properties: { dataSetId: { type: "string", description: "Target dataset id." } },
          required: ["dataSetId"],
        },
      },
      attributes: { category: "Database", isSource: false, isDestination: false },
      permissionsInfo: PERMISSIONS,
    },
  ];
}

/** The flow specs every org sees (read-only). */
export function seedFlowSpecs(): JsonObject[] {
  return [
    {
      id: flowSpecIds.restStorageToAep,
      name: "RestStorageToAEP",
      providerId: PROVIDER_ID,
      version: "1.0",
      createdAt: SEEDED_AT,
      updatedAt: SEEDED_AT,
      sourceConnectionSpecIds: [
        connectionSpecIds.mailchimpCampaign,
        connectionSpecIds.mailchimpMembers,
      ],
      targetConnectionSpecIds: [connectionSpecIds.dataLake],
      optionSpec: {
        name: "OptionSpec",
        spec: {
          $schema: JSON_SCHEMA_DRAFT,
          type: "object",
          properties: {
            errorDiagnosticsEnabled: { type: "boolean", default: false },
            partialIngestionPercent: { type: "number", exclusiveMinimum: 0 },
          },
        },
      },
      transformationSpecs: [
        {
          name: "Mapping",
          spec: {
            $schema: JSON_SCHEMA_DRAFT,
            type: "object",
            description: "Data Prep mapping set applied to each record.",
            properties: { mappingId: { type: "string" }, mappingVersion: { type: "string" } },
          },
        },
      ],
      // Enforced by schedule.ts (the emulator codes these rules directly rather than interpreting if/then/else).
      scheduleSpec: {
        name: "PeriodicSchedule",
        type: "Periodic",
        spec: {
          $schema: JSON_SCHEMA_DRAFT,
          type: "object",
          properties: {
            startTime: { type: "integer", description: "First run, epoch seconds." },
            frequency: { type: "string", enum: ["once", "minute", "hour", "day", "week"] },
            interval: { type: "integer" },
            backfill: { type: "boolean", default: true },
          },
          required: ["startTime", "frequency"],
          if: { properties: { frequency: { const: "once" } } },
          then: {
            allOf: [{ not: { required: ["interval"] } }, { not: { required: ["backfill"] } }],
          },
          else: {
            required: ["interval"],
            if: { properties: { frequency: { const: "minute" } } },
            then: { properties: { interval: { minimum: 15 } } },
            else: { properties: { interval: { minimum: 1 } } },
          },
        },
      },
      attributes: {
        isSourceFlow: true,
        frequency: "batch",
        notification: { category: "sources", flowRun: { enabled: true } },
      },
      permissionsInfo: PERMISSIONS,
    },
  ];
}
