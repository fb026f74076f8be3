// `aep-flow export` against the emulator over real HTTP. The objects are made directly over HTTP,
// as the Experience Platform UI makes them: a tenant schema, a dataset, a mapping set, one
// Mailchimp account that three campaign flows share, one Data Lake target. The export must read
// them (GETs only, each object once), write the project, and never write the account's password.
import assert from "node:assert/strict";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { runCli } from "../../provider/cli";
import { startEmulator, type EmulatorHandle } from "../../provider/emulator";
import { PACKAGE_VERSION } from "../../provider/resources/packageCopy";
import { connectionSpecIds } from "../../provider/resources/specCatalog";
import { xdmFieldGroupIds } from "../../provider/resources/xdmIds";
import {
  Api,
  basicAuthConnection,
  CATALOG,
  campaignSourceConnection,
  dataLakeTarget,
  dataSetBody,
  everyFifteenMinutes,
  flowBody,
  ORG,
} from "../emulator/helpers";
import { capturedOutput, emulatorEnv } from "./cliRun";

/** The password `basicAuthConnection` gives the account. */
const PASSWORD = "mailchimp-api-key-123";
const FILES = ["Pulumi.yaml", "README.md", "index.ts", "package.json", "tsconfig.json"];
const ISO_TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g;

/** The ids of the objects made over HTTP, by the placeholder that stands for each in the expected files. */
type Ids = Record<string, string>;

