// `aep-flow export` without HTTP: the names it gives (duplicates, punctuation, unicode, reserved
// words, leading digits, empty names), the reader over a sandbox in memory (each object read once,
// shared objects declared once, references, mapping versions, credentials) and the generator's
// exact files. The same exports are type-checked against the built package in
// exportTypecheck.spec.ts, and run against the emulator in tests/integration/export.spec.ts.
import assert from "node:assert/strict";
import * as prettier from "prettier";
import { CliError } from "../../../provider/cli/errors";
import { generateProject, type GeneratedProject } from "../../../provider/cli/export/generate";
import type { ExportKind, ExportedObject } from "../../../provider/cli/export/model";
import { allocateNames, ConfigKeys, kebabCase } from "../../../provider/cli/export/names";
import { connectionSpecIds } from "../../../provider/resources/specCatalog";
import {
  baseConnection,
  dataflow,
  dataLakeTarget,
  dataset,
  exportOf,
  MAILCHIMP_SPEC,
  PASSWORD,
  quotedNames,
  schema,
  sourceConnection,
  TENANT,
  threeCampaigns,
  trickyNames,
  type MemorySandbox,
} from "./exportFixtures";

/** An object as the name allocation sees it. */
function named(kind: ExportKind, label: string, id = label): ExportedObject {
  return { key: `${kind} ${id}`, kind, id, label, inputs: {}, notes: [] };
}

function file(project: GeneratedProject, path: string): string {
  const found = project.files.find((candidate) => candidate.path === path);
  assert.ok(found, `no ${path} in ${project.files.map((f) => f.path).join(", ")}`);
  return found.content;
}

async function exported(sandbox: MemorySandbox, flowIds: string[] = []) {
  const { model, calls } = await exportOf(sandbox, flowIds);
  return { model, calls, project: generateProject(model, { projectName: "campaigns" }) };
}

/** What prettier, with the repository's settings, makes of a generated file. */
function prettierFormat(text: string): Promise<string> {
  return prettier.format(text, { parser: "typescript", printWidth: 100, trailingComma: "all" });
}

describe("aep-flow export: names", () => {
  it("makes kebab-case resource names of any text, cut at a word boundary", () => {
    const cases: Array<[string, string]> = [
      ["Mailchimp account", "mailchimp-account"],
      ["Spring sale: 50% off!!!", "spring-sale-50-off"],
      ["  --Campaign__flow--  ", "campaign-flow"],
      ["Café Überflow — Straße", "cafe-uberflow-strasse"],
      ["Ærø Łódź ÞING", "aero-lodz-thing"],
      ["データフロー", ""],
      ["📈 KPIs", "kpis"],
      ["", ""],
      [
        "A very long dataflow name that goes on and on past any reasonable width",
        "a-very-long-dataflow-name-that-goes-on-and-on",
      ],
      ["x".repeat(60), "x".repeat(48)],
    ];
    for (const [text, name] of cases) assert.equal(kebabCase(text), name, text);
  });

  it("gives unique names and valid, unreserved variables, in declaration order", () => {
    const objects = [
      named("BaseConnection", "Campaign", "b1"),
      named("SourceConnection", "Campaign", "s1"),
      named("Dataflow", "campaign!", "f1"),
      named("Dataflow", "new", "f2"),
      named("Dataflow", "new", "f3"),
      named("XdmSchema", "class"),
      named("BaseConnection", "config"),
      named("Dataset", "2024 campaign"),
      named("TargetConnection", "", "t1"),
      named("TargetConnection", "データ", "t2"),
      named("MappingSet", "pulumi"),
      // camelCase of `a-1` is `a1`: the second is renamed for its variable's sake.
      named("SourceConnection", "a 1"),
      named("SourceConnection", "a1"),
      // `campaign3Id` is the third campaign flow's stack output.
      named("BaseConnection", "Campaign 3 ID"),
    ];
    const names = allocateNames(objects);
    assert.deepEqual(
      objects.map((object) => names.get(object.key)),
      [
        { name: "campaign", variable: "campaign" },
        { name: "campaign-2", variable: "campaign2" },
        { name: "campaign-3", variable: "campaign3", output: "campaign3Id" },
        { name: "new", variable: "dataflowNew", output: "dataflowNewId" },
        { name: "new-2", variable: "dataflowNew2", output: "dataflowNew2Id" },
        { name: "class", variable: "schemaClass" },
        { name: "config", variable: "baseConnectionConfig" },
        { name: "2024-campaign", variable: "dataset2024Campaign" },
        { name: "target-connection", variable: "targetConnection" },
        { name: "target-connection-2", variable: "targetConnection2" },
        { name: "pulumi", variable: "mappingPulumi" },
        { name: "a-1", variable: "a1" },
        { name: "a1-2", variable: "a12" },
        { name: "campaign-3-id-2", variable: "campaign3Id2" },
      ],
    );
    // The same objects in the same order: the same names.
    assert.deepEqual(allocateNames(objects), names);
  });

  it("makes one config key per credential: the variable and the param", () => {
    const keys = new ConfigKeys();
    assert.deepEqual(
      [
        keys.keyFor("mailchimpAccount", "password"),
        keys.keyFor("mailchimpAccount", "accessToken"),
        keys.keyFor("salesforce", "security_token"),
        keys.keyFor("salesforce", "!!!"),
        keys.keyFor("mailchimp", "accountPassword"),
        keys.keyFor("mailchimpAccount", "password"),
      ],
      [
        "mailchimpAccountPassword",
        "mailchimpAccountAccessToken",
        "salesforceSecurityToken",
        "salesforceSecret",
        "mailchimpAccountPassword2",
        "mailchimpAccountPassword3",
      ],
    );
  });
});

