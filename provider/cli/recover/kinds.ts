/**
 * The resource types recovery knows: where each kind of object lives in Adobe, which inputs tell
 * its object apart from others with the same name, and which provider reads it.
 */
import type { FlowServiceCollection } from "../../client";

/** The provider objects of `pulumi-aep-flow/runtime`, by their export name. */
export type RuntimeKey = "base" | "source" | "target" | "dataflow" | "dataset";

export interface ResourceKind {
  /** Pulumi type token. */
  type: string;
  /** As messages and tables name it. */
  label: string;
  runtimeKey: RuntimeKey;
  /** A Flow Service collection, or Catalog's datasets. */
  collection: FlowServiceCollection | "dataSets";
  /**
   * Inputs (dotted paths) an object must match, where the interrupted create declared them. The
   * first is the spec, which every create declares.
   */
  identity: readonly string[];
  /** Leaked objects are deleted in this order (a flow before its connections, those before the base). */
  deleteOrder: number;
}

export const TYPE_PREFIX = "pulumi-nodejs:dynamic/aep:";

export const RESOURCE_KINDS: readonly ResourceKind[] = [
  {
    type: `${TYPE_PREFIX}Dataflow`,
    label: "Dataflow",
    runtimeKey: "dataflow",
    collection: "flows",
    identity: ["flowSpec.id", "sourceConnectionIds", "targetConnectionIds"],
    deleteOrder: 0,
  },
  {
    type: `${TYPE_PREFIX}SourceConnection`,
    label: "SourceConnection",
    runtimeKey: "source",
    collection: "sourceConnections",
    identity: ["connectionSpec.id", "baseConnectionId"],
    deleteOrder: 1,
  },
  {
    type: `${TYPE_PREFIX}TargetConnection`,
    label: "TargetConnection",
    runtimeKey: "target",
    collection: "targetConnections",
    identity: ["connectionSpec.id", "baseConnectionId", "params.dataSetId"],
    deleteOrder: 1,
  },
  {
    type: `${TYPE_PREFIX}BaseConnection`,
    label: "BaseConnection",
    runtimeKey: "base",
    collection: "connections",
    identity: ["connectionSpec.id"],
    deleteOrder: 2,
  },
  {
    type: `${TYPE_PREFIX}Dataset`,
    label: "Dataset",
    runtimeKey: "dataset",
    collection: "dataSets",
    identity: ["schemaRef.id"],
    deleteOrder: 3,
  },
];

export function kindOf(type: string): ResourceKind | undefined {
  return RESOURCE_KINDS.find((kind) => kind.type === type);
}
