/**
 * Data Prep mapping sets (`/data/foundation/conversion/mappingSets`): create, read a version,
 * list, PUT (a new version each time) and the mappings sub-resource, as the mapping
 * set endpoint guide describes them
 * (https://experienceleague.adobe.com/en/docs/experience-platform/data-prep/api/mapping-set).
 * Every version stays readable with `?version=`; nothing is ever deleted, because the current
 * API has no DELETE.
 */
import { randomBytes } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { isPlainObject } from "../resources/values";
import { dataPrepError, type ApiError } from "./errors";
import { actorOf } from "./gateway";
import type { Actor, KindContext } from "./kinds/kind";
import type { ServiceRoutes } from "./routes";
import { findSchema } from "./schemaRegistry";
import type { JsonObject, Scope } from "./store";

/** The representation mapping sets name their output schema with. */
const FULL_SCHEMA = "application/vnd.adobe.xed-full+json;version=1";

/**
 * `sourceType` as sent -> as stored. ATTRIBUTE comes back as `text/x.schema-path` in every
 * sample; EXPRESSION as `text/x.aep-xl` is UNCONFIRMED for Data Prep (it is the value the
 * destination and source mapping guides use for expressions) and taken as the likelier reading;
 * for STATIC nothing is published, so it is kept as sent.
 */
const STORED_SOURCE_TYPES: Readonly<Record<string, string>> = {
  ATTRIBUTE: "text/x.schema-path",
  EXPRESSION: "text/x.aep-xl",
  STATIC: "STATIC",
};
const ACCEPTED_SOURCE_TYPES = new Set([
  ...Object.keys(STORED_SOURCE_TYPES),
  ...Object.values(STORED_SOURCE_TYPES),
]);

type MappingSetRequest = FastifyRequest<{
  Params: { id: string };
  Querystring: Record<string, string | undefined>;
}>;

export const dataPrepRoutes: ServiceRoutes = {
  register: registerDataPrepRoutes,
  notFound: (method, path) =>
    dataPrepError(404, "Not Found", `No resource is served at ${method} ${path}.`),
};

/** The stored record: every version of one mapping set, oldest first. */
interface MappingSetRecord extends JsonObject {
  id: string;
  versions: JsonObject[];
}

/**
 * Whether `(mappingId, mappingVersion)` names a stored version in `scope`: the mapping set when it
 * does, `"no-set"` or `"no-version"` otherwise (Flow Service validates a flow's Mapping with it).
 */
export function mappingSetVersion(
  context: KindContext,
  scope: Scope,
  mappingId: string,
  version: number,
): JsonObject | "no-set" | "no-version" {
  const record = context.store.get("mappingSets", scope, mappingId) as MappingSetRecord | undefined;
  if (record === undefined) {
    return "no-set";
  }
  return record.versions[version] ?? "no-version";
}

