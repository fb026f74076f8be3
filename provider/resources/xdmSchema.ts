/**
 * `aep:XdmSchema`: a tenant XDM schema of the Schema Registry (`/tenant/schemas`), the shape of
 * the records a dataset holds: one class and its field groups, optionally enabled for
 * Real-Time Customer Profile (schemas endpoint guide,
 * https://experienceleague.adobe.com/en/docs/experience-platform/xdm/api/schemas).
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { schemaDates } from "../client/schemaRegistry";
import type { AepClient, JsonPatchOperation, XdmSchemaObject } from "../client/types";
import { AepResource } from "./aepResource";
import type { FieldRule, RemoteObject, ResourceDefinition } from "./engine";
import type { ResourceArgs } from "./inputTypes";
import { requiredString } from "./validation";
import { isPlainObject, withoutUndefined, type PlainObject } from "./values";
import { PROFILE_UNION_TAG } from "./xdmIds";

const schema = z
  .object({
    title: requiredString(
      "name the schema as it should appear in Experience Platform (unique in the sandbox)",
    ),
    description: z.string().optional(),
    classId: requiredString("the `$id` of the schema's class, such as xdmClassIds.experienceEvent"),
    fieldGroupIds: z
      .array(requiredString("the `$id` of a field group, such as xdmFieldGroupIds.endUserIds"), {
        error: "must be a list of field group `$id`s",
      })
      .default([]),
    /** One-way: Adobe never removes a schema's Profile tag. */
    profileEnabled: z.boolean({ error: "must be true or false" }).default(false),
  })
  .strict()
  .superRefine((inputs, ctx) => {
    inputs.fieldGroupIds.forEach((id, index) => {
      const first = inputs.fieldGroupIds.indexOf(id);
      if (first !== index || id === inputs.classId) {
        ctx.addIssue({
          code: "custom",
          path: ["fieldGroupIds", index],
          message:
            id === inputs.classId
              ? "names the class: list only field groups here, the class goes in classId"
              : `repeats fieldGroupIds[${first}] (${id}): list each field group once`,
        });
      }
    });
  });

type XdmSchemaInputs = z.output<typeof schema>;
export type XdmSchemaArgs = ResourceArgs<z.input<typeof schema>>;

/**
 * The registry patches the title, the description, the field groups (a JSON Patch of `allOf`;
 * the version moves) and the Profile tag; a schema cannot change its class.
 */
const fields: readonly FieldRule[] = [
  { path: "title", change: "patch" },
  { path: "description", change: "patch" },
  { path: "classId", change: "replace" },
  { path: "fieldGroupIds", change: "patch" },
  { path: "profileEnabled", change: "patch" },
];

/** The `$ref`s of a schema's `allOf`, in order. */
function refsOf(remote: PlainObject): string[] {
  const allOf = Array.isArray(remote.allOf) ? remote.allOf : [];
  return allOf
    .map((item) => (isPlainObject(item) ? item.$ref : undefined))
    .filter((ref): ref is string => typeof ref === "string");
}

function tagsOf(remote: PlainObject): string[] {
  const tags = remote["meta:immutableTags"];
  return Array.isArray(tags) ? tags.map(String) : [];
}

function classOf(remote: PlainObject): string | undefined {
  const declared = remote["meta:class"];
  return typeof declared === "string" ? declared : refsOf(remote)[0];
}

/** The JSON Patch from the schema as it is to the declared one (removals first, last index first). */
function patchTo(current: XdmSchemaObject, news: XdmSchemaInputs): JsonPatchOperation[] {
  const operations: JsonPatchOperation[] = [];
  if (current.title !== news.title) {
    operations.push({ op: "replace", path: "/title", value: news.title });
  }
  if (current.description !== news.description) {
    if (news.description === undefined) operations.push({ op: "remove", path: "/description" });
    else
      operations.push({
        op: current.description === undefined ? "add" : "replace",
        path: "/description",
        value: news.description,
      });
  }
  const refs = refsOf(current);
  const classId = classOf(current);
  refs
    .map((ref, index) => ({ ref, index }))
    .filter(({ ref }) => ref !== classId && !news.fieldGroupIds.includes(ref))
    .reverse()
    .forEach(({ index }) => operations.push({ op: "remove", path: `/allOf/${index}` }));
  // The schemas guide adds a field group with `add /allOf/-`; the registry derives meta:extends.
  for (const id of news.fieldGroupIds.filter((group) => !refs.includes(group))) {
    operations.push({ op: "add", path: "/allOf/-", value: { $ref: id } });
  }
  const tags = tagsOf(current);
  if (news.profileEnabled && !tags.includes(PROFILE_UNION_TAG)) {
    operations.push(
      tags.length === 0
        ? { op: "add", path: "/meta:immutableTags", value: [PROFILE_UNION_TAG] }
        : { op: "add", path: "/meta:immutableTags/-", value: PROFILE_UNION_TAG },
    );
  }
  return operations;
}

/** Allow this much clock difference when recognising a schema created by a lost request. */
const CLOCK_SKEW_MS = 5 * 60_000;

