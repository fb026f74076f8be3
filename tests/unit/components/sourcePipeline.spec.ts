// SourcePipeline and the Mailchimp pipelines under Pulumi's mocks: every resource they register,
// with its exact inputs and its parent, and the arguments they refuse before registering anything.
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import {
  CAMPAIGN_MAPPINGS,
  MAILCHIMP_DEFAULT_START_TIME,
  MailchimpCampaignPipeline,
  MailchimpMembersPipeline,
} from "../../../provider/components/mailchimp";
import {
  SourcePipeline,
  type SourcePipelineArgs,
} from "../../../provider/components/sourcePipeline";
import { connectionSpecIds, flowSpecIds } from "../../../provider/resources/specCatalog";
import { xdmClassIds, xdmFieldGroupIds } from "../../../provider/resources/xdmIds";
import {
  baseConnectionInputs,
  dataflowInputs,
  SCHEMA_ID,
  sourceConnectionInputs,
} from "../../fixtures/inputs";
import { recordingParents, secret, useMocks, valueOf, type Registered } from "./mocks";

const TYPE = (name: string) => `pulumi-nodejs:dynamic/aep:${name}`;

/** The `$id` the mocked registry gives a schema, and the first version of a mapping set. */
const serviceOutputs = ({ type, name }: Registered): Record<string, unknown> =>
  type === TYPE("XdmSchema")
    ? { schemaId: `https://ns.adobe.com/mock/schemas/${name}` }
    : type === TYPE("MappingSet")
      ? { version: 0 }
      : {};

function walkthroughArgs(): SourcePipelineArgs {
  const { baseConnectionId: _wired, ...source } = sourceConnectionInputs();
  const { sourceConnectionIds: _s, targetConnectionIds: _t, ...dataflow } = dataflowInputs();
  return {
    baseConnection: baseConnectionInputs(),
    source,
    schema: { title: "Email activity", classId: xdmClassIds.experienceEvent },
    dataset: { name: "Email activity" },
    mapping: { mappings: [{ sourceType: "ATTRIBUTE", source: "email_id", destination: "_id" }] },
    dataflow,
  };
}

