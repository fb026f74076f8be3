/**
 * A sandbox in memory for the export tests: Adobe-shaped objects (as the Flow Service, Catalog,
 * Schema Registry and Data Prep GETs answer them) behind the few client methods the export's
 * reader calls, each call recorded, so a test can say which objects were read and how often.
 */
import type { AepClient, FlowServiceObject, SpecObject } from "../../../provider/client";
import { readSandbox } from "../../../provider/cli/export/read";
import type { ExportModel } from "../../../provider/cli/export/model";
import { connectionSpecIds, flowSpecIds } from "../../../provider/resources/specCatalog";

export const ORG = "0123456789ABCDEF01234567@AdobeOrg";
export const SANDBOX = "dev";
export const EXPORTED_AT = new Date("2026-03-02T10:00:00.000Z");
export const TENANT = "https://ns.adobe.com/acme/schemas";
export const EXPERIENCE_EVENT = "https://ns.adobe.com/xdm/context/experienceevent";
export const CAMPAIGN_MARKETING =
  "https://ns.adobe.com/xdm/context/experienceevent-campaign-marketing";
/** The password the fixture accounts hold; Flow Service masks it, the export must never write it. */
export const PASSWORD = "mailchimp-api-key-9f8e7d";

export interface MemorySandbox {
  connections?: Record<string, unknown>[];
  sourceConnections?: Record<string, unknown>[];
  targetConnections?: Record<string, unknown>[];
  flows?: Record<string, unknown>[];
  dataSets?: Record<string, Record<string, unknown>>;
  schemas?: Record<string, unknown>[];
  /** Every version of each mapping set; a read without a version answers the last one. */
  mappingSets?: Record<string, Record<string, unknown>[]>;
  connectionSpecs?: SpecObject[];
}

/** The reader's client over `sandbox`; `calls` lists every call as `method args`. */
export function memoryClient(sandbox: MemorySandbox): { client: AepClient; calls: string[] } {
  const calls: string[] = [];
  const withEtag = (item: Record<string, unknown>) =>
    ({ etag: '"1"', ...item }) as FlowServiceObject;
  const collection = (name: string) =>
    ((sandbox as Record<string, unknown>)[name] as Record<string, unknown>[] | undefined) ?? [];
  const client: Partial<AepClient> = {
    async get(name, id) {
      calls.push(`get ${name} ${id}`);
      const found = collection(name).find((item) => item.id === id);
      return found === undefined ? undefined : withEtag(found);
    },
    async list(name) {
      calls.push(`list ${name}`);
      return collection(name).map(withEtag);
    },
    async getDataset(id) {
      calls.push(`getDataset ${id}`);
      return sandbox.dataSets?.[id];
    },
    async getSchema(id) {
      calls.push(`getSchema ${id}`);
      return sandbox.schemas?.find((schema) => schema.$id === id) as never;
    },
    async getMappingSet(id, version) {
      calls.push(`getMappingSet ${id}${version === undefined ? "" : ` ${version}`}`);
      const versions = sandbox.mappingSets?.[id] ?? [];
      return (
        version === undefined ? versions.at(-1) : versions.find((v) => v.version === version)
      ) as never;
    },
    async getSpec(name, id) {
      calls.push(`getSpec ${name} ${id}`);
      return sandbox.connectionSpecs?.find((spec) => spec.id === id);
    },
  };
  return { client: client as AepClient, calls };
}

/** The export of `sandbox`'s flows (all, or `flowIds`) with the fixture's org, sandbox and time. */
export async function exportOf(
  sandbox: MemorySandbox,
  flowIds: string[] = [],
): Promise<{ model: ExportModel; calls: string[] }> {
  const { client, calls } = memoryClient(sandbox);
  const settings = { orgId: ORG, sandboxName: SANDBOX } as never;
  const model = await readSandbox(
    { client, settings },
    { flowIds, packageVersion: "0.1.0", pulumiRange: "^3.276.0", now: EXPORTED_AT },
  );
  return { model, calls };
}

/** The Mailchimp connection spec's Basic Authentication, as Flow Service lists it (password: `format: password`). */
export const MAILCHIMP_SPEC: SpecObject = {
  id: connectionSpecIds.mailchimpCampaign,
  name: "mailchimp-campaign",
  version: "1.0",
  authSpec: [
    {
      name: "Basic Authentication",
      type: "BasicAuthentication",
      spec: {
        type: "object",
        properties: {
          username: { type: "string" },
          password: { type: "string", format: "password" },
          authorizationTestUrl: { type: "string" },
        },
        required: ["username", "password"],
      },
    },
  ],
};

export function baseConnection(id: string, name: string, password = "********") {
  return {
    id,
    name,
    connectionSpec: { id: connectionSpecIds.mailchimpCampaign, version: "1.0" },
    auth: { specName: "Basic Authentication", params: { username: "marketing", password } },
    state: "enabled",
  };
}

export function sourceConnection(
  id: string,
  name: string,
  baseConnectionId: string,
  campaignId: string,
) {
  return {
    id,
    name,
    baseConnectionId,
    connectionSpec: { id: connectionSpecIds.mailchimpCampaign, version: "1.0" },
    data: { format: "json" },
    params: { campaignId },
  };
}

