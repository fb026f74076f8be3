// The component's wiring under Pulumi's mocks: every resource it registers, with its exact inputs
// and its parent. Mocks never run provider methods; those are covered by the resource and e2e
// suites. Any invoke fails the test: the component has no reason to make one.
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import {
  DataLakePipeline,
  type DataLakePipelineArgs,
} from "../../../provider/components/dataLakePipeline";
import { BaseConnection } from "../../../provider/resources/baseConnection";
import { Dataflow } from "../../../provider/resources/dataflow";
import { Dataset } from "../../../provider/resources/dataset";
import { SourceConnection } from "../../../provider/resources/sourceConnection";
import { connectionSpecIds } from "../../../provider/resources/specCatalog";
import { TargetConnection } from "../../../provider/resources/targetConnection";
import { recordingParents, secret, useMocks, valueOf, type Registered } from "./mocks";
import {
  baseConnectionInputs,
  dataflowInputs,
  datasetInputs,
  SCHEMA_ID,
  sourceConnectionInputs,
  targetConnectionInputs,
} from "../../fixtures/inputs";

const COMPONENT = "aep:index:DataLakePipeline";
/** The children's types, by the suffix of their names (`mc-base`, ...). */
const TYPES = {
  base: "pulumi-nodejs:dynamic/aep:BaseConnection",
  source: "pulumi-nodejs:dynamic/aep:SourceConnection",
  dataset: "pulumi-nodejs:dynamic/aep:Dataset",
  target: "pulumi-nodejs:dynamic/aep:TargetConnection",
  flow: "pulumi-nodejs:dynamic/aep:Dataflow",
} as const;

/** The component's five id outputs. */
function idsOf(pipeline: DataLakePipeline): Promise<string[]> {
  const { baseConnectionId, sourceConnectionId, datasetId, targetConnectionId, dataflowId } =
    pipeline;
  return valueOf(
    pulumi.all([baseConnectionId, sourceConnectionId, datasetId, targetConnectionId, dataflowId]),
  );
}

/** The component, once every resource it declares is registered. */
async function declare(name: string, args: DataLakePipelineArgs) {
  const { parents, opts } = recordingParents();
  const pipeline = new DataLakePipeline(name, args, opts);
  await idsOf(pipeline);
  await valueOf(pipeline.urn);
  return { pipeline, parents };
}

/** What the component declares its Data Lake target connection with, by default. */
function lakeTargetInputs(schemaId: string, dataSetId: string) {
  return {
    name: "Mailchimp campaign dataflow (data lake)",
    connectionSpec: { id: connectionSpecIds.dataLake, version: "1.0" },
    data: { format: "parquet_xdm", schema: { id: schemaId } },
    params: { dataSetId },
  };
}

function pipelineArgs() {
  const { baseConnectionId: _wired, ...source } = sourceConnectionInputs();
  const { sourceConnectionIds: _s, targetConnectionIds: _t, ...dataflow } = dataflowInputs();
  return { baseConnection: baseConnectionInputs(), source, dataset: datasetInputs(), dataflow };
}

