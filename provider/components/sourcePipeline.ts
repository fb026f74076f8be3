/**
 * `aep:index:SourcePipeline`: Adobe's sources walk-through for any Flow Service source, in one
 * component: a base connection (new, or an existing one's id), a source connection, the target
 * dataset (existing, or new with a new XDM schema or an existing one), an optional Data Prep
 * mapping set, the Data Lake target connection and the dataflow, ids wired, every child parented
 * to the component and named from its name (`<name>-schema`, `<name>-flow`...), as pulumi-awsx
 * components name theirs.
 */
import * as pulumi from "@pulumi/pulumi";
import { BaseConnection, type BaseConnectionArgs } from "../resources/baseConnection";
import { Dataflow, type DataflowArgs } from "../resources/dataflow";
import { Dataset, type DatasetArgs } from "../resources/dataset";
import { MappingSet, type MappingSetArgs } from "../resources/mappingSet";
import { SourceConnection, type SourceConnectionArgs } from "../resources/sourceConnection";
import { connectionSpecIds } from "../resources/specCatalog";
import { TargetConnection, type TargetConnectionArgs } from "../resources/targetConnection";
import { XdmSchema, type XdmSchemaArgs } from "../resources/xdmSchema";

/** An object that already exists, by id, instead of one the component creates. */
export interface ExistingObject {
  existingId: pulumi.Input<string>;
}

/** A dataset that already exists, with the `$id` of the XDM schema it follows. */
export interface ExistingDataset extends ExistingObject {
  schemaId: pulumi.Input<string>;
}

/** A new dataset: its schema is the component's new `schema`, or `schemaRef` when there is none. */
export type NewDatasetArgs = Omit<DatasetArgs, "schemaRef"> & {
  schemaRef?: DatasetArgs["schemaRef"];
};

/** The Data Lake target connection; the dataset id and schema are filled in. */
export type DataLakeTargetArgs = Partial<
  Pick<TargetConnectionArgs, "name" | "description" | "adopt">
> & {
  /** @default "parquet_xdm" */
  format?: pulumi.Input<string>;
};

export interface SourcePipelineArgs {
  /** The account to read from: the arguments of a new BaseConnection, or an existing one's id. */
  baseConnection: BaseConnectionArgs | ExistingObject;
  /** What to read; the base connection's id is filled in. */
  source: Omit<SourceConnectionArgs, "baseConnectionId">;
  /** A new XDM schema for a new dataset. Leave it out to name an existing schema in `dataset.schemaRef`. */
  schema?: XdmSchemaArgs;
  /** The dataset records land in: a new one, or an existing one with its schema's `$id`. */
  dataset: NewDatasetArgs | ExistingDataset;
  /** A Data Prep mapping into the dataset's schema; the dataflow gets its Mapping transformation. */
  mapping?: Omit<MappingSetArgs, "outputSchema">;
  target?: DataLakeTargetArgs;
  /** The dataflow; the connection ids (and the Mapping, with `mapping`) are filled in. */
  dataflow: Omit<DataflowArgs, "sourceConnectionIds" | "targetConnectionIds">;
}

/** What a pipeline made or was given, by id. */
export interface PipelineOutputs {
  baseConnectionId: pulumi.Output<string>;
  sourceConnectionId: pulumi.Output<string>;
  targetConnectionId: pulumi.Output<string>;
  dataflowId: pulumi.Output<string>;
  dataSetId: pulumi.Output<string>;
  schemaId: pulumi.Output<string>;
  /** Undefined without `mapping`. */
  mappingSetId: pulumi.Output<string | undefined>;
  dataflow: Dataflow;
}

export function isExisting(value: object): value is ExistingObject {
  return "existingId" in value;
}

function isExistingDataset(value: NewDatasetArgs | ExistingDataset): value is ExistingDataset {
  return isExisting(value);
}

/**
 * Refuses arguments that cannot go together, naming both, before anything is registered. Only
 * plain values are compared; an Output is checked by the resource it reaches.
 */