function registerDataPrepRoutes(app: FastifyInstance, context: KindContext): void {
  const existing = (request: MappingSetRequest): MappingSetRecord => {
    const record = context.store.get("mappingSets", actorOf(request).scope, request.params.id);
    if (record === undefined) {
      // UNCONFIRMED: the mapping set API lists no 404 for an unknown id (the endpoint guide cited above); a 404
      // is the likelier answer.
      throw dataPrepError(404, "Not Found", `Mapping set ${request.params.id} was not found.`);
    }
    return record as MappingSetRecord;
  };

  app.post("/mappingSets", async (request) => {
    const actor = actorOf(request);
    const body = checkMappingSetBody(request.body, context, actor);
    const now = context.clock.now();
    const id = hex32();
    const identity: JsonObject = {
      id,
      version: 0,
      createdDate: now,
      modifiedDate: now,
      createdBy: actor.clientId,
      modifiedBy: actor.clientId,
    };
    const first: JsonObject = { ...identity, ...body, status: "DRAFT" };
    context.store.put("mappingSets", actor.scope, { id, versions: [first] });
    // Create answers 200 (not 201) with only the identity of the new set.
    return identity;
  });

  app.get("/mappingSets", async (request: MappingSetRequest) => {
    const { limit, start, name } = request.query;
    // Both are required (API reference); the 400 body is the emulator's own.
    if (!isCount(limit, 1) || !isCount(start, 0)) {
      throw dataPrepError(
        400,
        "Bad Request",
        "The query parameters 'limit' (a positive integer) and 'start' (an offset, 0 for the first page) are required.",
      );
    }
    const latest = context.store
      .list("mappingSets", actorOf(request).scope)
      .map((record) => (record as MappingSetRecord).versions.at(-1) as JsonObject)
      .filter((mappingSet) => name === undefined || mappingSet.name === name);
    const page = latest.slice(Number(start), Number(start) + Number(limit));
    return {
      data: page.map((mappingSet) => withLegacyMirrors(mappingSet)),
      _page: { count: page.length, limit: Number(limit) },
    };
  });

  app.get("/mappingSets/:id", async (request: MappingSetRequest) => {
    const record = existing(request);
    const mappingSet = versionOf(record, request.query.version);
    return request.query.expandSchema === "true"
      ? expanded(mappingSet, context, actorOf(request).scope)
      : mappingSet;
  });

  app.get("/mappingSets/:id/mappings", async (request: MappingSetRequest) => {
    const mappingSet = versionOf(existing(request), request.query.version);
    return (mappingSet.mappings as JsonObject[]).map((mapping) =>
      legacyMirror(mapping, mappingSet),
    );
  });

  app.put("/mappingSets/:id", async (request: MappingSetRequest) => {
    const actor = actorOf(request);
    const record = existing(request);
    const body = checkMappingSetBody(request.body, context, actor);
    const latest = record.versions.at(-1) as JsonObject;
    const { status: _status, ...kept } = latest;
    // A PUT makes the next version: creation date kept, new ids for every mapping (the sample
    // renews even the unchanged ones), no `status` in the answer.
    const previousOutput = latest.outputSchema as JsonObject;
    const sameSchema = body.xdmSchema === latest.xdmSchema;
    const next: JsonObject = {
      ...kept,
      ...body,
      // Data Prep's own id of the output schema stays while the schema does.
      outputSchema: sameSchema
        ? { ...(body.outputSchema as JsonObject), id: previousOutput.id }
        : body.outputSchema,
      version: record.versions.length,
      modifiedDate: context.clock.now(),
      modifiedBy: actor.clientId,
    };
    context.store.put("mappingSets", actor.scope, {
      ...record,
      versions: [...record.versions, next],
    });
    return next;
  });

  // Data Prep documents no DELETE for mapping sets (the current API reference has none; a 2020
  // draft had an empty heading). UNCONFIRMED what Adobe answers; the emulator answers 405, which
  // clients treat like 404: the set cannot be deleted and stays.
  app.delete("/mappingSets/:id", async (request: MappingSetRequest, reply) => {
    existing(request);
    reply.header("allow", "GET, PUT");
    throw dataPrepError(
      405,
      "Method Not Allowed",
      `Mapping sets cannot be deleted: Data Prep has no DELETE for ${request.params.id}. Leave it in place (a flow keeps the version it names).`,
    );
  });
}

/** Validates a create/PUT/validate body (current or legacy form) into the stored members. */
function checkMappingSetBody(body: unknown, context: KindContext, actor: Actor): JsonObject {
  if (!isPlainObject(body)) {
    throw invalid("The request body must be a JSON object describing the mapping set.");
  }
  // The legacy body of the sources tutorials names the schema in `xdmSchema` (a `$id` or a
  // `meta:altId`) and the mappings with `sourceAttribute`/`destinationXdmPath`.
  const legacy = body.outputSchema === undefined && body.xdmSchema !== undefined;
  const schemaReference = legacy
    ? body.xdmSchema
    : isPlainObject(body.outputSchema) && isPlainObject(body.outputSchema.schemaRef)
      ? body.outputSchema.schemaRef.id
      : undefined;
  if (typeof schemaReference !== "string" || schemaReference === "") {
    throw invalid("'outputSchema.schemaRef.id' must name the XDM schema of the mapping set.");
  }
  const schema = findSchema(context, actor.scope, schemaReference);
  if (schema === undefined) {
    throw invalid(`The output schema ${schemaReference} does not exist in this sandbox.`);
  }
  if (!Array.isArray(body.mappings)) {
    throw invalid("'mappings' must be an array of mappings.");
  }
  const seen = new Map<string, number>();
  const mappings = body.mappings.map((raw, index) => {
    const mapping = normalizedMapping(raw, index, legacy);
    const earlier = seen.get(String(mapping.destination));
    if (earlier !== undefined) {
      throw invalid(
        `mappings[${index}] and mappings[${earlier}] both map to '${String(mapping.destination)}'; a destination can be mapped once.`,
      );
    }
    seen.set(String(mapping.destination), index);
    return mapping;
  });
  const schemaRef = { id: schema.$id, contentType: FULL_SCHEMA };
  return {
    ...(typeof body.name === "string" ? { name: body.name } : {}),
    ...(isPlainObject(body.inputSchema) ? { inputSchema: body.inputSchema } : {}),
    supportVersion: "1.1",
    outputSchema: { id: hex32(), version: 0, schemaRef },
    mappings,
    strictMapping: false,
    allowNullValues: body.allowNullValues === true,
    xdmVersion: FULL_SCHEMA,
    schemaRef,
    xdmSchema: schema.$id,
  };
}