describe("aep-flow export: reading a sandbox and generating the program", () => {
  it("declares an account three flows share once, each object after those it refers to", async () => {
    const { project, calls, model } = await exported(threeCampaigns());
    assert.deepEqual(model.warnings, []);
    // Every object is read once, however many flows use it.
    assert.deepEqual(calls.sort(), [
      "get connections base-1",
      "get sourceConnections source-autumn",
      "get sourceConnections source-spring",
      "get sourceConnections source-summer",
      "get targetConnections target-1",
      "getDataset ds1",
      "getMappingSet map-1",
      `getSchema ${TENANT}/5a1e`,
      `getSpec connectionSpecs ${connectionSpecIds.mailchimpCampaign}`,
      "list flows",
    ]);
    assert.equal(file(project, "index.ts"), THREE_CAMPAIGNS_INDEX);
    assert.deepEqual(project.outputs, ["autumnFlowId", "springFlowId", "summerFlowId"]);
    assert.deepEqual(project.secrets, [
      {
        key: "mailchimpAccountPassword",
        resource: "mailchimp-account",
        input: "auth.params.password",
      },
    ]);
  });

  it("writes the project files and a README with the adoption, the credentials and the commands", async () => {
    const { project } = await exported(threeCampaigns());
    assert.deepEqual(
      project.files.map((f) => f.path),
      ["Pulumi.yaml", "package.json", "tsconfig.json", "index.ts", "README.md"],
    );
    assert.equal(
      file(project, "Pulumi.yaml"),
      'name: campaigns\nruntime: nodejs\ndescription: "Adobe Experience Platform dataflows of sandbox \\"dev\\" of org 0123456789ABCDEF01234567@AdobeOrg, exported by aep-flow export on 2026-03-02T10:00:00.000Z."\n',
    );
    assert.deepEqual(JSON.parse(file(project, "package.json")), {
      name: "campaigns",
      version: "1.0.0",
      private: true,
      description:
        "Adobe Experience Platform objects of sandbox dev, adopted with pulumi-aep-flow.",
      main: "index.ts",
      dependencies: { "@pulumi/pulumi": "^3.276.0", "pulumi-aep-flow": "0.1.0" },
      devDependencies: { "@types/node": "^24.0.0", typescript: "^5.9.0" },
    });
    assert.deepEqual(JSON.parse(file(project, "tsconfig.json")), {
      compilerOptions: {
        strict: true,
        target: "es2022",
        module: "node16",
        moduleResolution: "node16",
        outDir: "bin",
        sourceMap: true,
        skipLibCheck: true,
        forceConsistentCasingInFileNames: true,
      },
      files: ["index.ts"],
    });
    assert.equal(file(project, "README.md"), THREE_CAMPAIGNS_README);
  });

  it("lays index.ts out as prettier does", async () => {
    const quoted = quotedNames();
    for (const sandbox of [threeCampaigns(), trickyNames(), quoted]) {
      const index = file((await exported(sandbox)).project, "index.ts");
      assert.equal(await prettierFormat(index), index);
    }
    const index = file((await exported(quoted)).project, "index.ts");
    assert.ok(index.includes(`  name: 'The "big" summer\\'s flow',\n`), index);
    assert.ok(index.includes(`  name: "Jo's \\\\ account",\n`), index);
  });

  it("names objects after their names, whatever they are, and quotes keys that need it", async () => {
    const { project, model } = await exported(trickyNames());
    assert.deepEqual(
      project.resources.map(({ type, name, variable }) => [type, name, variable]),
      [
        ["XdmSchema", "schema", "schema"],
        ["Dataset", "config", "datasetConfig"],
        ["BaseConnection", "new", "baseConnectionNew"],
        [
          "SourceConnection",
          "a-source-connection-whose-name-goes-on-and-on",
          "aSourceConnectionWhoseNameGoesOnAndOn",
        ],
        ["TargetConnection", "target-connection", "targetConnection"],
        [
          "Dataflow",
          "a-dataflow-whose-name-goes-on-and-on-and-on-and",
          "aDataflowWhoseNameGoesOnAndOnAndOnAnd",
        ],
        ["SourceConnection", "cafe-uberflow-strasse", "cafeUberflowStrasse"],
        ["Dataflow", "class-id", "classId"],
        ["BaseConnection", "base-connection", "baseConnection"],
        ["SourceConnection", "2024-campaign-spring", "sourceConnection2024CampaignSpring"],
        ["Dataflow", "class", "dataflowClass"],
        ["Dataflow", "class-2", "dataflowClass2"],
      ],
    );
    assert.deepEqual(project.outputs, [
      "aDataflowWhoseNameGoesOnAndOnAndOnAndId",
      "classIdId",
      "dataflowClassId",
      "dataflowClass2Id",
    ]);
    const index = file(project, "index.ts");
    // Only the key that needs quotes has them (as prettier prints it).
    assert.ok(
      index.includes(
        'const cafeUberflowStrasse = new aep.SourceConnection("cafe-uberflow-strasse", {\n' +
          '  adopt: "s2",\n' +
          '  name: "Café Überflow — Straße",\n' +
          "  baseConnectionId: baseConnectionNew.id,\n" +
          '  connectionSpec: { id: "0f0f0f0f-unknown-spec", version: "1.0" },\n' +
          '  data: { format: "json" },\n' +
          '  params: { "list-id": "x", campaignId: "c2" },\n' +
          "});\n",
      ),
      index,
    );
    // A first line too long for the arguments to start on it: one argument per line.
    assert.ok(
      index.includes(
        "const aSourceConnectionWhoseNameGoesOnAndOn = new aep.SourceConnection(\n" +
          '  "a-source-connection-whose-name-goes-on-and-on",\n' +
          "  {\n" +
          '    adopt: "s3",\n',
      ),
      index,
    );
    // Empty names are exported as they are; the resources' checks refuse them, which is said.
    assert.deepEqual(model.warnings, [
      'BaseConnection "" (b1) fails BaseConnection\'s checks as it is in Adobe (BaseConnection name must not be empty: name the account as it should appear in Experience Platform): `pulumi preview` refuses it until index.ts is changed',
      'XdmSchema "" (https://ns.adobe.com/acme/schemas/abc) fails XdmSchema\'s checks as it is in Adobe (XdmSchema title must not be empty: name the schema as it should appear in Experience Platform (unique in the sandbox)): `pulumi preview` refuses it until index.ts is changed',
    ]);
    assert.ok(
      file(project, "README.md").includes(
        `## To check before \`pulumi up\`\n\n- ${model.warnings[0]}\n- `,
      ),
    );
  });

  it("exports only the --flow dataflows and what they use; an unknown id fails, naming it", async () => {
    const { project, calls } = await exported(threeCampaigns(), ["flow-summer"]);
    assert.deepEqual(
      project.resources.map((resource) => resource.name),
      [
        "campaign-activity",
        "campaign-activity-2",
        "mailchimp-account",
        "summer-campaign",
        "campaigns-to-the-lake",
        "summer-flow",
      ],
    );
    assert.ok(
      calls.includes("get flows flow-summer") && !calls.includes("list flows"),
      calls.join(),
    );
    await assert.rejects(
      exportOf(threeCampaigns(), ["flow-summer", "flow-missing"]),
      (error: unknown) =>
        error instanceof CliError &&
        error.message ===
          'No dataflow flow-missing in sandbox "dev" of org 0123456789ABCDEF01234567@AdobeOrg (Flow Service answered 404): aep-flow flows lists the sandbox\'s dataflows.',
    );
  });

  it("keeps a flow on an older mapping set version, saying so, and names a version Data Prep lacks", async () => {
    const sandbox = threeCampaigns();
    sandbox.flows = [
      dataflow("flow-spring", "Spring flow", "source-spring", "target-1", {
        transformations: [{ name: "Mapping", params: { mappingId: "map-1", mappingVersion: "0" } }],
      }),
      dataflow("flow-summer", "Summer flow", "source-summer", "target-1", {
        transformations: [{ name: "Mapping", params: { mappingId: "map-1", mappingVersion: 7 } }],
      }),
    ];
    const { project, model, calls } = await exported(sandbox);
    const index = file(project, "index.ts");
    assert.ok(
      index.includes(
        '// Dataflow "Spring flow" (flow-spring) runs version 0 of mapping set map-1, which is now at version 1: mappingVersion stays 0 (the set\'s `version` would move the flow to version 1)\n' +
          'const springFlow = new aep.Dataflow("spring-flow", {\n',
      ),
      index,
    );
    assert.ok(
      index.includes(
        "  transformations: [\n" +
          '    { name: "Mapping", params: { mappingId: springFlowMapping.id, mappingVersion: 0 } },\n' +
          "  ],\n",
      ),
      index,
    );
    assert.ok(index.includes("mappingId: springFlowMapping.id, mappingVersion: 7 }"), index);
    assert.deepEqual(calls.filter((call) => call.startsWith("getMappingSet")).sort(), [
      "getMappingSet map-1",
      "getMappingSet map-1 0",
      "getMappingSet map-1 7",
    ]);
    assert.deepEqual(model.warnings, [
      'Dataflow "Summer flow" (flow-summer) runs version 7 of mapping set map-1, which Data Prep does not have',
    ]);
  });

  it("never writes a credential: masked, marked secret by the spec, or named like one", async () => {
    const sandbox: MemorySandbox = {
      connections: [
        // Unmasked, but the connection spec marks `password` secret.
        baseConnection("base-clear", "Clear account", PASSWORD),
        // The required secret is left out of the answer altogether.
        {
          ...baseConnection("base-bare", "Bare account"),
          auth: { specName: "basic authentication", params: { username: "ops" } },
        },
        // A spec the sandbox does not list: the mask and the param's name tell.
        {
          id: "base-other",
          name: "Other account",
          connectionSpec: { id: "unknown-spec", version: "1.0" },
          auth: {
            specName: "Key",
            params: { host: "db.example.com", apiToken: `${PASSWORD}-2`, pin: "****" },
          },
        },
      ],
      sourceConnections: [
        sourceConnection("s1", "Clear", "base-clear", "c1"),
        sourceConnection("s2", "Bare", "base-bare", "c2"),
        {
          ...sourceConnection("s3", "Other", "base-other", "c3"),
          connectionSpec: { id: "unknown-spec", version: "1.0" },
        },
      ],
      targetConnections: [
        dataLakeTarget("t1", "Lake", "ds1", "https://ns.adobe.com/xdm/context/profile"),
      ],
      flows: [
        dataflow("f1", "Clear", "s1", "t1"),
        dataflow("f2", "Bare", "s2", "t1"),
        dataflow("f3", "Other", "s3", "t1"),
      ],
      dataSets: { ds1: dataset("Lake", "https://ns.adobe.com/xdm/context/profile") },
      connectionSpecs: [MAILCHIMP_SPEC],
    };
    const { project, model } = await exported(sandbox);
    for (const { path, content } of project.files) {
      assert.ok(!content.includes(PASSWORD), `${path} holds the password:\n${content}`);
    }
    assert.deepEqual(project.secrets, [
      { key: "bareAccountPassword", resource: "bare-account", input: "auth.params.password" },
      { key: "clearAccountPassword", resource: "clear-account", input: "auth.params.password" },
      { key: "otherAccountApiToken", resource: "other-account", input: "auth.params.apiToken" },
      { key: "otherAccountPin", resource: "other-account", input: "auth.params.pin" },
    ]);
    const index = file(project, "index.ts");
    assert.ok(
      index.includes(
        '    specName: "basic authentication",\n' +
          '    params: { username: "ops", password: config.requireSecret("bareAccountPassword") },\n',
      ),
      index,
    );
    assert.ok(
      index.includes(
        "    params: {\n" +
          '      host: "db.example.com",\n' +
          '      apiToken: config.requireSecret("otherAccountApiToken"),\n' +
          '      pin: config.requireSecret("otherAccountPin"),\n' +
          "    },\n",
      ),
      index,
    );
    const readme = file(project, "README.md");
    for (const secret of project.secrets) {
      assert.ok(
        readme.includes(
          `pulumi config set --secret ${secret.key} <value>   # ${secret.input} of ${secret.resource}\n`,
        ),
        readme,
      );
    }
    // A standard schema is no tenant schema to declare: the id stays as it is, silently.
    assert.ok(!project.resources.some((resource) => resource.type === "XdmSchema"));
    assert.ok(
      index.includes(
        '  schemaRef: {\n    id: "https://ns.adobe.com/xdm/context/profile",\n    contentType:',
      ),
      index,
    );
    assert.deepEqual(model.warnings, [
      "Connection spec unknown-spec does not exist: only masked auth params and credential names were taken for credentials",
    ]);
  });

  it("keeps the id of an object that is gone, leaves out members a resource does not declare, and says both", async () => {
    const sandbox: MemorySandbox = {
      connections: [baseConnection("base-1", "Account")],
      sourceConnections: [sourceConnection("s1", "Source", "base-1", "c1")],
      flows: [
        dataflow("f1", "Flow", "s1", "target-gone", {
          scheduleParams: {
            startTime: "1767225600",
            frequency: "hour",
            interval: "1",
            deferred: "x",
          },
        }),
      ],
      connectionSpecs: [MAILCHIMP_SPEC],
    };
    const { project, model } = await exported(sandbox);
    const index = file(project, "index.ts");
    assert.ok(index.includes('  targetConnectionIds: ["target-gone"],\n'), index);
    assert.ok(
      index.includes(
        '  scheduleParams: { startTime: 1767225600, frequency: "hour", interval: 1 },\n',
      ),
      index,
    );
    assert.deepEqual(model.warnings, [
      'Dataflow "Flow" (f1) has scheduleParams.deferred, which Dataflow does not declare: left out of the program',
      'Dataflow "Flow" (f1) names TargetConnection target-gone, which does not exist: the program keeps the id as it is',
    ]);
  });

  it("reads a dataset's Profile tags as profileEnabled, and a schema's union tag too", async () => {
    const sandbox = threeCampaigns();
    const schemaId = `${TENANT}/5a1e`;
    sandbox.schemas = [{ ...schema("5a1e", "Campaign activity"), "meta:immutableTags": ["union"] }];
    sandbox.dataSets = {
      ds1: {
        ...dataset("Campaign activity", schemaId),
        tags: {
          unifiedProfile: ["enabled:true"],
          unifiedIdentity: ["enabled:true"],
          team: ["growth"],
        },
      },
    };
    const index = file((await exported(sandbox, ["flow-summer"])).project, "index.ts");
    assert.ok(index.includes("  fieldGroupIds: [],\n  profileEnabled: true,\n});"), index);
    assert.ok(index.includes('  tags: { team: ["growth"] },\n  profileEnabled: true,\n});'), index);
  });
});