export function checkPipelineArgs(component: string, name: string, args: SourcePipelineArgs): void {
  const fail = (message: string): never => {
    throw new Error(`${component} "${name}": ${message}`);
  };
  const missing = (["baseConnection", "source", "dataset", "dataflow"] as const).filter(
    (key) => !args[key],
  );
  if (missing.length > 0) fail(`needs ${missing.map((key) => `\`${key}\``).join(", ")}`);
  for (const [key, value] of [
    ["baseConnection", args.baseConnection],
    ["dataset", args.dataset],
  ] as const) {
    const extra = Object.keys(value).filter(
      (member) => !["existingId", "schemaId"].includes(member),
    );
    if (isExisting(value) && extra.length > 0) {
      fail(
        `\`${key}.existingId\` and \`${key}.${extra[0]}\` conflict: an existing object takes only its id` +
          (key === "dataset" ? " (and its schemaId)" : ""),
      );
    }
  }
  const dataset = args.dataset;
  if (isExisting(dataset)) {
    if (args.schema) {
      fail(
        "`schema` and `dataset.existingId` conflict: an existing dataset keeps its schema; drop `schema`, or drop `dataset.existingId` to create the dataset",
      );
    }
  } else if (args.schema && dataset.schemaRef) {
    fail(
      "`schema` and `dataset.schemaRef` conflict: the new schema is the dataset's schema; drop one of them",
    );
  } else if (!args.schema && !dataset.schemaRef) {
    fail(
      "a new dataset needs `schema` (a new XDM schema) or `dataset.schemaRef` (an existing one)",
    );
  }
  if (
    !isExisting(dataset) &&
    dataset.profileEnabled === true &&
    args.schema &&
    args.schema.profileEnabled !== true
  ) {
    fail(
      "`dataset.profileEnabled` and `schema.profileEnabled` conflict: a dataset can be enabled for Profile only when its schema is; set `schema.profileEnabled: true`",
    );
  }
  const transformations = args.dataflow.transformations;
  if (
    args.mapping &&
    Array.isArray(transformations) &&
    transformations.some(
      (transformation) =>
        !pulumi.Output.isInstance(transformation) &&
        (transformation as { name?: unknown }).name === "Mapping",
    )
  ) {
    fail(
      "`mapping` and a Mapping in `dataflow.transformations` conflict: the component adds the Mapping of its mapping set; drop one of them",
    );
  }
}

/** Declares the children of a pipeline component under `parent`; their names start with `name`. */
export function declarePipeline(
  parent: pulumi.ComponentResource,
  name: string,
  args: SourcePipelineArgs,
): PipelineOutputs {
  const opts = { parent };

  const baseConnectionId = isExisting(args.baseConnection)
    ? pulumi.output(args.baseConnection.existingId)
    : new BaseConnection(`${name}-base`, args.baseConnection, opts).id;

  const source = new SourceConnection(`${name}-source`, { ...args.source, baseConnectionId }, opts);

  let schemaId: pulumi.Output<string>;
  let dataSetId: pulumi.Output<string>;
  if (isExistingDataset(args.dataset)) {
    schemaId = pulumi.output(args.dataset.schemaId);
    dataSetId = pulumi.output(args.dataset.existingId);
  } else {
    const { schemaRef, ...datasetArgs } = args.dataset;
    const schema = args.schema ? new XdmSchema(`${name}-schema`, args.schema, opts) : undefined;
    const dataset = new Dataset(
      `${name}-dataset`,
      { ...datasetArgs, schemaRef: schema ? { id: schema.schemaId } : schemaRef! },
      opts,
    );
    schemaId = schema ? schema.schemaId : dataset.schemaRef.id;
    dataSetId = dataset.id;
  }

  const mappingSet = args.mapping
    ? new MappingSet(`${name}-mapping`, { ...args.mapping, outputSchema: schemaId }, opts)
    : undefined;

  const target = new TargetConnection(
    `${name}-target`,
    {
      name: args.target?.name ?? pulumi.interpolate`${args.dataflow.name} (data lake)`,
      description: args.target?.description,
      adopt: args.target?.adopt,
      connectionSpec: { id: connectionSpecIds.dataLake, version: "1.0" },
      data: { format: args.target?.format ?? "parquet_xdm", schema: { id: schemaId } },
      params: { dataSetId },
    },
    opts,
  );

  const dataflow = new Dataflow(
    `${name}-flow`,
    {
      ...args.dataflow,
      sourceConnectionIds: [source.id],
      targetConnectionIds: [target.id],
      ...(mappingSet
        ? { transformations: withMapping(args.dataflow.transformations, mappingSet) }
        : {}),
    },
    opts,
  );

  return {
    baseConnectionId,
    sourceConnectionId: source.id,
    targetConnectionId: target.id,
    dataflowId: dataflow.id,
    dataSetId,
    schemaId,
    mappingSetId: mappingSet ? mappingSet.id : pulumi.output(undefined),
    dataflow,
  };
}