describe("aep-flow export against the emulator", () => {
  let emulator: EmulatorHandle;
  let api: Api;
  let ids: Ids;
  let root: string;
  let out: string[];
  let err: string[];

  before(async () => {
    emulator = await startEmulator({ port: 0 });
  });
  beforeEach(async () => {
    emulator.reset();
    api = await Api.connect(emulator);
    ids = await createSandbox(api);
    emulator.clearRequests();
    root = mkdtempSync(path.join(tmpdir(), "aep-export-"));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));
  after(() => emulator.close());

  function aep(...args: string[]): Promise<number> {
    const captured = capturedOutput();
    ({ out, err } = captured);
    return runCli(args, {
      output: captured.output,
      env: emulatorEnv(emulator),
      clientOptions: { retry: { baseDelayMs: 1, maxDelayMs: 5 } },
    });
  }

  /** A generated file with every object id (and the export time) replaced by its placeholder. */
  function generated(dir: string, name: string): string {
    let text = readFileSync(path.join(dir, name), "utf8").replace(ISO_TIME, "<exportedAt>");
    for (const [placeholder, id] of Object.entries(ids))
      text = text.replaceAll(id, `<${placeholder}>`);
    return text;
  }

  /** What the export asked of the emulator: method and path, token requests left out. */
  function requests(): string[] {
    return emulator
      .requests()
      .filter((request) => !request.path.startsWith("/ims/"))
      .map((request) => `${request.method} ${request.path}`);
  }

  it("writes a project that adopts every object once, with references, reading only", async () => {
    const dir = path.join(root, "campaigns");
    assert.equal(await aep("export", "--out", dir), 0, err.join("\n"));
    assert.deepEqual(readdirSync(dir).sort(), FILES);
    assert.equal(generated(dir, "index.ts"), EXPECTED_INDEX);
    for (const name of FILES) {
      assert.ok(
        !readFileSync(path.join(dir, name), "utf8").includes(PASSWORD),
        `${name} holds the password`,
      );
    }
    const manifest = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
    assert.equal(manifest.name, "campaigns");
    assert.equal(manifest.dependencies["pulumi-aep-flow"], PACKAGE_VERSION);
    assert.equal(
      readFileSync(path.join(dir, "Pulumi.yaml"), "utf8").split("\n")[0],
      "name: campaigns",
    );
    assert.ok(
      generated(dir, "README.md").includes(
        "pulumi config set --secret mailchimpCampaignsAccountPassword <value>   # auth.params.password of mailchimp-campaigns-account\n",
      ),
    );

    // Only reads, each object once, however many flows share it.
    const calls = requests();
    assert.ok(
      calls.every((call) => call.startsWith("GET ")),
      calls.join("\n"),
    );
    const flowService = "/data/foundation/flowservice";
    for (const [collection, id] of [
      ["connections", ids.baseId],
      ["sourceConnections", ids.springSourceId],
      ["targetConnections", ids.targetId],
      ["connectionSpecs", connectionSpecIds.mailchimpCampaign],
    ]) {
      assert.equal(
        calls.filter((call) => call === `GET ${flowService}/${collection}/${id}`).length,
        1,
        `${collection}/${id}`,
      );
    }
    assert.equal(
      calls.filter((call) => call === `GET ${CATALOG}/dataSets/${ids.dataSetId}`).length,
      1,
    );
    assert.equal(
      calls.filter((call) => call.startsWith("GET /data/foundation/schemaregistry/")).length,
      1,
    );
    assert.equal(
      calls.filter((call) => call.startsWith("GET /data/foundation/conversion/")).length,
      1,
    );

    assert.deepEqual(err, []);
    assert.equal(
      out[0],
      `Exported 3 dataflows of sandbox "prod" (org ${ORG}) into ${dir}: 11 resources, each with adopt set.`,
    );
    assert.deepEqual(
      out[1]!.split("\n").map((line) => line.split(/ {2,}/)),
      [
        ["TYPE", "NAME", "ADOPTS"],
        ["XdmSchema", "campaign-email-activity", ids.schemaId],
        ["Dataset", "campaign-email-activity-dataset", ids.dataSetId],
        ["BaseConnection", "mailchimp-campaigns-account", ids.baseId],
        ["SourceConnection", "autumn-campaign", ids.autumnSourceId],
        ["TargetConnection", "campaigns-to-the-data-lake", ids.targetId],
        ["Dataflow", "autumn-campaign-flow", ids.autumnFlowId],
        ["MappingSet", "spring-campaign-flow-mapping", ids.mappingId],
        ["SourceConnection", "spring-campaign", ids.springSourceId],
        ["Dataflow", "spring-campaign-flow", ids.springFlowId],
        ["SourceConnection", "summer-campaign", ids.summerSourceId],
        ["Dataflow", "summer-campaign-flow", ids.summerFlowId],
      ],
    );
    assert.deepEqual(out.slice(2), [
      "Credentials the program reads from its stack config (the export wrote none):",
      "  pulumi config set --secret mailchimpCampaignsAccountPassword <value>   # auth.params.password of mailchimp-campaigns-account",
      `Next: cd ${dir} && npm install, then the steps of its README.md (pulumi up adopts the objects).`,
    ]);
  });

  it("--flow exports only that dataflow and what it uses", async () => {
    const dir = path.join(root, "spring");
    assert.equal(
      await aep("export", "--flow", ids.springFlowId!, "--out", dir, "--json"),
      0,
      err.join("\n"),
    );
    const document = JSON.parse(out.join("\n"));
    assert.deepEqual(
      document.resources.map((resource: { type: string; name: string; id: string }) => [
        resource.type,
        resource.name,
        resource.id,
      ]),
      [
        ["XdmSchema", "campaign-email-activity", ids.schemaId],
        ["Dataset", "campaign-email-activity-dataset", ids.dataSetId],
        ["MappingSet", "spring-campaign-flow-mapping", ids.mappingId],
        ["BaseConnection", "mailchimp-campaigns-account", ids.baseId],
        ["SourceConnection", "spring-campaign", ids.springSourceId],
        ["TargetConnection", "campaigns-to-the-data-lake", ids.targetId],
        ["Dataflow", "spring-campaign-flow", ids.springFlowId],
      ],
    );
    assert.ok(!requests().includes("GET /data/foundation/flowservice/flows"), "listed every flow");
  });

  it("fails on an unknown --flow, naming it, and writes nothing", async () => {
    const dir = path.join(root, "nothing");
    const unknown = "55555555-5555-5555-5555-555555555555";
    assert.equal(
      await aep("export", "--flow", ids.springFlowId!, "--flow", unknown, "--out", dir),
      1,
    );
    assert.deepEqual(err, [
      `error: No dataflow ${unknown} in sandbox "prod" of org ${ORG} (Flow Service answered 404): aep-flow flows lists the sandbox's dataflows.`,
    ]);
    assert.deepEqual(out, []);
    assert.equal(existsSync(dir), false);
  });

  it("refuses a folder that is not empty, before reading anything; --force writes over its files", async () => {
    const dir = path.join(root, "taken");
    mkdirSync(dir);
    writeFileSync(path.join(dir, "notes.txt"), "mine");
    writeFileSync(path.join(dir, "index.ts"), "// an older export");
    assert.equal(await aep("export", "--out", dir), 1);
    assert.deepEqual(err, [
      `error: ${dir} is not empty: choose another --out, or pass --force to write the project's files over the ones there.`,
    ]);
    assert.deepEqual(requests(), []);
    assert.equal(await aep("export", "--out", dir, "--force"), 0, err.join("\n"));
    assert.deepEqual(readdirSync(dir).sort(), [...FILES, "notes.txt"].sort());
    assert.equal(readFileSync(path.join(dir, "notes.txt"), "utf8"), "mine");
    assert.equal(generated(dir, "index.ts"), EXPECTED_INDEX);
  });

  it("--json prints one document: where, what, the credentials and the outputs", async () => {
    const dir = path.join(root, "json");
    assert.equal(await aep("export", "--out", dir, "--json"), 0, err.join("\n"));
    assert.deepEqual(err, []);
    const document = JSON.parse(out.join("\n"));
    assert.match(document.exportedAt, ISO_TIME);
    assert.deepEqual(
      { ...document, exportedAt: "<exportedAt>", resources: document.resources.length },
      {
        sandboxName: "prod",
        orgId: ORG,
        exportedAt: "<exportedAt>",
        out: dir,
        files: ["Pulumi.yaml", "package.json", "tsconfig.json", "index.ts", "README.md"],
        resources: 11,
        secrets: [
          {
            key: "mailchimpCampaignsAccountPassword",
            resource: "mailchimp-campaigns-account",
            input: "auth.params.password",
          },
        ],
        outputs: ["autumnCampaignFlowId", "springCampaignFlowId", "summerCampaignFlowId"],
        warnings: [],
      },
    );
    assert.deepEqual(document.resources[2], {
      type: "BaseConnection",
      name: "mailchimp-campaigns-account",
      variable: "mailchimpCampaignsAccount",
      id: ids.baseId,
    });
  });

  it("says when the sandbox has no dataflow, and writes nothing", async () => {
    emulator.reset();
    const dir = path.join(root, "empty");
    assert.equal(await aep("export", "--out", dir), 1);
    assert.deepEqual(err, [
      `error: No dataflow in sandbox "prod" of org ${ORG}: nothing to export (aep-flow flows lists the sandbox's dataflows).`,
    ]);
    assert.equal(existsSync(dir), false);
  });

  it("writes into ./aep-export-<sandbox> of the working folder by default", async () => {
    const here = process.cwd();
    process.chdir(root);
    try {
      assert.equal(await aep("export", "--sandbox", "prod"), 0, err.join("\n"));
    } finally {
      process.chdir(here);
    }
    const dir = path.join(root, "aep-export-prod");
    assert.deepEqual(readdirSync(dir).sort(), FILES);
    assert.equal(
      readFileSync(path.join(dir, "Pulumi.yaml"), "utf8").split("\n")[0],
      "name: aep-export-prod",
    );
    assert.ok(out[0]?.endsWith(`into ${dir}: 11 resources, each with adopt set.`), out[0]);
  });
});

