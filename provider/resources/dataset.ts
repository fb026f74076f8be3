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
import {
  isPlainObject,
  projectInputs,
  valueAt,
  withoutUndefined,
  type PlainObject,
} from "./values";
import { PROFILE_UNION_TAG } from "./xdmIds";

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
    /** Catalog tags, such as `{ team: ["growth"] }`. */
    tags: z.record(z.string(), z.array(z.string())).optional(),
    /** Real-Time Customer Profile and Identity Service ingest the dataset (Catalog's profile tags). */
    profileEnabled: z.boolean({ error: "must be true or false" }).optional(),
  })
  .strict()
  .superRefine((inputs, ctx) => {
    for (const tag of PROFILE_TAGS) {
      if (inputs.profileEnabled !== undefined && inputs.tags?.[tag] !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["tags", tag],
          message: `conflicts with profileEnabled, which sets this tag: set one of them, not both`,
        });
      }
    }
  });

type DatasetInputs = z.output<typeof schema>;
export type DatasetArgs = ResourceArgs<z.input<typeof schema>>;

/** Catalog updates the name, description and tags; a dataset cannot change its schema. */
const fields: readonly FieldRule[] = [
  { path: "name", change: "patch" },
  { path: "description", change: "patch" },
  { path: "schemaRef", change: "replace" },
  { path: "tags", change: "patch" },
  { path: "profileEnabled", change: "patch" },
];

/**
 * The Catalog tags that enable a dataset for Profile and Identity
 * (https://experienceleague.adobe.com/en/docs/experience-platform/profile/tutorials/dataset-configuration).
 */
const PROFILE_TAGS = ["unifiedProfile", "unifiedIdentity"] as const;

/** The dataset's tags as Catalog takes them: the declared ones, plus the profile tags when managed. */
function tagsOf(inputs: DatasetInputs): Record<string, string[]> | undefined {
  if (inputs.profileEnabled === undefined) return inputs.tags;
  const value = [`enabled:${String(inputs.profileEnabled)}`];
  return { ...inputs.tags, ...Object.fromEntries(PROFILE_TAGS.map((tag) => [tag, value])) };
}

/** Adobe's samples write the tag value with and without a space (`enabled: true`). */
function tagEnabled(values: unknown): boolean {
  return Array.isArray(values) && values.some((value) => /^enabled:\s*true$/i.test(String(value)));
}

/**
 * The inputs of a remote dataset. When `profileEnabled` is managed (or, on an import, the
 * profile tag is there), it is read from the tag, and the profile tags leave `tags`.
 */
function inputsOf(remote: PlainObject, previous: PlainObject | undefined): DatasetInputs {
  const projected = projectInputs(remote, previous, ["name", "description", "schemaRef", "tags"]);
  const remoteTags = isPlainObject(remote.tags) ? remote.tags : {};
  const managed =
    previous === undefined
      ? remoteTags.unifiedProfile !== undefined
      : previous.profileEnabled !== undefined;
  if (!managed) return withoutUndefined(projected) as DatasetInputs;
  const tags = isPlainObject(projected.tags) ? { ...projected.tags } : {};
  for (const tag of PROFILE_TAGS) delete tags[tag];
  return withoutUndefined({
    ...projected,
    tags: Object.keys(tags).length > 0 || isPlainObject(previous?.tags) ? tags : undefined,
    profileEnabled: tagEnabled(remoteTags.unifiedProfile),
  }) as DatasetInputs;
}

const catalogDataset: RemoteObject<DatasetInputs> = {
  create: (client, inputs) => {
    const { profileEnabled: _managed, ...payload } = inputs;
    // A dataset enabled at creation carries the tags from the start; `false` needs no tag yet.
    const tags = inputs.profileEnabled === false ? inputs.tags : tagsOf(inputs);
    return client.createDataset(withoutUndefined({ ...payload, tags }));
  },
  read: (client, id) => client.getDataset(id),
  inputsFrom: inputsOf,
  outputsFrom: (remote) => ({
    version: remote.version,
    created: remote.created,
    updated: remote.updated,
    imsOrg: remote.imsOrg,
  }),
  async update(client, id, _olds, news, changed) {
    const changes: PlainObject = {};
    for (const rule of changed) {
      if (rule.path === "tags" || rule.path === "profileEnabled")
        changes.tags = tagsOf(news) ?? null;
      else changes[rule.path] = valueAt(news, [rule.path]) ?? null;
    }
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
  /**
   * Catalog enables a dataset for Profile only when its schema is: refused here when the schema
   * can be read and is not (a schema created or changed in the same `up` is read once it is).
   */
  async refineCheck(inputs, _olds, client) {
    if (inputs.profileEnabled !== true) return [];
    let schemaObject: PlainObject | undefined;
    try {
      schemaObject = await client().getSchema(inputs.schemaRef.id);
    } catch {
      // Not readable now (no settings yet, a network error): Catalog checks it at create.
      return [];
    }
    const tags = schemaObject?.["meta:immutableTags"];
    if (!schemaObject || (Array.isArray(tags) && tags.includes(PROFILE_UNION_TAG))) return [];
    return [
      {
        property: "profileEnabled",
        reason:
          `Dataset profileEnabled needs a schema enabled for Profile, and ${inputs.schemaRef.id} ` +
          `is not: set profileEnabled: true on its XdmSchema first (Catalog refuses the dataset's ` +
          `profile tags otherwise).`,
      },
    ];
  },
};

/**
 * A Catalog Service dataset that follows an XDM schema.
 *
 * ```ts
 * const dataset = new Dataset("campaigns", {
 *   name: "Mailchimp campaign activity",
 *   schemaRef: { id: schema.schemaId },
 *   profileEnabled: true, // needs the XdmSchema's profileEnabled too
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
  declare readonly profileEnabled: pulumi.Output<boolean | undefined>;
  /** Catalog's semantic version of the dataset, such as `1.0.0`. */
  declare readonly version: pulumi.Output<string>;
  /** Epoch milliseconds. */
  declare readonly created: pulumi.Output<number>;
  declare readonly updated: pulumi.Output<number>;
  declare readonly imsOrg: pulumi.Output<string>;

  constructor(name: string, args: DatasetArgs, opts?: pulumi.CustomResourceOptions) {
    super(definition, name, args, opts, {
      optionalInputs: ["description", "tags", "profileEnabled"],
      outputs: ["version", "created", "updated", "imsOrg"],
    });
  }
}
