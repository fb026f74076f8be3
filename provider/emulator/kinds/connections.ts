/**
 * Base connections (`/connections`): one source account's credentials, validated against the
 * connection spec's authSpec and masked on the way out.
 */
import { valueAt } from "../../resources/values";
import { badRequest, flowError } from "../errors";
import { secretProperties, type SchemaSubset } from "../jsonSchema";
import { maskAuthParams } from "../secrets";
import type { JsonObject } from "../store";
import {
  assertMatchesSchema,
  connectionSpecOrFail,
  defined,
  flowsUsing,
  specReference,
  type InstanceKind,
  type KindContext,
} from "./kind";

/** What GET answers in place of a secret auth param (the real mask is undocumented). */
export const SECRET_MASK = "********";

export const connectionsKind: InstanceKind = {
  collection: "connections",
  required: ["name", "connectionSpec.id", "auth.specName", "auth.params"],
  patch: {
    patchable: [/^\/name$/, /^\/description$/, /^\/auth\/params(\/[^/]+)?$/],
    described: "/name, /description, /auth/params and /auth/params/<key>",
    immutable: ["connectionSpec"],
  },
  hasLastOperation: false,
  actions: {},

  build(body, _id, _actor, context) {
    const spec = connectionSpecOrFail(context, valueAt(body, ["connectionSpec", "id"]));
    const auth = body.auth as JsonObject;
    assertAuthParams(spec, auth);
    return {
      name: body.name,
      ...defined("description", body.description),
      connectionSpec: specReference(body.connectionSpec, spec),
      auth: { specName: auth.specName, params: auth.params },
    };
  },

  revalidate(next, _previous, _actor, context) {
    assertAuthParams(
      connectionSpecOrFail(context, valueAt(next, ["connectionSpec", "id"])),
      next.auth as JsonObject,
    );
    return next;
  },

  assertDeletable(object, actor, context) {
    // Flow Service checks the base connection recorded in each flow's inherited attributes.
    const flowIds = flowsUsing(context, actor, (flow) => {
      const sources = valueAt(flow, ["inheritedAttributes", "sourceConnections"]);
      return (
        Array.isArray(sources) &&
        sources.some((source) => valueAt(source, ["baseConnection", "id"]) === object.id)
      );
    });
    if (flowIds.length > 0) {
      throw flowError(
        400,
        "1418",
        `The base connection with the ID ${String(object.id)} cannot be deleted because it is used by one or more flows (${flowIds.join(", ")}). Delete those flows first, then delete the base connection.`,
      );
    }
  },

  present(object, context) {
    return maskAuthParams(object, secretProperties(authSchemaOf(object, context)), SECRET_MASK);
  },
};

/**
 * The authSpec `specName` refers to. Matched on the authSpec's `name` or `type`, ignoring case,
 * because Adobe's own tutorials send `oAuth2RefreshCode` for the authSpec named "OAuth2 Refresh Code".
 */
function findAuthSpec(spec: JsonObject, specName: unknown): JsonObject | undefined {
  const wanted = String(specName).toLowerCase();
  const authSpecs = Array.isArray(spec.authSpec) ? (spec.authSpec as JsonObject[]) : [];
  return authSpecs.find(
    (candidate) =>
      String(candidate.name).toLowerCase() === wanted ||
      String(candidate.type).toLowerCase() === wanted,
  );
}

function assertAuthParams(spec: JsonObject, auth: JsonObject): void {
  const authSpec = findAuthSpec(spec, auth.specName);
  if (authSpec === undefined) {
    throw badRequest(
      `The auth spec '${String(auth.specName)}' could not be found for the connection spec ID ${String(spec.id)}.`,
      "1415",
    );
  }
  assertMatchesSchema(
    auth.params,
    { type: "object", ...(authSpec.spec as SchemaSubset) },
    "auth.params",
  );
}

function authSchemaOf(object: JsonObject, context: KindContext): SchemaSubset | undefined {
  const spec = context.connectionSpecs.find(
    (candidate) => candidate.id === valueAt(object, ["connectionSpec", "id"]),
  );
  const authSpec =
    spec === undefined ? undefined : findAuthSpec(spec, valueAt(object, ["auth", "specName"]));
  return authSpec?.spec as SchemaSubset | undefined;
}