/** The declared transformations, then the Mapping of `mappingSet` (Copy first, as Adobe's samples order them). */
function withMapping(
  declared: DataflowArgs["transformations"],
  mappingSet: MappingSet,
): DataflowArgs["transformations"] {
  return pulumi
    .all([pulumi.output(declared ?? []), mappingSet.id, mappingSet.version])
    .apply(([transformations, mappingId, mappingVersion]) => [
      ...(transformations as object[]),
      { name: "Mapping", params: { mappingId, mappingVersion } },
    ]) as DataflowArgs["transformations"];
}

/**
 * A Flow Service source ingested into the data lake, with the XDM schema, dataset and mapping it
 * needs.
 *
 * ```ts
 * const pipeline = new SourcePipeline("members", {
 *   baseConnection: { existingId: accountId },
 *   source: { name: "Members", connectionSpec: members, data: { format: "json" }, params: { listId } },
 *   schema: { title: "Members", classId: xdmClassIds.profile, fieldGroupIds: [...] },
 *   dataset: { name: "Members" },
 *   mapping: { mappings: [{ source: "id", destination: "_id" }] },
 *   dataflow: { name: "Members", flowSpec: { id: flowSpecIds.restStorageToAep }, scheduleParams },
 * });
 * ```
 */
export class SourcePipeline extends pulumi.ComponentResource {
  readonly baseConnectionId: pulumi.Output<string>;
  readonly sourceConnectionId: pulumi.Output<string>;
  readonly targetConnectionId: pulumi.Output<string>;
  readonly dataflowId: pulumi.Output<string>;
  readonly dataSetId: pulumi.Output<string>;
  readonly schemaId: pulumi.Output<string>;
  /** Undefined without `mapping`. */
  readonly mappingSetId: pulumi.Output<string | undefined>;
  /** The dataflow resource, for its state, etag and runs outputs. */
  readonly dataflow: Dataflow;

  constructor(name: string, args: SourcePipelineArgs, opts?: pulumi.ComponentResourceOptions);
  /** @internal Components built on this one register under their own type token. */
  constructor(
    name: string,
    args: SourcePipelineArgs,
    opts: pulumi.ComponentResourceOptions | undefined,
    type: string,
  );
  constructor(
    name: string,
    args: SourcePipelineArgs,
    opts?: pulumi.ComponentResourceOptions,
    type = "aep:index:SourcePipeline",
  ) {
    // Checked before `super`, which registers the component: a call that throws registers nothing.
    checkPipelineArgs(type.split(":").pop() ?? type, name, args);
    super(type, name, {}, opts);
    const outputs = declarePipeline(this, name, args);
    this.baseConnectionId = outputs.baseConnectionId;
    this.sourceConnectionId = outputs.sourceConnectionId;
    this.targetConnectionId = outputs.targetConnectionId;
    this.dataflowId = outputs.dataflowId;
    this.dataSetId = outputs.dataSetId;
    this.schemaId = outputs.schemaId;
    this.mappingSetId = outputs.mappingSetId;
    this.dataflow = outputs.dataflow;
    this.registerOutputs({
      baseConnectionId: this.baseConnectionId,
      sourceConnectionId: this.sourceConnectionId,
      targetConnectionId: this.targetConnectionId,
      dataflowId: this.dataflowId,
      dataSetId: this.dataSetId,
      schemaId: this.schemaId,
      mappingSetId: this.mappingSetId,
    });
  }
}
