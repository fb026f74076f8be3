// The recovery plan: what aep-flow recover finds for each operation a killed run left pending.
import assert from "node:assert/strict";
import { planRecovery } from "../../../provider/cli/recover/plan";
import { TYPE_PREFIX } from "../../../provider/cli/recover/kinds";
import {
  mappingSetInputs,
  sourceConnectionInputs,
  targetConnectionInputs,
  xdmSchemaInputs,
} from "../../fixtures/inputs";
import { CIPHERTEXT, deployment, fakeAdobe, resource, urnOf } from "./fixtures";

const SOURCE = `${TYPE_PREFIX}SourceConnection`;
const TARGET = `${TYPE_PREFIX}TargetConnection`;
const FLOW = `${TYPE_PREFIX}Dataflow`;
const SCHEMA = `${TYPE_PREFIX}XdmSchema`;
const MAPPING = `${TYPE_PREFIX}MappingSet`;
const STARTED = Date.parse("2026-03-02T10:00:00Z");
const options = { startedAfter: STARTED, chosen: new Map<string, string>() };

const source = sourceConnectionInputs();
const created = (id: string, object: Record<string, unknown> = source) => ({
  id,
  createdAt: STARTED + 500,
  object: { ...object, id },
});
const pendingCreate = (type: string, name: string, inputs: Record<string, unknown>) => ({
  type: "creating",
  resource: resource(type, name, inputs),
});

