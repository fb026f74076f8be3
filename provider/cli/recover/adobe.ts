/**
 * What recovery asks of Adobe: the objects an interrupted create may have made, the provider's
 * own read of an object (so the state gets exactly the outputs the provider would record), and
 * deletes. Behind an interface so the planning logic is tested without HTTP.
 */
import { configureClient, getClient, type AepClient, type ConfigSource } from "../../client";
import { PACKAGE_VERSION } from "../../resources/packageCopy";
import { provider } from "../../runtime";
import type { ResourceKind } from "./kinds";
import type { Candidate } from "./match";
import type { PlainObject } from "./state";

/** The provider's `read` result: the outputs and the inputs the object corresponds to. */
export interface ProviderRead {
  props: PlainObject;
  inputs: PlainObject;
}

export interface RecoveryAdobe {
  /**
   * Objects of this kind named `name` (every object of the kind when it has no name input), in
   * the configured org and sandbox.
   */
  candidates(kind: ResourceKind, name: string | undefined): Promise<Candidate[]>;
  /** The provider's read of the object; undefined when it does not exist. */
  read(kind: ResourceKind, id: string, inputs: PlainObject): Promise<ProviderRead | undefined>;
  /** Never asked of a kind Adobe cannot delete (`kind.undeletable`). */
  delete(kind: ResourceKind, id: string): Promise<void>;
}

/** Recovery against Adobe (or the emulator) with the stack's settings. */
export function adobeRecovery(config: ConfigSource | undefined): RecoveryAdobe {
  // The provider methods below read the same settings through the process-wide client.
  configureClient(config);
  return {
    async candidates(kind, name) {
      const objects = await listed(getClient(), kind, name);
      return objects.map((object) => ({
        id: String(object.id),
        createdAt: epochMs(kind.outputsOf(object)[kind.createdOutput]),
        object: kind.inputsOf(object),
      }));
    },

    async read(kind, id, inputs) {
      const result = await provider(kind.runtimeKey, PACKAGE_VERSION).read(id, inputs);
      if (!result.id) return undefined;
      return { props: result.props ?? {}, inputs: result.inputs ?? {} };
    },

    async delete(kind, id) {
      const client = getClient();
      const { lookup } = kind;
      if (lookup.service === "flowService") await client.delete(lookup.collection, id);
      else if (lookup.service === "catalog") await client.deleteDataset(id);
      else if (lookup.service === "schemaRegistry") await client.deleteSchema(id);
      else throw new Error(`recover: ${kind.label} cannot be deleted (${kind.undeletable})`);
    },
  };
}

/** The remote objects of the kind with that name, as Adobe holds them (each with its `id`). */
async function listed(
  client: AepClient,
  kind: ResourceKind,
  name: string | undefined,
): Promise<PlainObject[]> {
  const { lookup } = kind;
  if (lookup.service === "dataPrep") return client.listMappingSets();
  if (name === undefined) throw new Error(`recover: a ${kind.label} is looked up by its name`);
  if (lookup.service === "catalog") return client.listDatasets({ name });
  if (lookup.service === "flowService") {
    const objects = await client.list(lookup.collection, {
      property: [`name==${quoteFilterValue(name)}`],
    });
    return objects.filter((object) => object.name === name);
  }
  // A listing names each schema's `$id` and title only: the class and dates need a read.
  const summaries = await client.listSchemas({ property: [`title==${name}`] });
  const schemas = await Promise.all(
    summaries
      .filter((summary) => summary.title === name)
      .map((summary) => client.getSchema(summary.$id)),
  );
  return schemas
    .filter((schema) => schema !== undefined)
    .map((schema) => ({ ...schema, id: schema.$id }));
}

function epochMs(value: unknown): number | undefined {
  const n = typeof value === "string" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) ? n : undefined;
}

/**
 * A `property=name==<value>` filter value: quoted when it holds a comma (which would mean "any
 * of"), a quote or white space.
 * https://experienceleague.adobe.com/en/docs/experience-platform/dataflows/api/sort-and-filter
 */
function quoteFilterValue(value: string): string {
  return /[,"\s]/.test(value) ? `"${value.replace(/"/g, '\\"')}"` : value;
}
