/**
 * The slice of Catalog Service a sources workflow touches: datasets (Catalog API reference,
 * https://developer.adobe.com/experience-platform-apis/references/catalog/). Catalog answers in its
 * own style: ids are 24 hex digits, writes return `["@/dataSets/<id>"]`, reads are keyed by id.
 */
import { randomBytes } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { isPlainObject, valueAt } from "../resources/values";
import { catalogError } from "./errors";
import { actorOf } from "./gateway";
import { ADOBE_SERVICES } from "../services";
import type { KindContext } from "./kinds/kind";
import type { ServiceRoutes } from "./routes";
import { findSchema, isUnionTagged } from "./schemaRegistry";
import type { JsonObject, Scope } from "./store";

/** Members a PATCH may change (merged into the dataset). */
const PATCHABLE = ["name", "description", "tags"];
/** Catalog's default and largest page for `GET /dataSets`. */
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 100;

type DataSetRequest = FastifyRequest<{
  Params: { id: string };
  Querystring: Record<string, string | undefined>;
}>;

export const catalogRoutes: ServiceRoutes = {
  register: registerCatalogRoutes,
  notFound: (method, path) =>
    catalogError(404, "Not Found", `No resource is served at ${method} ${path}.`),
};

function registerCatalogRoutes(app: FastifyInstance, context: KindContext): void {
  const existing = (request: DataSetRequest): JsonObject => {
    const dataSet = context.store.get("dataSets", actorOf(request).scope, request.params.id);
    if (dataSet === undefined) {
      throw catalogError(404, "Not Found", `DataSet ${request.params.id} was not found.`);
    }
    return dataSet;
  };
  const reference = (id: unknown): string[] => [`@/dataSets/${String(id)}`];

  app.post("/dataSets", async (request: FastifyRequest, reply: FastifyReply) => {
    const actor = actorOf(request);
    const body = checkDataSetBody(request.body);
    assertSchemaFits(context, actor.scope, String((body.schemaRef as JsonObject).id), body.tags);
    const id = randomBytes(12).toString("hex");
    const now = context.clock.now();
    const dataSet: JsonObject = {
      id,
      name: body.name,
      ...(body.description !== undefined ? { description: body.description } : {}),
      imsOrg: actor.scope.orgId,
      tags: body.tags ?? {},
      version: "1.0.0",
      created: now,
      updated: now,
      createdClient: actor.clientId,
      createdUser: actor.clientId,
      updatedUser: actor.clientId,
      schemaRef: body.schemaRef,
      files: `@/dataSetFiles?dataSetId=${id}`,
      ...pick(body, ["fileDescription", "enableErrorDiagnostics"]),
    };
    context.store.put("dataSets", actor.scope, dataSet);
    reply.code(201).header("location", `${ADOBE_SERVICES.catalog.basePath}/dataSets/${id}`);
    return reference(id);
  });

  app.get("/dataSets/:id", async (request: DataSetRequest) => {
    const dataSet = existing(request);
    return { [String(dataSet.id)]: view(dataSet, request.query.properties) };
  });

  app.get(
    "/dataSets",
    async (request: FastifyRequest<{ Querystring: Record<string, string | undefined> }>) => {
      const { limit, start, properties, name } = request.query;
      const first = Number(start ?? 0);
      const size = Math.min(Number(limit ?? DEFAULT_LIMIT), MAX_LIMIT);
      if (!Number.isInteger(first) || first < 0 || !Number.isInteger(size) || size < 1) {
        throw catalogError(
          400,
          "Bad Request",
          "'limit' must be a positive integer and 'start' a non-negative integer.",
        );
      }
      const page = context.store
        .list("dataSets", actorOf(request).scope)
        .filter((dataSet) => name === undefined || dataSet.name === name)
        .slice(first, first + size);
      return Object.fromEntries(
        page.map((dataSet) => [String(dataSet.id), view(dataSet, properties)]),
      );
    },
  );

  app.patch("/dataSets/:id", async (request: DataSetRequest) => {
    const dataSet = existing(request);
    const changes = checkPatch(request.body);
    const now = context.clock.now();
    const tags = { ...(dataSet.tags as JsonObject), ...(changes.tags as JsonObject | undefined) };
    if (changes.tags !== undefined) {
      const schemaId = String(valueAt(dataSet, ["schemaRef", "id"]));
      assertSchemaFits(context, actorOf(request).scope, schemaId, tags, { exists: false });
    }
    const updated: JsonObject = {
      ...dataSet,
      ...changes,
      tags,
      version: bumpVersion(dataSet.version),
      updated: now,
      updatedUser: actorOf(request).clientId,
    };
    context.store.put("dataSets", actorOf(request).scope, updated);
    return reference(dataSet.id);
  });

  app.delete("/dataSets/:id", async (request: DataSetRequest) => {
    const dataSet = existing(request);
    context.store.remove("dataSets", String(dataSet.id));
    return reference(dataSet.id);
  });
}