const registrySchema: RemoteObject<XdmSchemaInputs> = {
  async create(client, inputs) {
    const created = await client.createSchema(
      withoutUndefined({
        title: inputs.title,
        description: inputs.description,
        type: "object",
        allOf: [inputs.classId, ...inputs.fieldGroupIds].map(($ref) => ({ $ref })),
      }),
    );
    return created.$id;
  },

  // Profile enablement is the documented PATCH of `meta:immutableTags`, after the create.
  async afterCreate(client, id, inputs) {
    if (inputs.profileEnabled) {
      await client.patchSchema(id, [
        { op: "add", path: "/meta:immutableTags", value: [PROFILE_UNION_TAG] },
      ]);
    }
  },

  read: (client, id) => client.getSchema(id),

  // `adopt` may name the schema by its `meta:altId` too; the resource id is always the `$id`.
  idOf: (remote) => String(remote.$id),

  inputsFrom(remote, previous) {
    const classId = classOf(remote);
    return withoutUndefined({
      title: remote.title,
      description:
        remote.description === undefined && previous && previous.description === undefined
          ? undefined
          : remote.description,
      classId,
      fieldGroupIds: refsOf(remote).filter((ref) => ref !== classId),
      profileEnabled: tagsOf(remote).includes(PROFILE_UNION_TAG),
    }) as XdmSchemaInputs;
  },

  outputsFrom: (remote) => ({
    schemaId: remote.$id,
    altId: remote["meta:altId"],
    version: remote.version,
    ...schemaDates(remote),
  }),

  async update(client: AepClient, id, _olds, news) {
    // From the schema as it is now, so a patch that landed before its answer was lost is not
    // applied twice (the registry has no If-Match to guard it).
    const current = await client.getSchema(id);
    if (!current) {
      throw new Error(
        "it no longer exists in the Schema Registry: run `pulumi refresh`, then `pulumi up`",
      );
    }
    const operations = patchTo(current, news);
    if (operations.length > 0) await client.patchSchema(id, operations);
  },

  async delete(client, id) {
    await client.deleteSchema(id);
  },

  // Titles are unique in a sandbox, so the title finds the schema a lost create made.
  async findCreated(client, inputs, startedAt) {
    const [match, ...others] = (
      await client.listSchemas({ property: [`title==${inputs.title}`] })
    ).filter((summary) => summary.title === inputs.title);
    if (!match || others.length > 0) return undefined;
    const found = await client.getSchema(match.$id);
    const createdAt = found ? schemaDates(found).createdAt : undefined;
    return createdAt !== undefined && createdAt >= startedAt - CLOCK_SKEW_MS
      ? match.$id
      : undefined;
  },
};

const definition: ResourceDefinition<XdmSchemaInputs> = {
  key: "xdmSchema",
  typeName: "XdmSchema",
  schema,
  fields,
  remote: registrySchema,
  label: (inputs) => (typeof inputs.title === "string" ? inputs.title : undefined),
  // Only a new schema could drop the Profile tag: what adopting a Profile schema declared
  // `profileEnabled: false` runs into (an update is refused at check, below).
  extraReplaces: (olds, news) =>
    olds.profileEnabled === true && !news.profileEnabled ? ["profileEnabled"] : [],
  // Titles are unique in a sandbox: the old schema must go before its replacement is created.
  deleteBeforeReplace: true,
  async refineCheck(inputs, olds) {
    if (olds.profileEnabled === true && !inputs.profileEnabled) {
      return [
        {
          property: "profileEnabled",
          reason:
            "XdmSchema profileEnabled cannot go from true back to false: the Schema Registry never " +
            "removes a schema from Real-Time Customer Profile once it is enabled (its `union` tag " +
            "is immutable). Keep profileEnabled: true; to stop profile ingestion, set " +
            "profileEnabled: false on the Dataset instead.",
        },
      ];
    }
    return [];
  },
};

/**
 * A tenant XDM schema: one class and its field groups.
 *
 * ```ts
 * const schema = new XdmSchema("email-activity", {
 *   title: "Mailchimp email activity",
 *   classId: xdmClassIds.experienceEvent,
 *   fieldGroupIds: [xdmFieldGroupIds.campaignMarketing, xdmFieldGroupIds.endUserIds],
 * });
 * // schema.schemaId: the `$id` a Dataset, a TargetConnection and a MappingSet name
 * ```
 */
export class XdmSchema extends AepResource {
  /** @internal What the provider process builds this type's provider from (runtime.ts). */
  static readonly definition = definition;

  declare readonly title: pulumi.Output<string>;
  declare readonly description: pulumi.Output<string | undefined>;
  declare readonly classId: pulumi.Output<string>;
  declare readonly fieldGroupIds: pulumi.Output<string[]>;
  declare readonly profileEnabled: pulumi.Output<boolean>;
  /** The schema's `$id`, `https://ns.adobe.com/<tenant>/schemas/<hex>` (also the resource id). */
  declare readonly schemaId: pulumi.Output<string>;
  /** The schema's `meta:altId`, `_<tenant>.schemas.<hex>`. */
  declare readonly altId: pulumi.Output<string>;
  /** `"1.0"`, then `"1.1"`... as field groups are added. */
  declare readonly version: pulumi.Output<string>;
  /** Epoch milliseconds. */
  declare readonly createdAt: pulumi.Output<number | undefined>;
  /** Epoch milliseconds. */
  declare readonly updatedAt: pulumi.Output<number | undefined>;

  constructor(name: string, args: XdmSchemaArgs, opts?: pulumi.CustomResourceOptions) {
    super(definition, name, args, opts, {
      optionalInputs: ["description", "fieldGroupIds", "profileEnabled"],
      outputs: ["schemaId", "altId", "version", "createdAt", "updatedAt"],
    });
  }
}
