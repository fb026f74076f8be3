/**
 * `aep:Dataset`: a Catalog Service dataset, the Data Lake home a TargetConnection points at. Not a
 * Flow Service object, but every source-to-data-lake pipeline needs one, so the package has it.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { AepResource } from "./aepResource";
import type { FieldRule, RemoteObject, ResourceDefinition } from "./engine";
import type { ResourceArgs } from "./inputTypes";
import { XDM_SCHEMA_CONTENT_TYPE } from "./specCatalog";
import { requiredString } from "./validation";
import { projectInputs, valueAt, withoutUndefined, type PlainObject } from "./values";

const schema = z
  .object({
    name: requiredString("name the dataset as it should appear in Experience Platform"),
    description: z.string().optional(),
    schemaRef: z
      .object({
        id: requiredString("the `$id` of the XDM schema the dataset's records follow"),
        contentType: z.string().default(XDM_SCHEMA_CONTENT_TYPE),
      })
      .strict(),
    /** Catalog tags, such as `{ unifiedProfile: ["enabled:true"] }`. */
    tags: z.record(z.string(), z.array(z.string())).optional(),
  })
  .strict();

type DatasetInputs = z.output<typeof schema>;
export type DatasetArgs = ResourceArgs<z.input<typeof schema>>;

/** Catalog updates the name, description and tags; a dataset cannot change its schema. */
const fields: readonly FieldRule[] = [
  { path: "name", change: "patch" },
  { path: "description", change: "patch" },
  { path: "schemaRef", change: "replace" },
  { path: "tags", change: "patch" },
];

const catalogDataset: RemoteObject<DatasetInputs> = {
  create: (client, inputs) => client.createDataset(withoutUndefined({ ...inputs })),
  read: (client, id) => client.getDataset(id),
  inputsFrom: (remote, previous) =>
    withoutUndefined(
      projectInputs(remote, previous, ["name", "description", "schemaRef", "tags"]),
    ) as DatasetInputs,
  outputsFrom: (remote) => ({
    version: remote.version,
    created: remote.created,
    updated: remote.updated,
    imsOrg: remote.imsOrg,
  }),
  async update(client, id, _olds, news, changed) {
    const changes: PlainObject = {};
    for (const rule of changed) changes[rule.path] = valueAt(news, [rule.path]) ?? null;
    await client.updateDataset(id, changes);
  },
  async delete(client, id) {
    await client.deleteDataset(id);
  },
};

const definition: ResourceDefinition<DatasetInputs> = {
  key: "dataset",
  typeName: "Dataset",
  schema,
  fields,
  remote: catalogDataset,
};

/**
 * A Catalog Service dataset that follows an XDM schema.
 *
 * ```ts
 * const dataset = new Dataset("campaigns", {
 *   name: "Mailchimp campaign activity",
 *   schemaRef: { id: "https://ns.adobe.com/<tenant>/schemas/<id>" },
 * });
 * ```
 */
export class Dataset extends AepResource {
  /** @internal What the provider process builds this type's provider from (runtime.ts). */
  static readonly definition = definition;

  declare readonly name: pulumi.Output<string>;
  declare readonly description: pulumi.Output<string | undefined>;
  declare readonly schemaRef: pulumi.Output<DatasetInputs["schemaRef"]>;
  declare readonly tags: pulumi.Output<Record<string, string[]> | undefined>;
  /** Catalog's semantic version of the dataset, such as `1.0.0`. */
  declare readonly version: pulumi.Output<string>;
  /** Epoch milliseconds. */
  declare readonly created: pulumi.Output<number>;
  declare readonly updated: pulumi.Output<number>;
  declare readonly imsOrg: pulumi.Output<string>;

  constructor(name: string, args: DatasetArgs, opts?: pulumi.CustomResourceOptions) {
    super(definition, name, args, opts, {
      optionalInputs: ["description", "tags"],
      outputs: ["version", "created", "updated", "imsOrg"],
    });
  }
}