describe("SourcePipeline", () => {
  let registered: Registered[];
  beforeEach(async () => {
    registered = await useMocks(serviceOutputs);
  });

  const only = (name: string): Registered => {
    const matches = registered.filter((r) => r.name === name);
    assert.equal(matches.length, 1, `${name} registered ${matches.length} times`);
    return matches[0]!;
  };
  const inputsOf = (name: string): Record<string, unknown> => {
    const { __provider: _text, ...inputs } = only(name).inputs;
    return inputs;
  };

  async function declare(name: string, args: SourcePipelineArgs) {
    const { parents, opts } = recordingParents();
    const pipeline = new SourcePipeline(name, args, opts);
    const outputs = await valueOf(
      pulumi.all([
        pipeline.baseConnectionId,
        pipeline.sourceConnectionId,
        pipeline.schemaId,
        pipeline.dataSetId,
        pipeline.mappingSetId,
        pipeline.targetConnectionId,
        pipeline.dataflowId,
      ]),
    );
    await valueOf(pipeline.urn);
    return { pipeline, parents, outputs };
  }

  it("creates schema, dataset and mapping with the rest, each parented to it and named from it", async () => {
    const args = walkthroughArgs();
    const { pipeline, parents, outputs } = await declare("wt", args);
    const schemaId = "https://ns.adobe.com/mock/schemas/wt-schema";
    assert.deepEqual(
      registered.map((r) => `${r.name} ${r.type}`).sort(),
      [
        "wt aep:index:SourcePipeline",
        `wt-base ${TYPE("BaseConnection")}`,
        `wt-source ${TYPE("SourceConnection")}`,
        `wt-schema ${TYPE("XdmSchema")}`,
        `wt-dataset ${TYPE("Dataset")}`,
        `wt-mapping ${TYPE("MappingSet")}`,
        `wt-target ${TYPE("TargetConnection")}`,
        `wt-flow ${TYPE("Dataflow")}`,
      ].sort(),
    );
    for (const child of ["base", "source", "schema", "dataset", "mapping", "target", "flow"]) {
      assert.equal(parents.get(`wt-${child}`), pipeline, `wt-${child} is parented to it`);
    }
    assert.deepEqual(inputsOf("wt-base"), {
      ...baseConnectionInputs(),
      auth: secret(baseConnectionInputs().auth),
    });
    assert.deepEqual(inputsOf("wt-schema"), args.schema);
    assert.deepEqual(inputsOf("wt-dataset"), {
      name: "Email activity",
      schemaRef: { id: schemaId },
    });
    assert.deepEqual(inputsOf("wt-mapping"), { ...args.mapping, outputSchema: schemaId });
    assert.deepEqual(inputsOf("wt-target"), {
      name: "Mailchimp campaign dataflow (data lake)",
      connectionSpec: { id: connectionSpecIds.dataLake, version: "1.0" },
      data: { format: "parquet_xdm", schema: { id: schemaId } },
      params: { dataSetId: "wt-dataset-id" },
    });
    assert.deepEqual(inputsOf("wt-flow"), {
      ...args.dataflow,
      sourceConnectionIds: ["wt-source-id"],
      targetConnectionIds: ["wt-target-id"],
      transformations: [
        { name: "Mapping", params: { mappingId: "wt-mapping-id", mappingVersion: 0 } },
      ],
    });
    assert.deepEqual(outputs, [
      "wt-base-id",
      "wt-source-id",
      schemaId,
      "wt-dataset-id",
      "wt-mapping-id",
      "wt-target-id",
      "wt-flow-id",
    ]);
    assert.equal(
      await valueOf(pipeline.dataflow.urn),
      `urn:pulumi:stack::project::aep:index:SourcePipeline$${TYPE("Dataflow")}::wt-flow`,
    );
  });

  it("puts the Mapping after the declared transformations (a Copy stays first)", async () => {
    const args = walkthroughArgs();
    const copy = { name: "Copy", params: { deltaColumn: { name: "updatedAt" } } };
    await declare("wt", { ...args, dataflow: { ...args.dataflow, transformations: [copy] } });
    assert.deepEqual(inputsOf("wt-flow").transformations, [
      copy,
      { name: "Mapping", params: { mappingId: "wt-mapping-id", mappingVersion: 0 } },
    ]);
  });

  it("uses an existing base connection and dataset, with no schema and no mapping", async () => {
    const { schema: _schema, mapping: _mapping, ...args } = walkthroughArgs();
    const { outputs } = await declare("wt", {
      ...args,
      baseConnection: { existingId: "existing-base" },
      dataset: { existingId: "existing-dataset", schemaId: SCHEMA_ID },
    });
    assert.deepEqual(registered.map((r) => r.name).sort(), [
      "wt",
      "wt-flow",
      "wt-source",
      "wt-target",
    ]);
    assert.deepEqual(outputs, [
      "existing-base",
      "wt-source-id",
      SCHEMA_ID,
      "existing-dataset",
      undefined,
      "wt-target-id",
      "wt-flow-id",
    ]);
    assert.equal(inputsOf("wt-flow").transformations, undefined);
  });

  it("a new dataset can name an existing schema instead", async () => {
    const { schema: _schema, ...args } = walkthroughArgs();
    await declare("wt", { ...args, dataset: { name: "Activity", schemaRef: { id: SCHEMA_ID } } });
    assert.deepEqual(inputsOf("wt-dataset"), { name: "Activity", schemaRef: { id: SCHEMA_ID } });
    assert.equal(inputsOf("wt-mapping").outputSchema, SCHEMA_ID);
  });

  it("passes each child's adopt to it, and an adopted account may leave auth out", async () => {
    const args = walkthroughArgs();
    const { auth: _auth, ...account } = baseConnectionInputs();
    await declare("wt", {
      baseConnection: { ...account, adopt: "base-id" },
      source: { ...args.source, adopt: "source-id" },
      schema: { ...args.schema!, adopt: "schema-id" },
      dataset: { ...args.dataset, adopt: "dataset-id" },
      mapping: { ...args.mapping!, adopt: "mapping-id" },
      target: { adopt: "target-id" },
      dataflow: { ...args.dataflow, adopt: "flow-id" },
    });
    const adopted = Object.fromEntries(
      ["base", "source", "schema", "dataset", "mapping", "target", "flow"].map((child) => [
        child,
        inputsOf(`wt-${child}`).adopt,
      ]),
    );
    assert.deepEqual(adopted, {
      base: "base-id",
      source: "source-id",
      schema: "schema-id",
      dataset: "dataset-id",
      mapping: "mapping-id",
      target: "target-id",
      flow: "flow-id",
    });
    assert.equal(inputsOf("wt-base").auth, undefined);
  });

  describe("refuses conflicting arguments, naming both, and declares nothing", () => {
    const args = walkthroughArgs();
    const cases: Array<[string, SourcePipelineArgs, string]> = [
      [
        "a new schema for an existing dataset",
        { ...args, dataset: { existingId: "d", schemaId: SCHEMA_ID } },
        "`schema` and `dataset.existingId` conflict: an existing dataset keeps its schema; drop `schema`, or drop `dataset.existingId` to create the dataset",
      ],
      [
        "a new schema and a schemaRef",
        { ...args, dataset: { name: "d", schemaRef: { id: SCHEMA_ID } } },
        "`schema` and `dataset.schemaRef` conflict: the new schema is the dataset's schema; drop one of them",
      ],
      [
        "a new dataset with no schema at all",
        { ...args, schema: undefined },
        "a new dataset needs `schema` (a new XDM schema) or `dataset.schemaRef` (an existing one)",
      ],
      [
        "a mapping and a Mapping transformation",
        {
          ...args,
          dataflow: {
            ...args.dataflow,
            transformations: [{ name: "Mapping", params: { mappingId: "m", mappingVersion: 0 } }],
          },
        },
        "`mapping` and a Mapping in `dataflow.transformations` conflict: the component adds the Mapping of its mapping set; drop one of them",
      ],
      [
        "a Profile dataset on a schema that is not",
        { ...args, dataset: { name: "d", profileEnabled: true } },
        "`dataset.profileEnabled` and `schema.profileEnabled` conflict: a dataset can be enabled for Profile only when its schema is; set `schema.profileEnabled: true`",
      ],
      [
        "an existing base connection with arguments of a new one",
        { ...args, baseConnection: { existingId: "b", name: "x" } as never },
        "`baseConnection.existingId` and `baseConnection.name` conflict: an existing object takes only its id",
      ],
      [
        "an existing base connection to adopt (adopt manages it; existingId only uses it)",
        { ...args, baseConnection: { existingId: "b", adopt: "b" } as never },
        "`baseConnection.existingId` and `baseConnection.adopt` conflict: an existing object takes only its id",
      ],
    ];
    for (const [what, declared, message] of cases) {
      it(what, () => {
        const { parents, opts } = recordingParents();
        assert.throws(() => new SourcePipeline("wt", declared, opts), {
          message: `SourcePipeline "wt": ${message}`,
        });
        assert.deepEqual([...parents.keys()], [], "no resource was constructed");
      });
    }
  });
});