describe("DataLakePipeline", () => {
  /** The `__provider` each resource type stores when declared on its own, outside any component. */
  const providers = new Map<string, unknown>();

  before(async () => {
    const registered = await useMocks();
    const alone = [
      new BaseConnection("alone-base", baseConnectionInputs()),
      new SourceConnection("alone-source", sourceConnectionInputs()),
      new Dataset("alone-dataset", datasetInputs()),
      new TargetConnection("alone-target", targetConnectionInputs()),
      new Dataflow("alone-flow", dataflowInputs()),
    ];
    await valueOf(pulumi.all(alone.map((resource) => resource.id)));
    for (const { type, inputs } of registered) providers.set(type, inputs.__provider);
    assert.equal(providers.size, 5);
    for (const text of providers.values()) assert.equal(typeof text, "string");
  });

  let registered: Registered[];
  beforeEach(async () => {
    registered = await useMocks();
  });

  /** Asserts that exactly the component `mc` and these children of it were registered. */
  function assertRegistered(...children: Array<keyof typeof TYPES>): void {
    // Registrations go out as their inputs resolve: compare them as a set.
    assert.deepEqual(
      registered.map((r) => `${r.name} ${r.type}`).sort(),
      [`mc ${COMPONENT}`, ...children.map((child) => `mc-${child} ${TYPES[child]}`)].sort(),
    );
  }

  /** The registration of one resource, by name (fails when there is not exactly one). */
  function only(name: string): Registered {
    const matches = registered.filter((r) => r.name === name);
    assert.equal(matches.length, 1, `${name} registered ${matches.length} times`);
    return matches[0]!;
  }

  /** Asserts a child's type, exact inputs (plus the type's own `__provider`) and parent. */
  function assertChild(
    parents: Map<string, pulumi.Resource | undefined>,
    pipeline: DataLakePipeline,
    name: string,
    type: string,
    inputs: Record<string, unknown>,
  ): void {
    const child = only(name);
    assert.deepEqual(child, {
      type,
      name,
      custom: true,
      inputs: { ...inputs, __provider: providers.get(type) },
    });
    assert.equal(parents.get(name), pipeline, `${name} is parented to the component`);
  }

  it("creates the five children, parented to it, with the ids wired between them", async () => {
    const args = pipelineArgs();
    const { pipeline, parents } = await declare("mc", args);

    assertRegistered("base", "source", "dataset", "target", "flow");
    assert.deepEqual(only("mc"), { type: COMPONENT, name: "mc", custom: false, inputs: {} });
    assert.equal(parents.get("mc"), undefined, "the component itself has no parent given");

    const base = baseConnectionInputs();
    assertChild(parents, pipeline, "mc-base", TYPES.base, { ...base, auth: secret(base.auth) });
    assertChild(parents, pipeline, "mc-source", TYPES.source, {
      ...args.source,
      baseConnectionId: "mc-base-id",
    });
    assertChild(parents, pipeline, "mc-dataset", TYPES.dataset, datasetInputs());
    assertChild(
      parents,
      pipeline,
      "mc-target",
      TYPES.target,
      lakeTargetInputs(SCHEMA_ID, "mc-dataset-id"),
    );
    assertChild(parents, pipeline, "mc-flow", TYPES.flow, {
      ...args.dataflow,
      sourceConnectionIds: ["mc-source-id"],
      targetConnectionIds: ["mc-target-id"],
    });

    // The outputs are the children's ids.
    assert.deepEqual(await idsOf(pipeline), [
      "mc-base-id",
      "mc-source-id",
      "mc-dataset-id",
      "mc-target-id",
      "mc-flow-id",
    ]);
    // A child's URN carries its parent's type: the engine nests it under the component.
    assert.equal(
      await valueOf(pipeline.dataflow.urn),
      `urn:pulumi:stack::project::${COMPONENT}$${TYPES.flow}::mc-flow`,
    );
  });

  it("passes the target's name, description and format", async () => {
    const { pipeline, parents } = await declare("mc", {
      ...pipelineArgs(),
      target: { name: "Campaign lake", description: "Where records land", format: "json" },
    });
    const declared = lakeTargetInputs(SCHEMA_ID, "mc-dataset-id");
    assertChild(parents, pipeline, "mc-target", TYPES.target, {
      ...declared,
      name: "Campaign lake",
      description: "Where records land",
      data: { ...declared.data, format: "json" },
    });
  });

  it("uses an existing base connection by id, and creates no base connection", async () => {
    const args = { ...pipelineArgs(), baseConnection: { existingId: "existing-base" } };
    const { pipeline, parents } = await declare("mc", args);

    assertRegistered("source", "dataset", "target", "flow");
    assert.equal(await valueOf(pipeline.baseConnectionId), "existing-base");
    assertChild(parents, pipeline, "mc-source", TYPES.source, {
      ...args.source,
      baseConnectionId: "existing-base",
    });
  });

  it("uses an existing dataset and its schema by id, and creates no dataset", async () => {
    const existing = {
      existingId: "5c8c3c555033b814b69f947f",
      schemaId: "https://ns.adobe.com/acme/schemas/existing",
    };
    const { pipeline, parents } = await declare("mc", { ...pipelineArgs(), dataset: existing });

    assertRegistered("base", "source", "target", "flow");
    assert.equal(await valueOf(pipeline.datasetId), existing.existingId);
    assertChild(
      parents,
      pipeline,
      "mc-target",
      TYPES.target,
      lakeTargetInputs(existing.schemaId, existing.existingId),
    );
  });

  it("with both existing, registers only the source, the target and the dataflow", async () => {
    const { pipeline, parents } = await declare("mc", {
      ...pipelineArgs(),
      baseConnection: { existingId: "existing-base" },
      dataset: { existingId: "existing-dataset", schemaId: SCHEMA_ID },
    });
    assertRegistered("source", "target", "flow");
    for (const name of ["mc-source", "mc-target", "mc-flow"]) {
      assert.equal(parents.get(name), pipeline, name);
    }
    assert.equal(only("mc-source").inputs.baseConnectionId, "existing-base");
    assert.deepEqual(only("mc-target").inputs.params, { dataSetId: "existing-dataset" });
  });

  it("names the missing arguments, and declares nothing", () => {
    const { parents, opts } = recordingParents();
    assert.throws(
      () => new DataLakePipeline("mc", { ...pipelineArgs(), dataset: undefined } as never, opts),
      {
        message: 'DataLakePipeline "mc": needs `dataset`',
      },
    );
    assert.deepEqual([...parents.keys()], [], "no resource was constructed");
  });
});