export function dataLakeTarget(id: string, name: string, dataSetId: string, schemaId: string) {
  return {
    id,
    name,
    connectionSpec: { id: connectionSpecIds.dataLake, version: "1.0" },
    data: {
      format: "parquet_xdm",
      schema: { id: schemaId, version: "application/vnd.adobe.xed-full+json;version=1" },
    },
    params: { dataSetId },
  };
}

export function dataflow(
  id: string,
  name: string,
  sourceId: string,
  targetId: string,
  extra: Record<string, unknown> = {},
) {
  return {
    id,
    name,
    flowSpec: { id: flowSpecIds.restStorageToAep, version: "1.0" },
    sourceConnectionIds: [sourceId],
    targetConnectionIds: [targetId],
    // Flow Service echoes the schedule's numbers as strings.
    scheduleParams: { startTime: "1767225600", frequency: "minute", interval: "15" },
    state: "enabled",
    ...extra,
  };
}

export function schema(hex: string, title: string, fieldGroups: string[] = []) {
  return {
    $id: `${TENANT}/${hex}`,
    "meta:altId": `_acme.schemas.${hex}`,
    version: "1.0",
    title,
    type: "object",
    allOf: [EXPERIENCE_EVENT, ...fieldGroups].map(($ref) => ({ $ref, type: "object" })),
    "meta:class": EXPERIENCE_EVENT,
    "meta:immutableTags": [],
  };
}

export function dataset(name: string, schemaId: string) {
  return {
    name,
    schemaRef: { id: schemaId, contentType: "application/vnd.adobe.xed+json;version=1" },
    tags: {},
  };
}

export function mappingSetVersion(
  id: string,
  version: number,
  schemaId: string,
  destinations: string[],
) {
  return {
    id,
    version,
    xdmSchema: schemaId,
    mappings: destinations.map((destination, i) => ({
      sourceType: "ATTRIBUTE",
      source: `field_${i}`,
      destination,
    })),
  };
}

/**
 * Three Mailchimp campaigns into one dataset, through one account (base connection): three
 * source connections, one target connection, three dataflows; the spring one maps its records
 * with a mapping set.
 */
export function threeCampaigns(): MemorySandbox {
  const schemaId = `${TENANT}/5a1e`;
  return {
    connections: [baseConnection("base-1", "Mailchimp account")],
    sourceConnections: [
      sourceConnection("source-spring", "Spring campaign", "base-1", "c-spring"),
      sourceConnection("source-summer", "Summer campaign", "base-1", "c-summer"),
      sourceConnection("source-autumn", "Autumn campaign", "base-1", "c-autumn"),
    ],
    targetConnections: [dataLakeTarget("target-1", "Campaigns to the lake", "ds1", schemaId)],
    flows: [
      dataflow("flow-summer", "Summer flow", "source-summer", "target-1"),
      dataflow("flow-spring", "Spring flow", "source-spring", "target-1", {
        transformations: [{ name: "Mapping", params: { mappingId: "map-1", mappingVersion: 1 } }],
      }),
      dataflow("flow-autumn", "Autumn flow", "source-autumn", "target-1", { state: "disabled" }),
    ],
    dataSets: { ds1: dataset("Campaign activity", schemaId) },
    schemas: [schema("5a1e", "Campaign activity", [CAMPAIGN_MARKETING])],
    mappingSets: {
      "map-1": [
        mappingSetVersion("map-1", 0, schemaId, ["_id"]),
        mappingSetVersion("map-1", 1, schemaId, ["_id", "timestamp"]),
      ],
    },
    connectionSpecs: [MAILCHIMP_SPEC],
  };
}

/**
 * Names that are hard to make names of: empty, reserved words, leading digits, punctuation,
 * non-Latin and accented letters, duplicates, names too long for a line, and a source param
 * whose key needs quotes.
 */
export function trickyNames(): MemorySandbox {
  const schemaId = `${TENANT}/abc`;
  const unknownSpec = { id: "0f0f0f0f-unknown-spec", version: "1.0" };
  return {
    connections: [baseConnection("b1", ""), baseConnection("b2", "new")],
    sourceConnections: [
      sourceConnection("s1", "2024 Campaign: spring!", "b1", "c1"),
      {
        ...sourceConnection("s2", "Café Überflow — Straße", "b2", "c2"),
        connectionSpec: unknownSpec,
        params: { "list-id": "x", campaignId: "c2" },
      },
      sourceConnection(
        "s3",
        "A source connection whose name goes on and on and on and on",
        "b2",
        "c3",
      ),
    ],
    targetConnections: [dataLakeTarget("t1", "データレイク", "ds", schemaId)],
    flows: [
      dataflow("f1", "class", "s1", "t1"),
      dataflow("f2", "class", "s2", "t1"),
      dataflow("f3", "Class ID", "s2", "t1"),
      dataflow("f4", "A dataflow whose name goes on and on and on and on and on", "s3", "t1"),
    ],
    dataSets: { ds: dataset("config", schemaId) },
    schemas: [schema("abc", "")],
    connectionSpecs: [MAILCHIMP_SPEC],
  };
}

/** The three campaigns with quotes and a backslash in names: string literals prettier's way. */
export function quotedNames(): MemorySandbox {
  const sandbox = threeCampaigns();
  sandbox.flows![0]!.name = 'The "big" summer\'s flow';
  sandbox.connections![0]!.name = "Jo's \\ account";
  return sandbox;
}
