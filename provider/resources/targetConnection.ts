/**
 * `aep:TargetConnection`: where ingested data lands (Flow Service `/targetConnections`), for
 * example a Data Lake dataset and the XDM schema its records follow.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { flowServiceDefinition } from "./flowServiceObject";
import type { ResourceArgs } from "./inputTypes";
import { FlowServiceResource } from "./flowServiceResource";
import { sourceConnectionFields } from "./sourceConnection";
import { XDM_FULL_SCHEMA_VERSION, connectionSpecIds } from "./specCatalog";
import { checkKnownParams, parameterMap, requiredString, specReference } from "./validation";
import { isPlainObject, type PlainObject } from "./values";

const schema = z
  .object({
    name: requiredString("name the target connection as it should appear in Experience Platform"),
    description: z.string().optional(),
    /** Only destinations have one; a Data Lake target does not. */
    baseConnectionId: z.string().optional(),
    connectionSpec: specReference("connection spec"),
    data: z
      .object({
        format: z.string().optional(),
        schema: z
          .object({
            id: requiredString("the `$id` of the XDM schema the dataset follows"),
            version: z.string().default(XDM_FULL_SCHEMA_VERSION),
          })
          .strict()
          .optional(),
      })
      .loose(),
    params: parameterMap,
  })
  .strict()
  .superRefine((inputs, ctx) => {
    checkKnownParams(inputs.connectionSpec.id, inputs.params, ctx);
    if (inputs.connectionSpec.id === connectionSpecIds.dataLake && !inputs.data.schema) {
      ctx.addIssue({
        code: "custom",
        path: ["data", "schema"],
        message:
          "is required for a Data Lake target: set data.schema.id to the dataset's XDM schema $id",
      });
    }
  });

type TargetConnectionInputs = z.output<typeof schema>;
export type TargetConnectionArgs = ResourceArgs<z.input<typeof schema>>;

/** Some responses name the schema `data.schema.schemaId` instead of `data.schema.id`. */
function normalizeSchemaId(projected: PlainObject, remote: PlainObject): PlainObject {
  const remoteSchema = isPlainObject(remote.data) ? remote.data.schema : undefined;
  const data = projected.data;
  if (!isPlainObject(remoteSchema) || !isPlainObject(data) || !isPlainObject(data.schema)) {
    return projected;
  }
  if (data.schema.id === undefined && typeof remoteSchema.schemaId === "string") {
    return {
      ...projected,
      data: { ...data, schema: { ...data.schema, id: remoteSchema.schemaId } },
    };
  }
  return projected;
}

const definition = flowServiceDefinition<TargetConnectionInputs>({
  key: "target",
  typeName: "TargetConnection",
  schema,
  /**
   * The same rules as a source connection's. Flow Service could patch a target's `params` too,
   * but Adobe advises against editing the target of a live flow (the flow does not follow), so a
   * new dataset or schema replaces the target connection and, through its new id, its dataflows.
   */
  fields: sourceConnectionFields,
  collection: "targetConnections",
  inputKeys: ["name", "description", "baseConnectionId", "connectionSpec", "data", "params"],
  specPath: "connectionSpec.id",
  refineInputs: (projected, remote) => normalizeSchemaId(projected, remote),
});

/**
 * A Flow Service target connection: for sources, the Data Lake dataset ingested records land in.
 *
 * ```ts
 * const target = new TargetConnection("lake", {
 *   name: "Mailchimp campaigns to the data lake",
 *   connectionSpec: { id: connectionSpecIds.dataLake, version: "1.0" },
 *   data: { format: "parquet_xdm", schema: { id: schemaId } },
 *   params: { dataSetId: dataset.id },
 * });
 * ```
 */
export class TargetConnection extends FlowServiceResource {
  /** @internal What the provider process builds this type's provider from (runtime.ts). */
  static readonly definition = definition;

  declare readonly baseConnectionId: pulumi.Output<string | undefined>;
  declare readonly connectionSpec: pulumi.Output<TargetConnectionInputs["connectionSpec"]>;
  declare readonly data: pulumi.Output<TargetConnectionInputs["data"]>;
  declare readonly params: pulumi.Output<TargetConnectionInputs["params"]>;

  constructor(name: string, args: TargetConnectionArgs, opts?: pulumi.CustomResourceOptions) {
    super(definition, name, args, opts, { optionalInputs: ["baseConnectionId"] });
  }
}
