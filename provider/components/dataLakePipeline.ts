/**
 * `aep:index:DataLakePipeline`: the pipeline of Adobe's sources tutorials (base connection, source
 * connection, dataset, Data Lake target connection, scheduled dataflow) with a dataset that names
 * its schema. It declares the same children as SourcePipeline (`declarePipeline`) under its own
 * type and names, so stacks deployed with it keep their resources.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Dataflow } from "../resources/dataflow";
import type { DatasetArgs } from "../resources/dataset";
import {
  checkPipelineArgs,
  declarePipeline,
  type ExistingDataset,
  type SourcePipelineArgs,
} from "./sourcePipeline";

export type { ExistingObject } from "./sourcePipeline";

export interface DataLakePipelineArgs extends Omit<
  SourcePipelineArgs,
  "schema" | "dataset" | "mapping"
> {
  /**
   * The dataset records land in: the arguments of a new Dataset, or an existing one's id together
   * with the `$id` of its XDM schema.
   */
  dataset: DatasetArgs | ExistingDataset;
}

/**
 * A Flow Service pipeline from one source to the Experience Platform data lake.
 *
 * Children are named `<name>-base`, `<name>-source`, `<name>-dataset`, `<name>-target` and
 * `<name>-flow`. Changing the source's `params` replaces the source connection and, through its
 * new id, the dataflow; see the README's replace-or-update table. `SourcePipeline` adds a new
 * XDM schema and a mapping set.
 */
export class DataLakePipeline extends pulumi.ComponentResource {
  readonly baseConnectionId: pulumi.Output<string>;
  readonly sourceConnectionId: pulumi.Output<string>;
  readonly datasetId: pulumi.Output<string>;
  readonly targetConnectionId: pulumi.Output<string>;
  readonly dataflowId: pulumi.Output<string>;
  /** The dataflow resource, for its state, etag and runs outputs. */
  readonly dataflow: Dataflow;

  constructor(name: string, args: DataLakePipelineArgs, opts?: pulumi.ComponentResourceOptions) {
    // Checked before `super`, which registers the component: a call that throws registers nothing.
    checkPipelineArgs("DataLakePipeline", name, args);
    super("aep:index:DataLakePipeline", name, {}, opts);
    const outputs = declarePipeline(this, name, args);
    this.baseConnectionId = outputs.baseConnectionId;
    this.sourceConnectionId = outputs.sourceConnectionId;
    this.datasetId = outputs.dataSetId;
    this.targetConnectionId = outputs.targetConnectionId;
    this.dataflowId = outputs.dataflowId;
    this.dataflow = outputs.dataflow;
    this.registerOutputs({
      baseConnectionId: this.baseConnectionId,
      sourceConnectionId: this.sourceConnectionId,
      datasetId: this.datasetId,
      targetConnectionId: this.targetConnectionId,
      dataflowId: this.dataflowId,
    });
  }
}