describe("MailchimpCampaignPipeline and MailchimpMembersPipeline", () => {
  let registered: Registered[];
  beforeEach(async () => {
    registered = await useMocks(serviceOutputs);
  });
  const inputsOf = (name: string): Record<string, unknown> => {
    const { __provider: _text, ...inputs } = registered.find((r) => r.name === name)!.inputs;
    return inputs;
  };

  it("declares the whole campaign walk-through from the account and the campaign", async () => {
    const { parents, opts } = recordingParents();
    const pipeline = new MailchimpCampaignPipeline(
      "mc",
      {
        account: { username: "user", password: "key" },
        campaignId: "c66a200cda",
        namePrefix: "Demo",
      },
      opts,
    );
    await valueOf(pipeline.dataflowId);
    await valueOf(pipeline.urn);
    assert.deepEqual(registered.map((r) => r.name).sort(), [
      "mc",
      "mc-base",
      "mc-dataset",
      "mc-flow",
      "mc-mapping",
      "mc-schema",
      "mc-source",
      "mc-target",
    ]);
    assert.equal(
      registered.find((r) => r.name === "mc")?.type,
      "aep:index:MailchimpCampaignPipeline",
    );
    for (const name of registered.map((r) => r.name).filter((n) => n !== "mc")) {
      assert.equal(parents.get(name), pipeline, name);
    }
    const campaign = { id: connectionSpecIds.mailchimpCampaign, version: "1.0" };
    assert.deepEqual(inputsOf("mc-base"), {
      name: "Demo Mailchimp account",
      connectionSpec: campaign,
      auth: secret({
        specName: "Basic Authentication",
        params: { username: "user", password: "key" },
      }),
    });
    assert.deepEqual(inputsOf("mc-source"), {
      name: "Demo Mailchimp campaign email activity",
      connectionSpec: campaign,
      data: { format: "json" },
      params: { campaignId: "c66a200cda" },
      baseConnectionId: "mc-base-id",
    });
    assert.deepEqual(inputsOf("mc-schema"), {
      title: "Demo Mailchimp campaign email activity",
      description: "Mailchimp campaign email activity, ingested by a Flow Service dataflow.",
      classId: xdmClassIds.experienceEvent,
      fieldGroupIds: [xdmFieldGroupIds.campaignMarketing, xdmFieldGroupIds.endUserIds],
      profileEnabled: false,
    });
    assert.deepEqual(inputsOf("mc-mapping").mappings, CAMPAIGN_MAPPINGS);
    assert.deepEqual(inputsOf("mc-flow").scheduleParams, {
      startTime: MAILCHIMP_DEFAULT_START_TIME,
      frequency: "minute",
      interval: 15,
    });
    assert.deepEqual(inputsOf("mc-flow").flowSpec, {
      id: flowSpecIds.restStorageToAep,
      version: "1.0",
    });
  });

  it("the campaign is only in the source connection (so changing it replaces only that and the flow)", async () => {
    const pipeline = new MailchimpCampaignPipeline("mc", {
      account: { existingId: "account" },
      campaignId: "c66a200cda",
    });
    await valueOf(pipeline.dataflowId);
    const mentions = registered
      .filter((r) => JSON.stringify(r.inputs).includes("c66a200cda"))
      .map((r) => r.name);
    assert.deepEqual(mentions, ["mc-source"]);
  });

  it("members: a Profile schema, an OAuth account, and Profile enablement on schema and dataset", async () => {
    const pipeline = new MailchimpMembersPipeline("mm", {
      account: { accessToken: "token" },
      listId: "10c097ca71",
      profileEnabled: true,
    });
    await valueOf(pipeline.dataflowId);
    assert.deepEqual((inputsOf("mm-base").auth as { value: unknown }).value, {
      specName: "OAuth2 Refresh Code",
      params: { accessToken: "token" },
    });
    assert.equal((inputsOf("mm-schema") as { classId: string }).classId, xdmClassIds.profile);
    assert.equal(inputsOf("mm-schema").profileEnabled, true);
    assert.equal(inputsOf("mm-dataset").profileEnabled, true);
    assert.deepEqual(inputsOf("mm-source").params, { listId: "10c097ca71" });
  });

  it("refuses two kinds of account at once", () => {
    assert.throws(
      () =>
        new MailchimpCampaignPipeline("mc", {
          account: { username: "u", password: "p", accessToken: "t" } as never,
          campaignId: "c",
        }),
      {
        message:
          'MailchimpCampaignPipeline "mc": `account.username` and `account.accessToken` conflict: give one kind of account',
      },
    );
  });
});
