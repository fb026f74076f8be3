/**
 * `aep:index:DataLakePipeline`: a whole source-to-data-lake pipeline in one component, the shape of
 * Adobe's sources tutorials (base connection, source connection, dataset, Data Lake target
 * connection, scheduled dataflow), with the ids wired and every child parented to the component.
 */
import * as pulumi from "@pulumi/pulumi";
import { BaseConnection, type BaseConnectionArgs } from "../resources/baseConnection";
import { Dataflow, type DataflowArgs } from "../resources/dataflow";
import { Dataset, type DatasetArgs } from "../resources/dataset";
import { SourceConnection, type SourceConnectionArgs } from "../resources/sourceConnection";
import { TargetConnection, type TargetConnectionArgs } from "../resources/targetConnection";
import { connectionSpecIds } from "../resources/specCatalog";

/** An object that already exists, by id, instead of one the component creates. */
export interface ExistingObject {
  existingId: pulumi.Input<string>;
}

export interface DataLakePipelineArgs {
  /** The account to read from: the arguments of a new BaseConnection, or an existing one's id. */
  baseConnection: BaseConnectionArgs | ExistingObject;
  /** What to read; the base connection's id is filled in. */
  source: Omit<SourceConnectionArgs, "baseConnectionId">;
  /**
   * The dataset records land in: the arguments of a new Dataset, or an existing one's id together
   * with the `$id` of its XDM schema.
   */
  dataset: DatasetArgs | (ExistingObject & { schemaId: pulumi.Input<string> });
  /** The Data Lake target connection; the dataset id and schema are filled in. */
  target?: Partial<Pick<TargetConnectionArgs, "name" | "description">> & {
    /** @default "parquet_xdm" */
    format?: pulumi.Input<string>;
  };
  /** The dataflow; the source and target connection ids are filled in. */
  dataflow: Omit<DataflowArgs, "sourceConnectionIds" | "targetConnectionIds">;
}

function isExisting(value: object): value is ExistingObject {
  return "existingId" in value;
}

/**
 * A Flow Service pipeline from one source to the Experience Platform data lake.
 *
 * Children are named `<name>-base`, `<name>-source`, `<name>-dataset`, `<name>-target` and
 * `<name>-flow`. Changing the source's `params` replaces the source connection and, through its
 * new id, the dataflow; see the README's replace-or-update table.
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
    if (!args.baseConnection || !args.source || !args.dataset || !args.dataflow) {
      throw new Error(
        `DataLakePipeline "${name}" needs \`baseConnection\`, \`source\`, \`dataset\` and \`dataflow\``,
      );
    }
    super("aep:index:DataLakePipeline", name, {}, opts);
    const parent = { parent: this };

    this.baseConnectionId = isExisting(args.baseConnection)
      ? pulumi.output(args.baseConnection.existingId)
      : new BaseConnection(`${name}-base`, args.baseConnection, parent).id;

    const source = new SourceConnection(
      `${name}-source`,
      { ...args.source, baseConnectionId: this.baseConnectionId },
      parent,
    );
    this.sourceConnectionId = source.id;

    let schemaId: pulumi.Input<string>;
    if (isExisting(args.dataset)) {
      this.datasetId = pulumi.output(args.dataset.existingId);
      schemaId = args.dataset.schemaId;
    } else {
      const dataset = new Dataset(`${name}-dataset`, args.dataset, parent);
      this.datasetId = dataset.id;
      schemaId = dataset.schemaRef.id;
    }

    const target = new TargetConnection(
      `${name}-target`,
      {
        name: args.target?.name ?? pulumi.interpolate`${args.dataflow.name} (data lake)`,
        description: args.target?.description,
        connectionSpec: { id: connectionSpecIds.dataLake, version: "1.0" },
        data: { format: args.target?.format ?? "parquet_xdm", schema: { id: schemaId } },
        params: { dataSetId: this.datasetId },
      },
      parent,
    );
    this.targetConnectionId = target.id;

    this.dataflow = new Dataflow(
      `${name}-flow`,
      {
        ...args.dataflow,
        sourceConnectionIds: [source.id],
        targetConnectionIds: [target.id],
      },
      parent,
    );
    this.dataflowId = this.dataflow.id;

    this.registerOutputs({
      baseConnectionId: this.baseConnectionId,
      sourceConnectionId: this.sourceConnectionId,
      datasetId: this.datasetId,
      targetConnectionId: this.targetConnectionId,
      dataflowId: this.dataflowId,
    });
  }
}