describe("aep-flow recover: the plan", () => {
  it("finds the one object a pending create made, and says nothing was made for another", async () => {
    const adobe = fakeAdobe({ [SOURCE]: [created("s-1")] });
    const plan = await planRecovery(
      deployment(
        [],
        [
          pendingCreate(SOURCE, "campaign", source),
          pendingCreate(TARGET, "lake", targetConnectionInputs()),
        ],
      ),
      adobe,
      options,
    );
    assert.deepEqual(
      plan.items.map((item) => [
        item.index,
        item.name,
        item.operation,
        item.objectName,
        item.finding,
      ]),
      [
        [
          0,
          "campaign",
          "creating",
          source.name,
          { status: "found", id: "s-1", createdAt: STARTED + 500, chosen: false },
        ],
        [1, "lake", "creating", "Mailchimp data lake target", { status: "not-created" }],
      ],
    );
    assert.deepEqual(adobe.calls, [
      `candidates SourceConnection ${source.name}`,
      "candidates TargetConnection Mailchimp data lake target",
    ]);
  });

  it("lists every fitting object and chooses none", async () => {
    const plan = await planRecovery(
      deployment([], [pendingCreate(SOURCE, "campaign", source)]),
      fakeAdobe({ [SOURCE]: [created("s-1"), created("s-2")] }),
      options,
    );
    assert.deepEqual(plan.items[0]?.finding, { status: "ambiguous", ids: ["s-1", "s-2"] });
  });

  it("skips the object the state already holds (a replacement's old copy)", async () => {
    const old = resource(SOURCE, "campaign", source, { id: "s-old" });
    const plan = await planRecovery(
      deployment([old], [pendingCreate(SOURCE, "campaign", source)]),
      fakeAdobe({ [SOURCE]: [created("s-old"), created("s-new")] }),
      options,
    );
    assert.deepEqual(plan.items[0]?.finding, {
      status: "found",
      id: "s-new",
      createdAt: STARTED + 500,
      chosen: false,
    });
    assert.deepEqual(plan.items[0]?.rejected, [
      { id: "s-old", reason: `already in the state as ${urnOf(SOURCE, "campaign")}` },
    ]);
  });

  it("takes the object --id names, once the provider has read it", async () => {
    const read = { props: { ...source, createdAt: STARTED + 9 }, inputs: source };
    const adobe = fakeAdobe({ [SOURCE]: [created("s-1"), created("s-2")] }, { "s-2": read });
    const plan = await planRecovery(
      deployment([], [pendingCreate(SOURCE, "campaign", source)]),
      adobe,
      {
        ...options,
        chosen: new Map([[urnOf(SOURCE, "campaign"), "s-2"]]),
      },
    );
    assert.deepEqual(plan.items[0]?.finding, {
      status: "found",
      id: "s-2",
      createdAt: STARTED + 9,
      chosen: true,
      read,
    });
    assert.deepEqual(adobe.calls, ["read SourceConnection s-2"]);
  });

  it("refuses an --id that does not exist or that another resource already holds", async () => {
    const holder = resource(SOURCE, "other", source, { id: "s-other" });
    const pending = [
      pendingCreate(SOURCE, "campaign", source),
      pendingCreate(SOURCE, "second", source),
    ];
    const plan = await planRecovery(deployment([holder], pending), fakeAdobe({}), {
      ...options,
      chosen: new Map([
        [urnOf(SOURCE, "campaign"), "s-other"],
        [urnOf(SOURCE, "second"), "s-missing"],
      ]),
    });
    assert.deepEqual(
      plan.items.map((item) => item.finding),
      [
        {
          status: "unreadable",
          reason: `--id s-other is already in the state as ${urnOf(SOURCE, "other")}`,
        },
        { status: "unreadable", reason: "--id s-missing: no SourceConnection has this id" },
      ],
    );
  });

  it("does not let two look-alike creates take the same object", async () => {
    const plan = await planRecovery(
      deployment([], [pendingCreate(SOURCE, "a", source), pendingCreate(SOURCE, "b", source)]),
      fakeAdobe({ [SOURCE]: [created("s-1")] }),
      options,
    );
    assert.deepEqual(
      plan.items.map((item) => item.finding),
      [
        { status: "ambiguous", ids: ["s-1"], sharedWith: [urnOf(SOURCE, "b")] },
        { status: "ambiguous", ids: ["s-1"], sharedWith: [urnOf(SOURCE, "a")] },
      ],
    );
  });

  it("a create whose name (a schema's title) is a secret cannot be looked up", async () => {
    const cases = [
      { type: SOURCE, inputs: { ...source, name: CIPHERTEXT }, input: "name" },
      { type: SCHEMA, inputs: { ...xdmSchemaInputs(), title: CIPHERTEXT }, input: "title" },
    ];
    for (const { type, inputs, input } of cases) {
      const adobe = fakeAdobe({});
      const plan = await planRecovery(
        deployment([], [pendingCreate(type, "campaign", inputs)]),
        adobe,
        options,
      );
      assert.deepEqual(plan.items[0]?.finding, {
        status: "unreadable",
        reason: `its ${input} is a secret (or missing) in the state`,
      });
      assert.deepEqual(adobe.calls, []);
    }
  });

  it("looks a schema up by its title, and a mapping set (which has no name) among every set", async () => {
    const schemaId = "https://ns.adobe.com/acme/schemas/1";
    const adobe = fakeAdobe({
      [SCHEMA]: [created(schemaId, xdmSchemaInputs())],
      [MAPPING]: [
        created("m-held", mappingSetInputs()),
        created("m-other", { ...mappingSetInputs(), mappings: [] }),
        created("m-new", mappingSetInputs()),
      ],
    });
    const held = resource(MAPPING, "older", mappingSetInputs(), { id: "m-held" });
    const plan = await planRecovery(
      deployment(
        [held],
        [
          pendingCreate(SCHEMA, "schema", xdmSchemaInputs()),
          pendingCreate(MAPPING, "mapping", mappingSetInputs()),
        ],
      ),
      adobe,
      options,
    );
    assert.deepEqual(
      plan.items.map((item) => [item.name, item.objectName, item.finding, item.rejected]),
      [
        [
          "schema",
          "Mailchimp email activity",
          { status: "found", id: schemaId, createdAt: STARTED + 500, chosen: false },
          [],
        ],
        [
          "mapping",
          undefined,
          { status: "found", id: "m-new", createdAt: STARTED + 500, chosen: false },
          [
            { id: "m-held", reason: `already in the state as ${urnOf(MAPPING, "older")}` },
            { id: "m-other", reason: "another mappings" },
          ],
        ],
      ],
    );
    assert.deepEqual(adobe.calls, [
      "candidates XdmSchema Mailchimp email activity",
      "candidates MappingSet",
    ]);
  });

  it("takes the --id of a mapping set with its creation time from the provider's read", async () => {
    const read = {
      props: { ...mappingSetInputs(), version: 0, createdDate: STARTED + 3 },
      inputs: {},
    };
    const adobe = fakeAdobe({}, { "m-2": read });
    const plan = await planRecovery(
      deployment([], [pendingCreate(MAPPING, "mapping", mappingSetInputs())]),
      adobe,
      { ...options, chosen: new Map([[urnOf(MAPPING, "mapping"), "m-2"]]) },
    );
    assert.deepEqual(plan.items[0]?.finding, {
      status: "found",
      id: "m-2",
      createdAt: STARTED + 3,
      chosen: true,
      read,
    });
  });

  it("updates and deletes need a refresh and no lookup; other packages' operations are left alone", async () => {
    const flow = resource(FLOW, "flow", { name: "f" }, { id: "f-1" });
    const bucket = {
      type: "creating",
      resource: {
        urn: "urn:pulumi:dev::pipelines::aws:s3/bucket:Bucket::b",
        type: "aws:s3/bucket:Bucket",
      },
    };
    const plan = await planRecovery(
      deployment(
        [flow],
        [{ type: "updating", resource: flow }, bucket, { type: "deleting", resource: flow }],
      ),
      undefined,
      options,
    );
    assert.deepEqual(
      plan.items.map((item) => [item.index, item.operation, item.finding]),
      [
        [0, "updating", { status: "refresh" }],
        [2, "deleting", { status: "refresh" }],
      ],
    );
    assert.deepEqual(plan.others, [
      {
        urn: "urn:pulumi:dev::pipelines::aws:s3/bucket:Bucket::b",
        type: "aws:s3/bucket:Bucket",
        operation: "creating",
      },
    ]);
  });
});