function normalizedMapping(raw: unknown, index: number, legacy: boolean): JsonObject {
  if (!isPlainObject(raw)) {
    throw invalid(`mappings[${index}] must be an object.`);
  }
  const source = legacy ? (raw.sourceAttribute ?? raw.source) : raw.source;
  const destination = legacy ? (raw.destinationXdmPath ?? raw.destination) : raw.destination;
  const sourceType = raw.sourceType ?? "ATTRIBUTE";
  if (typeof sourceType !== "string" || !ACCEPTED_SOURCE_TYPES.has(sourceType)) {
    throw invalid(
      `mappings[${index}].sourceType must be ATTRIBUTE, EXPRESSION or STATIC (got ${JSON.stringify(sourceType)}).`,
    );
  }
  for (const [field, value] of [
    ["source", source],
    ["destination", destination],
  ] as const) {
    if (typeof value !== "string" || value.trim() === "") {
      throw invalid(`mappings[${index}].${field} must be a non-empty string.`);
    }
  }
  return {
    id: hex32(),
    version: 0,
    sourceType: STORED_SOURCE_TYPES[sourceType] ?? sourceType,
    source,
    destination,
    ...(typeof raw.name === "string" ? { name: raw.name } : {}),
    ...(typeof raw.description === "string" ? { description: raw.description } : {}),
  };
}

/**
 * `?version=n` (an integer), or the latest when omitted: the API's default of 0 is UNCONFIRMED
 * (the endpoint guide cited above says nothing of an omitted version); the latest is the likelier reading.
 */
function versionOf(record: MappingSetRecord, requested: string | undefined): JsonObject {
  if (requested === undefined) {
    return record.versions.at(-1) as JsonObject;
  }
  const found = /^\d+$/.test(requested) ? record.versions[Number(requested)] : undefined;
  if (found === undefined) {
    throw dataPrepError(
      404,
      "Not Found",
      `Mapping set ${record.id} has no version ${requested} (versions 0 to ${record.versions.length - 1}).`,
    );
  }
  return found;
}

/** `expandSchema=true`: the output schema's fields under `outputSchema.jsonSchema`. */
function expanded(mappingSet: JsonObject, context: KindContext, scope: Scope): JsonObject {
  const schema = findSchema(context, scope, String(mappingSet.xdmSchema));
  const outputSchema = mappingSet.outputSchema as JsonObject;
  return {
    ...mappingSet,
    outputSchema: {
      ...outputSchema,
      jsonSchema: {
        title: schema?.title,
        description: schema?.description,
        type: "object",
        version: schema?.version,
        imsOrg: schema?.imsOrg,
        $id: mappingSet.xdmSchema,
      },
    },
  };
}

/** Lists carry the legacy mirror fields on every mapping. */
function withLegacyMirrors(mappingSet: JsonObject): JsonObject {
  return {
    ...mappingSet,
    mappings: (mappingSet.mappings as JsonObject[]).map((mapping) =>
      legacyMirror(mapping, mappingSet),
    ),
  };
}

function legacyMirror(mapping: JsonObject, mappingSet: JsonObject): JsonObject {
  return {
    ...mapping,
    createdDate: mappingSet.modifiedDate,
    modifiedDate: mappingSet.modifiedDate,
    createdBy: mappingSet.modifiedBy,
    modifiedBy: mappingSet.modifiedBy,
    identity: false,
    primaryIdentity: false,
    matchScore: 0,
    functionVersion: 1,
    sourceAttribute: mapping.source,
    destinationXdmPath: mapping.destination,
  };
}

function isCount(value: string | undefined, minimum: number): boolean {
  return value !== undefined && /^\d+$/.test(value) && Number(value) >= minimum;
}

/** Mapping-set and mapping ids: 32 lowercase hex, no dashes. */
function hex32(): string {
  return randomBytes(16).toString("hex");
}

function invalid(message: string): ApiError {
  return dataPrepError(400, "Bad Request", message);
}
