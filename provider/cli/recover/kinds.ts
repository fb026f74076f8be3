/**
 * The resource types recovery knows: one per resource of the registry (resources/registry.ts),
 * which supplies its type token, the key its provider is built under and how its objects read
 * as inputs; this file adds where its objects are listed, which inputs tell its object apart
 * from others, and when a leaked one is deleted.
 */
import type { FlowServiceCollection } from "../../client";
import { TYPE_PREFIX } from "../../resources/aepResource";
import type { ResourceDefinition } from "../../resources/engine";
import * as registry from "../../resources/registry";
import type { PlainObject } from "./state";

/** Where the objects of a kind are listed and deleted. */
export type Lookup =
  | { service: "flowService"; collection: FlowServiceCollection }
  | { service: "catalog" }
  | { service: "schemaRegistry" }
  | { service: "dataPrep" };

interface Recovery {
  lookup: Lookup;
  /**
   * The input that names the object, by which Adobe is asked for candidates; undefined when the
   * objects have no name (mapping sets), and every object of the sandbox is a candidate.
   */
  nameInput: "name" | "title" | undefined;
  /**
   * Inputs (dotted paths) an object must match, where the interrupted create declared them. The
   * first is the spec, or what else every create of the type declares.
   */
  identity: readonly string[];
  /** The output that holds the creation time (epoch ms), as the provider records it. */
  createdOutput: "createdAt" | "created" | "createdDate";
  /**
   * Leaked objects are deleted in this order: a flow, its connections (the base last), then the
   * dataset, the mapping set and the schema they follow.
   */
  deleteOrder: number;
  /** Why `--delete` cannot delete such an object, when Adobe has no DELETE for it. */
  undeletable?: string;
}

export interface ResourceKind extends Recovery {
  /** Pulumi type token. */
  type: string;
  /** As messages and tables name it. */
  label: string;
  /** The key the provider process builds its provider under (runtime.ts `provider`). */
  runtimeKey: string;
  /** The provider's reading of a remote object as the inputs it corresponds to. */
  inputsOf(remote: PlainObject): PlainObject;
  /** The provider's outputs of a remote object (its creation time among them). */
  outputsOf(remote: PlainObject): PlainObject;
}

export { TYPE_PREFIX };

const flowService = (collection: FlowServiceCollection): Lookup => ({
  service: "flowService",
  collection,
});

/** By the registry's export name: a resource added there does not compile until it is here. */
const RECOVERY: Record<keyof typeof registry, Recovery> = {
  Dataflow: {
    lookup: flowService("flows"),
    nameInput: "name",
    identity: ["flowSpec.id", "sourceConnectionIds", "targetConnectionIds"],
    createdOutput: "createdAt",
    deleteOrder: 0,
  },
  SourceConnection: {
    lookup: flowService("sourceConnections"),
    nameInput: "name",
    identity: ["connectionSpec.id", "baseConnectionId"],
    createdOutput: "createdAt",
    deleteOrder: 1,
  },
  TargetConnection: {
    lookup: flowService("targetConnections"),
    nameInput: "name",
    identity: ["connectionSpec.id", "baseConnectionId", "params.dataSetId"],
    createdOutput: "createdAt",
    deleteOrder: 1,
  },
  BaseConnection: {
    lookup: flowService("connections"),
    nameInput: "name",
    identity: ["connectionSpec.id"],
    createdOutput: "createdAt",
    deleteOrder: 2,
  },
  Dataset: {
    lookup: { service: "catalog" },
    nameInput: "name",
    identity: ["schemaRef.id"],
    createdOutput: "created",
    deleteOrder: 3,
  },
  // No name: the schema a mapping set fills and its mappings are what tell it apart.
  MappingSet: {
    lookup: { service: "dataPrep" },
    nameInput: undefined,
    identity: ["outputSchema", "mappings"],
    createdOutput: "createdDate",
    deleteOrder: 4,
    undeletable:
      "Data Prep has no DELETE for mapping sets " +
      "(https://experienceleague.adobe.com/en/docs/experience-platform/data-prep/api/mapping-set)",
  },
  // A title is unique in a sandbox; the class tells a look-alike made elsewhere apart.
  XdmSchema: {
    lookup: { service: "schemaRegistry" },
    nameInput: "title",
    identity: ["classId"],
    createdOutput: "createdAt",
    deleteOrder: 5,
  },
};

export const RESOURCE_KINDS: readonly ResourceKind[] = (
  Object.keys(RECOVERY) as Array<keyof typeof registry>
).map((name) => {
  const definition: ResourceDefinition<PlainObject> = registry[name].definition;
  return {
    ...RECOVERY[name],
    type: `${TYPE_PREFIX}${definition.typeName}`,
    label: definition.typeName,
    runtimeKey: definition.key,
    inputsOf: (remote) => definition.remote.inputsFrom(remote, undefined),
    outputsOf: (remote) => definition.remote.outputsFrom(remote),
  };
});

export function kindOf(type: string): ResourceKind | undefined {
  return RESOURCE_KINDS.find((kind) => kind.type === type);
}