const THREE_CAMPAIGNS_INDEX = `// Sandbox "dev" of org 0123456789ABCDEF01234567@AdobeOrg, as \`aep-flow export\` read it on
// 2026-03-02T10:00:00.000Z: its dataflows and the objects they use. Each resource adopts the
// object its \`adopt\` names instead of creating one (see README.md).
import * as pulumi from "@pulumi/pulumi";
import * as aep from "pulumi-aep-flow";

const config = new pulumi.Config();

const campaignActivity = new aep.XdmSchema("campaign-activity", {
  adopt: "https://ns.adobe.com/acme/schemas/5a1e",
  title: "Campaign activity",
  classId: "https://ns.adobe.com/xdm/context/experienceevent",
  fieldGroupIds: ["https://ns.adobe.com/xdm/context/experienceevent-campaign-marketing"],
  profileEnabled: false,
});

const campaignActivity2 = new aep.Dataset("campaign-activity-2", {
  adopt: "ds1",
  name: "Campaign activity",
  schemaRef: {
    id: campaignActivity.schemaId,
    contentType: "application/vnd.adobe.xed+json;version=1",
  },
  tags: {},
});

const mailchimpAccount = new aep.BaseConnection("mailchimp-account", {
  adopt: "base-1",
  name: "Mailchimp account",
  connectionSpec: { id: "c8ce8c8c-37fb-4162-9fbf-c2f181e04a7a", version: "1.0" },
  auth: {
    specName: "Basic Authentication",
    params: { username: "marketing", password: config.requireSecret("mailchimpAccountPassword") },
  },
});

const autumnCampaign = new aep.SourceConnection("autumn-campaign", {
  adopt: "source-autumn",
  name: "Autumn campaign",
  baseConnectionId: mailchimpAccount.id,
  connectionSpec: { id: "c8ce8c8c-37fb-4162-9fbf-c2f181e04a7a", version: "1.0" },
  data: { format: "json" },
  params: { campaignId: "c-autumn" },
});

const campaignsToTheLake = new aep.TargetConnection("campaigns-to-the-lake", {
  adopt: "target-1",
  name: "Campaigns to the lake",
  connectionSpec: { id: "c604ff05-7f1a-43c0-8e18-33bf874cb11c", version: "1.0" },
  data: {
    format: "parquet_xdm",
    schema: {
      id: campaignActivity.schemaId,
      version: "application/vnd.adobe.xed-full+json;version=1",
    },
  },
  params: { dataSetId: campaignActivity2.id },
});

const autumnFlow = new aep.Dataflow("autumn-flow", {
  adopt: "flow-autumn",
  name: "Autumn flow",
  flowSpec: { id: "6499120c-0b15-42dc-936e-847ea3c24d72", version: "1.0" },
  sourceConnectionIds: [autumnCampaign.id],
  targetConnectionIds: [campaignsToTheLake.id],
  scheduleParams: { startTime: 1767225600, frequency: "minute", interval: 15 },
  enabled: false,
});

const springFlowMapping = new aep.MappingSet("spring-flow-mapping", {
  adopt: "map-1",
  outputSchema: campaignActivity.schemaId,
  mappings: [
    { sourceType: "ATTRIBUTE", source: "field_0", destination: "_id" },
    { sourceType: "ATTRIBUTE", source: "field_1", destination: "timestamp" },
  ],
});

const springCampaign = new aep.SourceConnection("spring-campaign", {
  adopt: "source-spring",
  name: "Spring campaign",
  baseConnectionId: mailchimpAccount.id,
  connectionSpec: { id: "c8ce8c8c-37fb-4162-9fbf-c2f181e04a7a", version: "1.0" },
  data: { format: "json" },
  params: { campaignId: "c-spring" },
});

const springFlow = new aep.Dataflow("spring-flow", {
  adopt: "flow-spring",
  name: "Spring flow",
  flowSpec: { id: "6499120c-0b15-42dc-936e-847ea3c24d72", version: "1.0" },
  sourceConnectionIds: [springCampaign.id],
  targetConnectionIds: [campaignsToTheLake.id],
  transformations: [
    {
      name: "Mapping",
      params: { mappingId: springFlowMapping.id, mappingVersion: springFlowMapping.version },
    },
  ],
  scheduleParams: { startTime: 1767225600, frequency: "minute", interval: 15 },
  enabled: true,
});

const summerCampaign = new aep.SourceConnection("summer-campaign", {
  adopt: "source-summer",
  name: "Summer campaign",
  baseConnectionId: mailchimpAccount.id,
  connectionSpec: { id: "c8ce8c8c-37fb-4162-9fbf-c2f181e04a7a", version: "1.0" },
  data: { format: "json" },
  params: { campaignId: "c-summer" },
});

const summerFlow = new aep.Dataflow("summer-flow", {
  adopt: "flow-summer",
  name: "Summer flow",
  flowSpec: { id: "6499120c-0b15-42dc-936e-847ea3c24d72", version: "1.0" },
  sourceConnectionIds: [summerCampaign.id],
  targetConnectionIds: [campaignsToTheLake.id],
  scheduleParams: { startTime: 1767225600, frequency: "minute", interval: 15 },
  enabled: true,
});

export const autumnFlowId = autumnFlow.id;
export const springFlowId = springFlow.id;
export const summerFlowId = summerFlow.id;
`;

