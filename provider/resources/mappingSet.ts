/**
 * `aep:MappingSet`: a Data Prep mapping set (`/data/foundation/conversion/mappingSets`), the
 * field-by-field mapping of source records into an XDM schema that a Dataflow's `Mapping`
 * transformation names by id and version (mapping set endpoint guide,
 * https://experienceleague.adobe.com/en/docs/experience-platform/data-prep/api/mapping-set).
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { MappingSetObject } from "../client/types";
import { AepResource } from "./aepResource";
import type { FieldRule, RemoteObject, ResourceDefinition } from "./engine";
import type { ResourceArgs } from "./inputTypes";
import { XDM_FULL_SCHEMA_VERSION } from "./specCatalog";
import { requiredString } from "./validation";
import { withoutUndefined, type PlainObject } from "./values";
import { warn } from "./warnings";

/** The mapping set endpoint guide's source types (the overview adds STATIC; there is no CONSTANT). */
const SOURCE_TYPES = ["ATTRIBUTE", "EXPRESSION", "STATIC"] as const;

const mapping = z
  .object({
    sourceType: z
      .enum(SOURCE_TYPES, {
        error:
          'must be "ATTRIBUTE" (a source field), "EXPRESSION" (a Data Prep expression) or "STATIC" (a constant)',
      })
      .default("ATTRIBUTE"),
    source: requiredString(
      "the source field (`activity[0].timestamp`), the expression or the constant",
    ),
    destination: requiredString("the XDM field path the value goes to, such as `_id`"),
    name: z.string().optional(),
    description: z.string().optional(),
  })
  .strict();

const schema = z
  .object({
    outputSchema: requiredString("the `$id` of the XDM schema the records are mapped into"),
    mappings: z
      .array(mapping, { error: "must be a list of { sourceType, source, destination }" })
      .min(1, "must list at least one mapping"),
  })
  .strict()
  .superRefine((inputs, ctx) => {
    const first = new Map<string, number>();
    inputs.mappings.forEach(({ destination }, index) => {
      const earlier = first.get(destination);
      if (earlier !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["mappings", index, "destination"],
          message: `maps to ${destination} again (mappings[${earlier}] already does): Data Prep fills each destination once`,
        });
      } else {
        first.set(destination, index);
      }
    });
  });

type MappingSetInputs = z.output<typeof schema>;
export type MappingSetArgs = ResourceArgs<z.input<typeof schema>>;

/** Every change is a PUT of the whole set, which makes its next version. */
const fields: readonly FieldRule[] = [
  { path: "outputSchema", change: "patch" },
  { path: "mappings", change: "patch" },
];

/** The create and PUT body: the current form of the API. */
function body(inputs: MappingSetInputs): PlainObject {
  return {
    outputSchema: { schemaRef: { id: inputs.outputSchema, contentType: XDM_FULL_SCHEMA_VERSION } },
    mappings: inputs.mappings.map((item) => withoutUndefined({ ...item })),
  };
}

const MAPPING_SET_API =
  "https://experienceleague.adobe.com/en/docs/experience-platform/data-prep/api/mapping-set";

const dataPrepMappingSet: RemoteObject<MappingSetInputs> = {
  async create(client, inputs) {
    return (await client.createMappingSet(body(inputs))).id;
  },

  async read(client, id, known) {
    const latest = await client.getMappingSet(id);
    // Data Prep does not say whether a read without `version` is the latest or version 0: when
    // it answers older than the version last known, read that one by number.
    const knownVersion = typeof known?.version === "number" ? known.version : undefined;
    if (latest && knownVersion !== undefined && latest.version < knownVersion) {
      return client.getMappingSet(id, knownVersion);
    }
    return latest;
  },

  inputsFrom: (remote) => {
    const set = remote as MappingSetObject;
    return { outputSchema: set.xdmSchema, mappings: set.mappings } as MappingSetInputs;
  },

  outputsFrom: (remote) => ({
    version: remote.version,
    createdDate: remote.createdDate,
    modifiedDate: remote.modifiedDate,
  }),

  async update(client, id, _olds, news) {
    await client.updateMappingSet(id, body(news));
  },

  async delete(client, id) {
    if ((await client.deleteMappingSet(id)) === "deleted") return;
    // 404 or 405: Data Prep has no DELETE. Whether the set is there to be left behind, a read says.
    const left = await client.getMappingSet(id);
    if (!left) return;
    await warn(
      `MappingSet ${id} (version ${left.version}, into ${left.xdmSchema}) was left in Adobe ` +
        `Experience Platform and removed from the stack: Data Prep has no DELETE for mapping ` +
        `sets (${MAPPING_SET_API}). It stays in the sandbox, unused once no dataflow names it.`,
    );
  },
};

const definition: ResourceDefinition<MappingSetInputs> = {
  key: "mappingSet",
  typeName: "MappingSet",
  schema,
  fields,
  remote: dataPrepMappingSet,
  label: (inputs) =>
    typeof inputs.outputSchema === "string" ? `into ${inputs.outputSchema}` : undefined,
};

/**
 * A Data Prep mapping set. Every change is a new version (`version` moves); a Dataflow that names
 * `version` in its Mapping transformation is moved to it in the same `pulumi up`.
 *
 * ```ts
 * const mapping = new MappingSet("email-activity", {
 *   outputSchema: schema.schemaId,
 *   mappings: [
 *     { sourceType: "ATTRIBUTE", source: "email_id", destination: "_id" },
 *     { sourceType: "ATTRIBUTE", source: "activity[0].timestamp", destination: "timestamp" },
 *   ],
 * });
 * // transformations: [{ name: "Mapping", params: { mappingId: mapping.id, mappingVersion: mapping.version } }]
 * ```
 */
export class MappingSet extends AepResource {
  /** @internal What the provider process builds this type's provider from (runtime.ts). */
  static readonly definition = definition;

  declare readonly outputSchema: pulumi.Output<string>;
  declare readonly mappings: pulumi.Output<MappingSetInputs["mappings"]>;
  /** 0 when created, +1 for each update. */
  declare readonly version: pulumi.Output<number>;
  /** Epoch milliseconds. */
  declare readonly createdDate: pulumi.Output<number | undefined>;
  /** Epoch milliseconds. */
  declare readonly modifiedDate: pulumi.Output<number | undefined>;

  constructor(name: string, args: MappingSetArgs, opts?: pulumi.CustomResourceOptions) {
    super(definition, name, args, opts, {
      outputs: ["version", "createdDate", "modifiedDate"],
    });
  }
}