/**
 * The sandbox of the tests, made over HTTP: an ExperienceEvent schema with the Campaign Marketing
 * field group, a dataset on it, a mapping set into it, one account, three campaign sources, one
 * Data Lake target, three flows (spring's with the mapping, autumn's disabled).
 */
async function createSandbox(api: Api): Promise<Ids> {
  const schema = await api.createSchema("Campaign email activity", [
    xdmFieldGroupIds.campaignMarketing,
  ]);
  const schemaId = String(schema.$id);
  const dataSet = await api.request("POST", `${CATALOG}/dataSets`, {
    json: dataSetBody("Campaign email activity", schemaId),
  });
  assert.equal(dataSet.status, 201, dataSet.text);
  const dataSetId = String(dataSet.body[0]).replace("@/dataSets/", "");
  const mappingId = await api.createMappingSet(schemaId);
  const base = await api.create(
    "connections",
    basicAuthConnection({ name: "Mailchimp campaigns account", description: undefined }),
  );
  const source = async (season: string) =>
    (
      await api.create("sourceConnections", {
        ...campaignSourceConnection(base.id, `c-${season.toLowerCase()}`),
        name: `${season} campaign`,
      })
    ).id;
  const springSourceId = await source("Spring");
  const summerSourceId = await source("Summer");
  const autumnSourceId = await source("Autumn");
  const target = await api.create("targetConnections", {
    ...dataLakeTarget(dataSetId, schemaId),
    name: "Campaigns to the data lake",
  });
  const flow = async (season: string, sourceId: string, extra: Record<string, unknown> = {}) =>
    (
      await api.create("flows", {
        ...flowBody(sourceId, target.id, everyFifteenMinutes(1893456000)),
        name: `${season} campaign flow`,
        ...extra,
      })
    ).id;
  const springFlowId = await flow("Spring", springSourceId, {
    transformations: [{ name: "Mapping", params: { mappingId, mappingVersion: 0 } }],
  });
  const summerFlowId = await flow("Summer", summerSourceId);
  const autumnFlowId = await flow("Autumn", autumnSourceId);
  const disabled = await api.post(`/flows/${autumnFlowId}/action?op=disable`);
  assert.equal(disabled.status, 200, disabled.text);
  return {
    schemaId,
    dataSetId,
    mappingId,
    baseId: base.id,
    springSourceId,
    summerSourceId,
    autumnSourceId,
    targetId: target.id,
    springFlowId,
    summerFlowId,
    autumnFlowId,
  };
}