const THREE_CAMPAIGNS_README = `# campaigns

3 dataflows of sandbox "dev" of org 0123456789ABCDEF01234567@AdobeOrg and every object they use (11 resources), as \`aep-flow export\` (pulumi-aep-flow 0.1.0) read them on 2026-03-02T10:00:00.000Z. \`index.ts\` declares each one with the package's resources, the references between them as program references, and a stack output per dataflow id (\`autumnFlowId\`, \`springFlowId\`, \`summerFlowId\`).

| resource | type | adopts |
| --- | --- | --- |
| \`campaign-activity\` | XdmSchema | \`https://ns.adobe.com/acme/schemas/5a1e\` |
| \`campaign-activity-2\` | Dataset | \`ds1\` |
| \`mailchimp-account\` | BaseConnection | \`base-1\` |
| \`autumn-campaign\` | SourceConnection | \`source-autumn\` |
| \`campaigns-to-the-lake\` | TargetConnection | \`target-1\` |
| \`autumn-flow\` | Dataflow | \`flow-autumn\` |
| \`spring-flow-mapping\` | MappingSet | \`map-1\` |
| \`spring-campaign\` | SourceConnection | \`source-spring\` |
| \`spring-flow\` | Dataflow | \`flow-spring\` |
| \`summer-campaign\` | SourceConnection | \`source-summer\` |
| \`summer-flow\` | Dataflow | \`flow-summer\` |

## Adoption

Each resource names its object with \`adopt\`: on the first \`pulumi up\` the provider reads that object instead of creating one, refuses (changing nothing) when a value that would force a replacement differs from the program, and brings the other declared values to the program's with one update. From then on it is managed like any other resource, and \`pulumi destroy\` deletes it; a later change of \`adopt\` itself is not a diff.

To let Pulumi stop managing an object without deleting it from Adobe Experience Platform, give its resource the \`retainOnDelete\` option before removing it or destroying the stack:

\`\`\`ts
new aep.Dataflow("autumn-flow", { /* as in index.ts */ }, { retainOnDelete: true });
\`\`\`

## Credentials

Flow Service masks credentials when it is read, so the export wrote none: the program reads each from the stack config as a secret (\`config.requireSecret\`). Set every one before the first \`pulumi up\`, which writes them to their accounts (masked, the live ones cannot be compared with them).

\`\`\`sh
pulumi config set --secret mailchimpAccountPassword <value>   # auth.params.password of mailchimp-account
\`\`\`

## Run

The provider's settings are the \`aep:*\` stack config (or the \`AEP_*\` environment variables); \`pulumi preview\` shows every resource as a create, and \`pulumi up\` adopts them.

\`\`\`sh
npm install
pulumi stack init dev
pulumi config set aep:orgId 0123456789ABCDEF01234567@AdobeOrg
pulumi config set aep:sandboxName dev
pulumi config set aep:clientId <client id>
pulumi config set --secret aep:clientSecret <client secret>
# and the credentials above
pulumi preview
pulumi up
pulumi preview   # no changes: the program and the sandbox agree
\`\`\`
`;
