/**
 * Target connections (`/targetConnections`): where a flow writes. For the Data Lake target the
 * params name a Catalog dataset, which must exist in the same sandbox.
 */
import { connectionSpecIds } from "../../resources/specCatalog";
import { valueAt } from "../../resources/values";
import { badRequest } from "../errors";
import type { SchemaSubset } from "../jsonSchema";
import type { JsonObject } from "../store";
import {
  assertMatchesSchema,
  connectionSpecOrFail,
  defined,
  flowsUsing,
  inUseByFlows,
  optionalObject,
  referencedOrFail,
  specReference,
  type Actor,
  type InstanceKind,
  type KindContext,
} from "./kind";

export const targetConnectionsKind: InstanceKind = {
  collection: "targetConnections",
  // Adobe's schema requires only data and connectionSpec; the name is optional for targets.
  required: ["data", "connectionSpec.id"],
  patch: {
    patchable: [/^\/name$/, /^\/description$/, /^\/params(\/[^/]+)?$/],
    described: "/name, /description, /params and /params/<key>",
    immutable: ["connectionSpec"],
  },
  hasLastOperation: false,
  actions: {},

  build(body, _id, actor, context) {
    const spec = connectionSpecOrFail(context, valueAt(body, ["connectionSpec", "id"]));
    if (spec.targetSpec === undefined) {
      throw badRequest(
        `Connection spec ID '${String(spec.id)}' is not a target connection spec.`,
        "1413",
      );
    }
    const data = optionalObject(body, "data") as JsonObject;
    const params = optionalObject(body, "params", {}) as JsonObject;
    assertTargetParams(spec, params, actor, context);
    const base =
      body.baseConnectionId === undefined
        ? undefined
        : referencedOrFail(context, "connections", actor, body.baseConnectionId, "base connection");
    return {
      ...defined("name", body.name),
      ...defined("description", body.description),
      ...defined("baseConnectionId", base?.id),
      data,
      connectionSpec: specReference(body.connectionSpec, spec),
      params,
      ...defined(
        "inheritedAttributes",
        base && { baseConnection: { id: base.id, connectionSpec: base.connectionSpec } },
      ),
    };
  },

  revalidate(next, _previous, actor, context) {
    const spec = connectionSpecOrFail(context, valueAt(next, ["connectionSpec", "id"]));
    assertTargetParams(spec, next.params ?? {}, actor, context);
    return next;
  },

  // Refused while a flow uses it (1447), like source connections.
  assertDeletable(object, actor, context) {
    const flowIds = flowsUsing(
      context,
      actor,
      (flow) => (flow.targetConnectionIds as unknown[] | undefined)?.includes(object.id) === true,
    );
    if (flowIds.length > 0) {
      throw inUseByFlows("target connection", String(object.id), flowIds);
    }
  },

  present: (object) => object,
};

function assertTargetParams(
  spec: JsonObject,
  params: unknown,
  actor: Actor,
  context: KindContext,
): void {
  const schema = {
    type: "object",
    ...(valueAt(spec, ["targetSpec", "spec"]) as SchemaSubset | undefined),
  };
  assertMatchesSchema(params, schema, "params");
  if (spec.id === connectionSpecIds.dataLake) {
    const dataSetId = valueAt(params, ["dataSetId"]);
    if (
      typeof dataSetId !== "string" ||
      context.store.get("dataSets", actor.scope, dataSetId) === undefined
    ) {
      throw badRequest(
        `The dataset '${String(dataSetId)}' in 'params.dataSetId' does not exist in this sandbox.`,
      );
    }
  }
}
