/**
 * Source connections (`/sourceConnections`): what to read from a source account, validated against
 * the connection spec's sourceSpec and tied to an existing base connection.
 */
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

export const sourceConnectionsKind: InstanceKind = {
  collection: "sourceConnections",
  required: ["name", "data", "connectionSpec.id"],
  patch: {
    patchable: [/^\/name$/, /^\/description$/, /^\/params\/filters(\/.*)?$/],
    described: "/name, /description and /params/filters",
    immutable: ["connectionSpec"],
  },
  hasLastOperation: true,
  actions: {},

  build(body, _id, actor, context) {
    const spec = connectionSpecOrFail(context, valueAt(body, ["connectionSpec", "id"]));
    if (spec.sourceSpec === undefined) {
      throw badRequest(
        `Connection spec ID '${String(spec.id)}' is not a source connection spec.`,
        "1413",
      );
    }
    const data = optionalObject(body, "data") as JsonObject;
    const params = optionalObject(body, "params", {}) as JsonObject;
    assertMatchesSchema(params, sourceSchemaOf(spec), "params");
    const baseConnection = baseConnectionOf(body, spec, actor, context);
    return {
      name: body.name,
      ...defined("description", body.description),
      ...defined("baseConnectionId", baseConnection?.id),
      data,
      connectionSpec: specReference(body.connectionSpec, spec),
      params,
      ...defined(
        "inheritedAttributes",
        baseConnection && {
          baseConnection: { id: baseConnection.id, connectionSpec: baseConnection.connectionSpec },
        },
      ),
    };
  },

  revalidate(next, _previous, _actor, context) {
    const spec = connectionSpecOrFail(context, valueAt(next, ["connectionSpec", "id"]));
    assertMatchesSchema(next.params ?? {}, sourceSchemaOf(spec), "params");
    return next;
  },

  // Refused while a flow uses it (1447): deleting it would leave the flow pointing at nothing.
  assertDeletable(object, actor, context) {
    const flowIds = flowsUsing(
      context,
      actor,
      (flow) => (flow.sourceConnectionIds as unknown[] | undefined)?.includes(object.id) === true,
    );
    if (flowIds.length > 0) {
      throw inUseByFlows("source connection", String(object.id), flowIds);
    }
  },

  present: (object) => object,
};

function sourceSchemaOf(spec: JsonObject): SchemaSubset {
  return { type: "object", ...(valueAt(spec, ["sourceSpec", "spec"]) as SchemaSubset | undefined) };
}

/**
 * The base connection a source connection reads through. Required when the spec authenticates
 * (every seeded source does); it must exist in the sandbox and share the source's connection spec.
 */
function baseConnectionOf(
  body: JsonObject,
  spec: JsonObject,
  actor: Actor,
  context: KindContext,
): JsonObject | undefined {
  const needsAccount = Array.isArray(spec.authSpec) && spec.authSpec.length > 0;
  if (body.baseConnectionId === undefined && !needsAccount) {
    return undefined;
  }
  if (body.baseConnectionId === undefined) {
    throw badRequest("Required field 'baseConnectionId' is missing in the request body.");
  }
  const base = referencedOrFail(
    context,
    "connections",
    actor,
    body.baseConnectionId,
    "base connection",
  );
  if (valueAt(base, ["connectionSpec", "id"]) !== spec.id) {
    throw badRequest(
      `The base connection '${String(base.id)}' uses connection spec ${String(valueAt(base, ["connectionSpec", "id"]))}, not ${String(spec.id)}.`,
    );
  }
  return base;
}