/** index.ts, ids and time as placeholders (the schema `$id` is long enough to go on a line of its own). */
const EXPECTED_INDEX = `// Sandbox "prod" of org 0A1B2C3D4E5F60718293A4B5@AdobeOrg, as \`aep-flow export\` read it on
// <exportedAt>: its dataflows and the objects they use. Each resource adopts the
// object its \`adopt\` names instead of creating one (see README.md).
import * as pulumi from "@pulumi/pulumi";
import * as aep from "pulumi-aep-flow";

const config = new pulumi.Config();

const campaignEmailActivity = new aep.XdmSchema("campaign-email-activity", {
  adopt:
    "<schemaId>",
  title: "Campaign email activity",
  description: "Email activity events collected from Mailchimp.",
  classId: "https://ns.adobe.com/xdm/context/experienceevent",
  fieldGroupIds: ["https://ns.adobe.com/xdm/context/experienceevent-marketing"],
  profileEnabled: false,
});

const campaignEmailActivityDataset = new aep.Dataset("campaign-email-activity-dataset", {
  adopt: "<dataSetId>",
  name: "Campaign email activity",
  description: "Email activity from Mailchimp",
  schemaRef: {
    id: campaignEmailActivity.schemaId,
    contentType: "application/vnd.adobe.xed+json;version=1",
  },
  tags: {},
});

const mailchimpCampaignsAccount = new aep.BaseConnection("mailchimp-campaigns-account", {
  adopt: "<baseId>",
  name: "Mailchimp campaigns account",
  connectionSpec: { id: "c8ce8c8c-37fb-4162-9fbf-c2f181e04a7a", version: "1.0" },
  auth: {
    specName: "Basic Authentication",
    params: {
      authorizationTestUrl: "https://login.mailchimp.com/oauth2/metadata",
      username: "mailchimp-user",
      password: config.requireSecret("mailchimpCampaignsAccountPassword"),
    },
  },
});

const autumnCampaign = new aep.SourceConnection("autumn-campaign", {
  adopt: "<autumnSourceId>",
  name: "Autumn campaign",
  description: "MailChimp Campaign source connection",
  baseConnectionId: mailchimpCampaignsAccount.id,
  connectionSpec: { id: "c8ce8c8c-37fb-4162-9fbf-c2f181e04a7a", version: "1.0" },
  data: { format: "json" },
  params: { campaignId: "c-autumn" },
});

const campaignsToTheDataLake = new aep.TargetConnection("campaigns-to-the-data-lake", {
  adopt: "<targetId>",
  name: "Campaigns to the data lake",
  description: "MailChimp Campaign target connection",
  connectionSpec: { id: "c604ff05-7f1a-43c0-8e18-33bf874cb11c", version: "1.0" },
  data: {
    format: "parquet_xdm",
    schema: {
      id: campaignEmailActivity.schemaId,
      version: "application/vnd.adobe.xed-full+json;version=1",
    },
  },
  params: { dataSetId: campaignEmailActivityDataset.id },
});

const autumnCampaignFlow = new aep.Dataflow("autumn-campaign-flow", {
  adopt: "<autumnFlowId>",
  name: "Autumn campaign flow",
  description: "MailChimp Campaign dataflow",
  flowSpec: { id: "6499120c-0b15-42dc-936e-847ea3c24d72", version: "1.0" },
  sourceConnectionIds: [autumnCampaign.id],
  targetConnectionIds: [campaignsToTheDataLake.id],
  transformations: [],
  scheduleParams: { startTime: 1893456000, frequency: "minute", interval: 15 },
  enabled: false,
});

const springCampaignFlowMapping = new aep.MappingSet("spring-campaign-flow-mapping", {
  adopt: "<mappingId>",
  outputSchema: campaignEmailActivity.schemaId,
  mappings: [
    { sourceType: "ATTRIBUTE", source: "email_id", destination: "_id" },
    { sourceType: "ATTRIBUTE", source: "activity[0].timestamp", destination: "timestamp" },
  ],
});

const springCampaign = new aep.SourceConnection("spring-campaign", {
  adopt: "<springSourceId>",
  name: "Spring campaign",
  description: "MailChimp Campaign source connection",
  baseConnectionId: mailchimpCampaignsAccount.id,
  connectionSpec: { id: "c8ce8c8c-37fb-4162-9fbf-c2f181e04a7a", version: "1.0" },
  data: { format: "json" },
  params: { campaignId: "c-spring" },
});

const springCampaignFlow = new aep.Dataflow("spring-campaign-flow", {
  adopt: "<springFlowId>",
  name: "Spring campaign flow",
  description: "MailChimp Campaign dataflow",
  flowSpec: { id: "6499120c-0b15-42dc-936e-847ea3c24d72", version: "1.0" },
  sourceConnectionIds: [springCampaign.id],
  targetConnectionIds: [campaignsToTheDataLake.id],
  transformations: [
    {
      name: "Mapping",
      params: {
        mappingId: springCampaignFlowMapping.id,
        mappingVersion: springCampaignFlowMapping.version,
      },
    },
  ],
  scheduleParams: { startTime: 1893456000, frequency: "minute", interval: 15 },
  enabled: true,
});

const summerCampaign = new aep.SourceConnection("summer-campaign", {
  adopt: "<summerSourceId>",
  name: "Summer campaign",
  description: "MailChimp Campaign source connection",
  baseConnectionId: mailchimpCampaignsAccount.id,
  connectionSpec: { id: "c8ce8c8c-37fb-4162-9fbf-c2f181e04a7a", version: "1.0" },
  data: { format: "json" },
  params: { campaignId: "c-summer" },
});

const summerCampaignFlow = new aep.Dataflow("summer-campaign-flow", {
  adopt: "<summerFlowId>",
  name: "Summer campaign flow",
  description: "MailChimp Campaign dataflow",
  flowSpec: { id: "6499120c-0b15-42dc-936e-847ea3c24d72", version: "1.0" },
  sourceConnectionIds: [summerCampaign.id],
  targetConnectionIds: [campaignsToTheDataLake.id],
  transformations: [],
  scheduleParams: { startTime: 1893456000, frequency: "minute", interval: 15 },
  enabled: true,
});

export const autumnCampaignFlowId = autumnCampaignFlow.id;
export const springCampaignFlowId = springCampaignFlow.id;
export const summerCampaignFlowId = summerCampaignFlow.id;
`;
