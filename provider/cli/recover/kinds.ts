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

function kind(
  label: string,
  runtimeKey: RuntimeKey,
  collection: ResourceKind["collection"],
  identity: readonly string[],
  deleteOrder: number,
): ResourceKind {
  return { type: `${TYPE_PREFIX}${label}`, label, runtimeKey, collection, identity, deleteOrder };
}

export const RESOURCE_KINDS: readonly ResourceKind[] = [
  kind(
    "Dataflow",
    "dataflow",
    "flows",
    ["flowSpec.id", "sourceConnectionIds", "targetConnectionIds"],
    0,
  ),
  kind(
    "SourceConnection",
    "source",
    "sourceConnections",
    ["connectionSpec.id", "baseConnectionId"],
    1,
  ),
  kind(
    "TargetConnection",
    "target",
    "targetConnections",
    ["connectionSpec.id", "baseConnectionId", "params.dataSetId"],
    1,
  ),
  kind("BaseConnection", "base", "connections", ["connectionSpec.id"], 2),
  kind("Dataset", "dataset", "dataSets", ["schemaRef.id"], 3),
];

export function kindOf(type: string): ResourceKind | undefined {
  return RESOURCE_KINDS.find((kind) => kind.type === type);
}
