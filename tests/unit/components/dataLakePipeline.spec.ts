// The component's wiring under Pulumi's mocks: which children it registers, with which inputs and
// parent. Mocks never run provider methods; those are covered by the resource and e2e suites.
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { DataLakePipeline } from "../../../provider/components/dataLakePipeline";
import {
  baseConnectionInputs,
  dataflowInputs,
  datasetInputs,
  sourceConnectionInputs,
} from "../../fixtures/inputs";

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, any>;
  parent?: string;
}

function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

describe("DataLakePipeline", () => {
  let registered: Registered[];

  beforeEach(async () => {
    registered = [];
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          registered.push({ type: args.type, name: args.name, inputs: args.inputs });
          return { id: `${args.name}-id`, state: args.inputs };
        },
        call: () => ({}),
      },
      "project",
      "stack",
      false,
    );
  });

  function pipelineArgs() {
    const { baseConnectionId: _wired, ...source } = sourceConnectionInputs();
    const { sourceConnectionIds: _s, targetConnectionIds: _t, ...dataflow } = dataflowInputs();
    return { baseConnection: baseConnectionInputs(), source, dataset: datasetInputs(), dataflow };
  }

  it("creates the five children, parented to it, with the ids wired between them", async () => {
    const pipeline = new DataLakePipeline("mc", pipelineArgs());
    assert.equal(await valueOf(pipeline.dataflowId), "mc-flow-id");
    const byName = Object.fromEntries(registered.map((r) => [r.name, r]));
    assert.deepEqual(
      registered
        .map((r) => [r.type, r.name])
        .sort((a, b) => String(a[1]).localeCompare(String(b[1]))),
      [
        ["aep:index:DataLakePipeline", "mc"],
        ["pulumi-nodejs:dynamic/aep:BaseConnection", "mc-base"],
        ["pulumi-nodejs:dynamic/aep:Dataset", "mc-dataset"],
        ["pulumi-nodejs:dynamic/aep:Dataflow", "mc-flow"],
        ["pulumi-nodejs:dynamic/aep:SourceConnection", "mc-source"],
        ["pulumi-nodejs:dynamic/aep:TargetConnection", "mc-target"],
      ],
    );
    assert.equal(byName["mc-source"]?.inputs.baseConnectionId, "mc-base-id");
    assert.deepEqual(byName["mc-target"]?.inputs.params, { dataSetId: "mc-dataset-id" });
    assert.deepEqual(byName["mc-target"]?.inputs.data, {
      format: "parquet_xdm",
      schema: { id: datasetInputs().schemaRef.id },
    });
    assert.equal(byName["mc-target"]?.inputs.name, "Mailchimp campaign dataflow (data lake)");
    assert.deepEqual(byName["mc-flow"]?.inputs.sourceConnectionIds, ["mc-source-id"]);
    assert.deepEqual(byName["mc-flow"]?.inputs.targetConnectionIds, ["mc-target-id"]);
    assert.ok(typeof byName["mc-flow"]?.inputs.__provider === "string");
    // A child's URN carries its parent's type: the engine nests it under the component.
    assert.equal(
      await valueOf(pipeline.dataflow.urn),
      "urn:pulumi:stack::project::aep:index:DataLakePipeline$pulumi-nodejs:dynamic/aep:Dataflow::mc-flow",
    );
  });

  it("uses an existing base connection and dataset by id", async () => {
    const args = {
      ...pipelineArgs(),
      baseConnection: { existingId: "existing-base" },
      dataset: {
        existingId: "5c8c3c555033b814b69f947f",
        schemaId: "https://ns.adobe.com/acme/schemas/x",
      },
    };
    const pipeline = new DataLakePipeline("mc", args);
    assert.equal(await valueOf(pipeline.datasetId), "5c8c3c555033b814b69f947f");
    await valueOf(pipeline.dataflowId);
    assert.deepEqual(registered.map((r) => r.name).sort(), [
      "mc",
      "mc-flow",
      "mc-source",
      "mc-target",
    ]);
    const source = registered.find((r) => r.name === "mc-source");
    assert.equal(source?.inputs.baseConnectionId, "existing-base");
    const target = registered.find((r) => r.name === "mc-target");
    assert.equal(target?.inputs.data.schema.id, "https://ns.adobe.com/acme/schemas/x");
  });

  it("names the missing arguments", () => {
    assert.throws(
      () => new DataLakePipeline("mc", { ...pipelineArgs(), dataset: undefined } as never),
      {
        message: 'DataLakePipeline "mc" needs `baseConnection`, `source`, `dataset` and `dataflow`',
      },
    );
  });
});
