/**
 * What recovery asks of Adobe: the objects an interrupted create may have made, the provider's
 * own read of an object (so the state gets exactly the outputs the provider would record), and
 * deletes. Behind an interface so the planning logic is tested without HTTP.
 */
import { configureClient, getClient, type ConfigSource } from "../../client";
import * as runtime from "../../runtime";
import type { ResourceKind } from "./kinds";
import type { Candidate } from "./match";
import type { PlainObject } from "./state";

/** The provider's `read` result: the outputs and the inputs the object corresponds to. */
export interface ProviderRead {
  props: PlainObject;
  inputs: PlainObject;
}

export interface RecoveryAdobe {
  /** Objects of this kind whose name is `name`, in the configured org and sandbox. */
  candidates(kind: ResourceKind, name: string): Promise<Candidate[]>;
  /** The provider's read of the object; undefined when it does not exist. */
  read(kind: ResourceKind, id: string, inputs: PlainObject): Promise<ProviderRead | undefined>;
  delete(kind: ResourceKind, id: string): Promise<void>;
}

/** Recovery against Adobe (or the emulator) with the stack's settings. */
export function adobeRecovery(config: ConfigSource | undefined): RecoveryAdobe {
  // The provider methods below read the same settings through the process-wide client.
  configureClient(config);
  return {
    async candidates(kind, name) {
      if (kind.collection === "dataSets") {
        const datasets = await getClient().listDatasets({ name });
        return datasets.map((object) => ({
          id: String(object.id),
          createdAt: epochMs(object.created),
          object,
        }));
      }
      const objects = await getClient().list(kind.collection, {
        property: [`name==${quoteFilterValue(name)}`],
      });
      return objects
        .filter((object) => object.name === name)
        .map((object) => ({ id: object.id, createdAt: epochMs(object.createdAt), object }));
    },

    async read(kind, id, inputs) {
      const result = await runtime[kind.runtimeKey].read(id, inputs);
      if (!result.id) return undefined;
      return { props: result.props ?? {}, inputs: result.inputs ?? {} };
    },

    async delete(kind, id) {
      if (kind.collection === "dataSets") await getClient().deleteDataset(id);
      else await getClient().delete(kind.collection, id);
    },
  };
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