/** Catalog tags that enable a dataset for Real-Time Customer Profile and Identity Service. */
export const PROFILE_TAGS = ["unifiedProfile", "unifiedIdentity"] as const;

/** Whether a tag's values say `enabled:true` (Adobe's samples write it with and without a space). */
export function tagEnabled(values: unknown): boolean {
  return Array.isArray(values) && values.some((value) => /^enabled:\s*true$/i.test(String(value)));
}

/**
 * A dataset's schema must be a tenant schema of the sandbox (the Catalog create-dataset guide,
 * https://experienceleague.adobe.com/en/docs/experience-platform/catalog/api/create-dataset,
 * creates the schema first), and a dataset enabled for Profile needs a schema enabled for Profile
 * (https://experienceleague.adobe.com/en/docs/experience-platform/profile/tutorials/dataset-configuration).
 */
function assertSchemaFits(
  context: KindContext,
  scope: Scope,
  schemaId: string,
  tags: unknown,
  checks: { exists: boolean } = { exists: true },
): void {
  const schema = findSchema(context, scope, schemaId);
  if (schema === undefined) {
    if (checks.exists) {
      throw catalogError(
        400,
        "Bad Request",
        `The schema ${schemaId} of 'schemaRef.id' does not exist in sandbox ${scope.sandboxName}. Create it in the Schema Registry first.`,
      );
    }
    return;
  }
  const enabled = PROFILE_TAGS.filter((tag) => isPlainObject(tags) && tagEnabled(tags[tag]));
  if (enabled.length > 0 && !isUnionTagged(schema)) {
    throw catalogError(
      400,
      "Bad Request",
      `The dataset cannot be enabled for ${enabled.join(" and ")}: its schema ${schemaId} is not enabled for Profile (meta:immutableTags has no "union").`,
    );
  }
}

/** Requires `name` and `schemaRef.id`; `tags` must map names to string arrays. */
function checkDataSetBody(body: unknown): JsonObject {
  if (!isPlainObject(body)) {
    throw catalogError(
      400,
      "Bad Request",
      "The request body must be a JSON object describing the dataset.",
    );
  }
  if (typeof body.name !== "string" || body.name === "") {
    throw catalogError(400, "Bad Request", "Required field 'name' is missing.");
  }
  if (
    !isPlainObject(body.schemaRef) ||
    typeof body.schemaRef.id !== "string" ||
    body.schemaRef.id === ""
  ) {
    throw catalogError(400, "Bad Request", "Required field 'schemaRef.id' is missing.");
  }
  checkCommonFields(body);
  return body;
}

function checkPatch(body: unknown): JsonObject {
  if (!isPlainObject(body)) {
    throw catalogError(
      400,
      "Bad Request",
      "The request body must be a JSON object of the fields to change.",
    );
  }
  const unknown = Object.keys(body).filter((key) => !PATCHABLE.includes(key));
  if (unknown.length > 0) {
    throw catalogError(
      400,
      "Bad Request",
      `Only ${PATCHABLE.join(", ")} can be changed; got ${unknown.join(", ")}.`,
    );
  }
  if (body.name !== undefined && (typeof body.name !== "string" || body.name === "")) {
    throw catalogError(400, "Bad Request", "'name' must be a non-empty string.");
  }
  checkCommonFields(body);
  return body;
}

function checkCommonFields(body: JsonObject): void {
  if (body.description !== undefined && typeof body.description !== "string") {
    throw catalogError(400, "Bad Request", "'description' must be a string.");
  }
  const tags = body.tags;
  const validTags =
    tags === undefined ||
    (isPlainObject(tags) &&
      Object.values(tags).every(
        (values) => Array.isArray(values) && values.every((value) => typeof value === "string"),
      ));
  if (!validTags) {
    throw catalogError(400, "Bad Request", "'tags' must map tag names to arrays of strings.");
  }
}

/** The dataset as Catalog returns it (keyed by id outside), limited to `properties` when given. */
function view(dataSet: JsonObject, properties: string | undefined): JsonObject {
  const { id: _id, ...fields } = dataSet;
  return properties === undefined
    ? fields
    : pick(
        fields,
        properties.split(",").map((name) => name.trim()),
      );
}

function pick(object: JsonObject, names: string[]): JsonObject {
  return Object.fromEntries(
    names.filter((name) => object[name] !== undefined).map((name) => [name, object[name]]),
  );
}

/** "1.0.0" → "1.0.1": Catalog bumps the version on every change (out-of-band edits too). */
export function bumpVersion(version: unknown): string {
  const [major = "1", minor = "0", patch = "0"] = String(version).split(".");
  return `${major}.${minor}.${Number(patch) + 1}`;
}
