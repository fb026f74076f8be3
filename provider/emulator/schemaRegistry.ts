/**
 * The Schema Registry slice a source pipeline needs: tenant schemas (create, lookup, list, JSON
 * Patch, PUT, delete) built from the seeded standard classes and field groups, which are
 * read-only in the `global` container. Behaviour follows the schemas endpoint guide
 * (https://experienceleague.adobe.com/en/docs/experience-platform/xdm/api/schemas), the
 * getting-started guide's `Accept` rules
 * (https://experienceleague.adobe.com/en/docs/experience-platform/xdm/api/getting-started) and the
 * troubleshooting guide's error bodies
 * (https://experienceleague.adobe.com/en/docs/experience-platform/xdm/troubleshooting-guide).
 */
import { createHash, randomBytes } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { applyPatch, JsonPatchError, type Operation } from "fast-json-patch";
import { isPlainObject } from "../resources/values";
import { PROFILE_UNION_TAG } from "../resources/xdmIds";
import { ADOBE_SERVICES } from "../services";
import { xdmError, type ApiError } from "./errors";
import { actorOf } from "./gateway";
import type { Actor, KindContext } from "./kinds/kind";
import type { ServiceRoutes } from "./routes";
import type { JsonObject, Scope } from "./store";
import {
  STANDARD_RESOURCES,
  standardResource,
  standardView,
  type StandardResource,
} from "./xdmLibrary";

/** The tag that puts a schema in its class's Profile union (one-way). */
const UNION_TAG = PROFILE_UNION_TAG;

/**
 * The registry's codes the emulator uses. 1006/1007 (Accept), 1010/1012 (not found), 1521
 * (title) are Adobe's; the others are the emulator's own choice, for refusals Adobe documents
 * without a code (marked below).
 */
const CODES = {
  acceptList: "1006",
  acceptLookup: "1007",
  classNotFound: "1010",
  // Adobe: "the digit depends on the resource type"; 1011 for field groups is the emulator's pick.
  fieldGroupNotFound: "1011",
  schemaNotFound: "1012",
  titleNotUnique: "1521",
  // Emulator's own codes (no published code): bad body, one-way tag, breaking change, in use.
  invalidRequest: "1000",
  immutableTag: "1530",
  breakingChange: "1531",
  inUse: "1532",
} as const;

/** `Accept` formats of a lookup (schemas endpoint guide, "Look up a schema"). */
const LOOKUP_FORMATS = new Set([
  "xed",
  "xed-full",
  "xed-notext",
  "xed-full-notext",
  "xed-full-desc",
  "xed-deprecatefield",
]);
/** `Accept` formats of a list: summaries or the stored form, never versioned. */
const LIST_FORMATS = new Set(["xed-id", "xed"]);
/** A list returns at most this many results (Schema Registry appendix). */
const MAX_RESULTS = 300;

const ACCEPT_PATTERN =
  /^application\/vnd\.adobe\.([a-z-]+)\+json\s*(?:;\s*version\s*=\s*([^;\s]+)\s*)?$/i;

/** Members a client may write; the rest is the registry's. */
const WRITABLE = new Set([
  "title",
  "description",
  "type",
  "allOf",
  "meta:extends",
  "meta:immutableTags",
]);

type IdRequest = FastifyRequest<{ Params: { id: string }; Querystring: Record<string, string> }>;

export const schemaRegistryRoutes: ServiceRoutes = {
  register: registerSchemaRegistryRoutes,
  notFound: (method, path) =>
    xdmError(
      404,
      CODES.schemaNotFound,
      "Resource not found",
      `No resource is served at ${method} ${path}.`,
      // The routes table's not-found answer has no emulator clock at hand; the wall clock it is.
      Date.now(),
    ),
};

/**
 * The tenant id of an org: Adobe assigns one per org and uses it in every tenant `$id` and as the
 * `_<tenant>` field namespace. The emulator derives a stable one from the org id.
 */
export function tenantIdOf(orgId: string): string {
  return `tenant${createHash("sha1").update(orgId).digest("hex").slice(0, 8)}`;
}

/** The tenant schema with this `$id` or `meta:altId` in `scope`, stored form with its internal id. */
export function findSchema(
  context: KindContext,
  scope: Scope,
  reference: string,
): JsonObject | undefined {
  const altId = altIdOf(reference);
  return altId === undefined ? undefined : context.store.get("schemas", scope, altId);
}

/** Whether a stored schema carries the Profile union tag. */
export function isUnionTagged(schema: JsonObject): boolean {
  const tags = schema["meta:immutableTags"];
  return Array.isArray(tags) && tags.includes(UNION_TAG);
}

function registerSchemaRegistryRoutes(app: FastifyInstance, context: KindContext): void {
  const fail = (status: number, code: string, title: string, message: string): ApiError =>
    xdmError(status, code, title, message, context.clock.now());
  const registry = new TenantSchemas(context, fail);

  app.get("/stats", async (request) => registry.stats(actorOf(request)));

  for (const [path, resourceType] of [
    ["classes", "classes"],
    ["fieldgroups", "mixins"],
  ] as const) {
    const standard = STANDARD_RESOURCES.filter(
      (resource) => resource.resourceType === resourceType,
    );
    app.get(`/global/${path}`, async (request) =>
      listBody(request, standard.map(standardView), fail),
    );
    app.get(`/global/${path}/:id`, async (request: IdRequest) => {
      const format = lookupFormat(request.headers.accept, fail);
      const resource = standardResource(request.params.id);
      if (resource === undefined || resource.resourceType !== resourceType) {
        throw notFoundOf(resourceType, request.params.id, fail);
      }
      return render(standardView(resource), format);
    });
  }

  app.get("/tenant/schemas", async (request) =>
    listBody(request, context.store.list("schemas", actorOf(request).scope).map(stored), fail),
  );
  app.post("/tenant/schemas", async (request, reply: FastifyReply) => {
    reply.code(201);
    return registry.create(actorOf(request), request.body);
  });
  app.get("/tenant/schemas/:id", async (request: IdRequest) => {
    const format = lookupFormat(request.headers.accept, fail);
    return render(stored(registry.existing(actorOf(request), request.params.id)), format);
  });
  app.patch("/tenant/schemas/:id", async (request: IdRequest) =>
    registry.patch(actorOf(request), request.params.id, request.body),
  );
  app.put("/tenant/schemas/:id", async (request: IdRequest) =>
    registry.replace(actorOf(request), request.params.id, request.body),
  );
  app.delete("/tenant/schemas/:id", async (request: IdRequest, reply: FastifyReply) => {
    registry.delete(actorOf(request), request.params.id);
    reply.code(204);
  });
}

type Fail = (status: number, code: string, title: string, message: string) => ApiError;

/** What a schema's `allOf` resolves to. */
interface Composition {
  classId: string;
  fieldGroups: StandardResource[];
  extends: string[];
}

class TenantSchemas {
  constructor(
    private readonly context: KindContext,
    private readonly fail: Fail,
  ) {}

  stats(actor: Actor): JsonObject {
    const schemas = this.context.store.list("schemas", actor.scope).map(stored);
    const classUsage: Record<string, unknown[]> = {};
    for (const schema of schemas) {
      (classUsage[String(schema["meta:class"])] ??= []).push({
        $id: schema.$id,
        title: schema.title,
        description: schema.description,
      });
    }
    const recent = (key: "repo:createdDate" | "repo:lastModifiedDate"): JsonObject[] =>
      [...schemas]
        .sort((a, b) => Number(metadataOf(b)[key]) - Number(metadataOf(a)[key]))
        .slice(0, 5)
        .map((schema) => ({
          title: schema.title,
          description: schema.description,
          "meta:resourceType": "schemas",
          "meta:created": metadataOf(schema)["repo:createdDate"],
          "meta:updated": metadataOf(schema)["repo:lastModifiedDate"],
          version: schema.version,
          $id: schema.$id,
          "meta:altId": schema["meta:altId"],
        }));
    return {
      imsOrg: actor.scope.orgId,
      tenantId: tenantIdOf(actor.scope.orgId),
      counts: {
        schemas: schemas.length,
        mixins: 0,
        datatypes: 0,
        classes: 0,
        unions: new Set(schemas.filter(isUnionTagged).map((schema) => schema["meta:class"])).size,
      },
      recentlyCreatedResources: recent("repo:createdDate"),
      recentlyUpdatedResources: recent("repo:lastModifiedDate"),
      classUsage,
    };
  }

  create(actor: Actor, body: unknown): JsonObject {
    const fields = this.writableFields(body);
    if (typeof fields.title !== "string" || fields.title.trim() === "") {
      throw this.invalid("The schema needs a non-empty 'title'.");
    }
    const composition = this.compose(fields.allOf);
    this.assertTitleUnique(actor.scope, fields.title, undefined);
    const tenant = tenantIdOf(actor.scope.orgId);
    const hex = randomBytes(24).toString("hex");
    const now = this.context.clock.now();
    const schema: JsonObject = {
      id: `_${tenant}.schemas.${hex}`,
      $id: `https://ns.adobe.com/${tenant}/schemas/${hex}`,
      "meta:altId": `_${tenant}.schemas.${hex}`,
      "meta:resourceType": "schemas",
      version: "1.0",
      title: fields.title,
      type: "object",
      ...(fields.description !== undefined ? { description: fields.description } : {}),
      allOf: allOfOf(composition),
      imsOrg: actor.scope.orgId,
      "meta:extensible": false,
      "meta:abstract": false,
      "meta:extends": composition.extends,
      "meta:xdmType": "object",
      "meta:registryMetadata": {
        "repo:createdDate": now,
        "repo:lastModifiedDate": now,
        "xdm:createdClientId": actor.clientId,
        "xdm:lastModifiedClientId": actor.clientId,
        "xdm:createdUserId": actor.clientId,
        "xdm:lastModifiedUserId": actor.clientId,
        eTag: newRegistryEtag(),
        "meta:globalLibVersion": "1.53.3",
      },
      "meta:class": composition.classId,
      "meta:containerId": "tenant",
      "meta:sandboxId": actor.sandboxId,
      "meta:sandboxType": actor.scope.sandboxName === "prod" ? "production" : "development",
      "meta:tenantNamespace": `_${tenant}`,
      ...this.tagsOf(fields["meta:immutableTags"], []),
    };
    this.context.store.put("schemas", actor.scope, schema);
    return stored(schema);
  }

  existing(actor: Actor, reference: string): JsonObject {
    const schema = findSchema(this.context, actor.scope, reference);
    if (schema === undefined) {
      throw this.fail(
        404,
        CODES.schemaNotFound,
        "Resource Not Found",
        `Requested resource ${reference} with version 1 is not found`,
      );
    }
    return schema;
  }

  /** JSON Patch on the stored form; `meta:extends` is then derived from `allOf` again. */
  patch(actor: Actor, reference: string, body: unknown): JsonObject {
    const previous = this.existing(actor, reference);
    if (!Array.isArray(body) || body.length === 0) {
      throw this.invalid("The request body must be a non-empty JSON Patch array.");
    }
    for (const operation of body) {
      const member =
        isPlainObject(operation) && typeof operation.path === "string"
          ? decodePointer(operation.path.split("/")[1] ?? "")
          : undefined;
      if (member === undefined || !WRITABLE.has(member)) {
        throw this.invalid(
          `Cannot patch ${JSON.stringify(isPlainObject(operation) ? operation.path : operation)}: only ${[...WRITABLE].join(", ")} can be changed.`,
        );
      }
    }
    let patched: JsonObject;
    try {
      patched = applyPatch(
        stored(previous),
        structuredClone(body) as Operation[],
        true,
        false,
      ).newDocument;
    } catch (error) {
      if (error instanceof JsonPatchError) {
        throw this.invalid(`The JSON Patch cannot be applied: ${error.message.split("\n")[0]}`);
      }
      throw error;
    }
    // A patch that removes the member removes its tags (PUT, below, keeps them when absent).
    patched["meta:immutableTags"] ??= [];
    return this.update(actor, previous, patched);
  }

  /** PUT: a full create-style body replaces the writable members. */
  replace(actor: Actor, reference: string, body: unknown): JsonObject {
    const previous = this.existing(actor, reference);
    const fields = this.writableFields(body);
    const next: JsonObject = { ...stored(previous), ...fields };
    if (fields.description === undefined) {
      delete next.description;
    }
    if (
      fields["meta:immutableTags"] === undefined &&
      previous["meta:immutableTags"] !== undefined
    ) {
      next["meta:immutableTags"] = previous["meta:immutableTags"];
    }
    return this.update(actor, previous, next);
  }

  delete(actor: Actor, reference: string): void {
    const schema = this.existing(actor, reference);
    // A Profile-enabled schema cannot be deleted (Profile enablement planning,
    // https://experienceleague.adobe.com/en/docs/experience-platform/xdm/schema/profile-enablement-planning);
    // Adobe publishes no code for the refusal.
    if (isUnionTagged(schema)) {
      throw this.fail(
        400,
        CODES.immutableTag,
        "Schema is enabled for Profile",
        `The schema ${String(schema.$id)} is enabled for Real-Time Customer Profile and cannot be deleted.`,
      );
    }
    // UNCONFIRMED whether the registry refuses to delete a schema a dataset uses (the schemas
    // guide, https://experienceleague.adobe.com/en/docs/experience-platform/xdm/api/schemas, says
    // nothing of it); the emulator takes the likelier reading (it does), so a pipeline must
    // delete the dataset first.
    const datasets = this.datasetsUsing(actor.scope, String(schema.$id));
    if (datasets.length > 0) {
      throw this.fail(
        400,
        CODES.inUse,
        "Schema is in use",
        `The schema ${String(schema.$id)} is used by dataset(s) ${datasets.join(", ")}. Delete those datasets first.`,
      );
    }
    this.context.store.remove("schemas", String(schema.id));
  }

  private update(actor: Actor, previous: JsonObject, next: JsonObject): JsonObject {
    if (typeof next.title !== "string" || next.title.trim() === "") {
      throw this.invalid("The schema needs a non-empty 'title'.");
    }
    if (next.description !== undefined && typeof next.description !== "string") {
      throw this.invalid("'description' must be a string.");
    }
    const composition = this.compose(next.allOf);
    const before = this.compose(previous.allOf);
    const tags = this.tagsOf(next["meta:immutableTags"], asStrings(previous["meta:immutableTags"]));
    this.assertEvolution(actor.scope, previous, before, composition);
    if (next.title !== previous.title) {
      this.assertTitleUnique(actor.scope, next.title, String(previous.$id));
    }
    const fieldsChanged =
      composition.classId !== before.classId ||
      refsOf(composition).join(" ") !== refsOf(before).join(" ");
    const metadata = metadataOf(previous);
    const updated: JsonObject = {
      ...previous,
      title: next.title,
      allOf: allOfOf(composition),
      "meta:extends": composition.extends,
      "meta:class": composition.classId,
      // The minor version moves when the fields change (a field group added), not for a tag or
      // a title (schemas endpoint guide samples: 1.0 -> 1.1 on a field group, no bump on "union").
      version: fieldsChanged ? bumpMinor(previous.version) : previous.version,
      "meta:registryMetadata": {
        ...metadata,
        "repo:lastModifiedDate": this.context.clock.now(),
        "xdm:lastModifiedClientId": actor.clientId,
        "xdm:lastModifiedUserId": actor.clientId,
        eTag: newRegistryEtag(),
      },
      ...tags,
    };
    if (next.description === undefined) {
      delete updated.description;
    } else {
      updated.description = next.description;
    }
    this.context.store.put("schemas", actor.scope, updated);
    return stored(updated);
  }

  /**
   * Once a dataset uses the schema or it is enabled for Profile, only additive changes pass.
   * CONFLICT: the getting-started guide starts the restriction when the dataset has ingested data,
   * the troubleshooting guide when a dataset exists; the emulator cannot ingest, so it takes the
   * latter.
   */
  private assertEvolution(
    scope: Scope,
    previous: JsonObject,
    before: Composition,
    after: Composition,
  ): void {
    const restricted =
      isUnionTagged(previous) || this.datasetsUsing(scope, String(previous.$id)).length > 0;
    if (!restricted) {
      return;
    }
    const removed = refsOf(before).filter((ref) => !refsOf(after).includes(ref));
    if (after.classId !== before.classId || removed.length > 0) {
      const what =
        after.classId !== before.classId
          ? `its class (${before.classId} -> ${after.classId})`
          : `field group(s) ${removed.join(", ")}`;
      throw this.fail(
        400,
        CODES.breakingChange,
        "Breaking schema change",
        `The schema ${String(previous.$id)} is used by a dataset or enabled for Profile, so only additive changes are allowed; this change removes ${what}.`,
      );
    }
  }

  private datasetsUsing(scope: Scope, schemaId: string): string[] {
    return this.context.store
      .list("dataSets", scope)
      .filter((dataset) => isPlainObject(dataset.schemaRef) && dataset.schemaRef.id === schemaId)
      .map((dataset) => String(dataset.id));
  }

  /** `meta:immutableTags` after a write: strings only, and `union` never removed once set. */
  private tagsOf(value: unknown, previous: string[]): JsonObject {
    if (value === undefined) {
      return previous.length > 0 ? { "meta:immutableTags": previous } : {};
    }
    if (!Array.isArray(value) || value.some((tag) => typeof tag !== "string")) {
      throw this.invalid("'meta:immutableTags' must be an array of strings.");
    }
    const tags = [...new Set(value as string[])];
    // Immutable tags are set once and never removed (Profile enablement planning page); Adobe
    // documents no code for the refusal.
    const dropped = previous.filter((tag) => !tags.includes(tag));
    if (dropped.length > 0) {
      throw this.fail(
        400,
        CODES.immutableTag,
        "Immutable tag cannot be removed",
        `The tag(s) ${dropped.join(", ")} of meta:immutableTags cannot be removed: a schema enabled for Profile stays enabled.`,
      );
    }
    return tags.length > 0 ? { "meta:immutableTags": tags } : {};
  }

  private assertTitleUnique(scope: Scope, title: unknown, self: string | undefined): void {
    const clash = this.context.store
      .list("schemas", scope)
      .find((schema) => schema.title === title && schema.$id !== self);
    if (clash !== undefined) {
      throw this.fail(
        400,
        CODES.titleNotUnique,
        "Title not unique",
        `Object titles must be unique. An object ${String(clash.$id)} already exists with the same title`,
      );
    }
  }

  /** Exactly one class, then field groups meant for that class; all of them must exist. */
  private compose(allOf: unknown): Composition {
    if (!Array.isArray(allOf) || allOf.length === 0) {
      throw this.invalid("'allOf' must reference exactly one class and optional field groups.");
    }
    const refs = allOf.map((item, index) => {
      if (!isPlainObject(item) || typeof item.$ref !== "string" || item.$ref === "") {
        throw this.invalid(`'allOf[${index}]' must be an object with a '$ref'.`);
      }
      return item.$ref;
    });
    const resolved = refs.map((ref) => {
      const resource = standardResource(ref);
      if (resource === undefined) {
        throw notFoundOf(/\/classes\//.test(ref) ? "classes" : "mixins", ref, this.fail);
      }
      return resource;
    });
    const classes = resolved.filter((resource) => resource.resourceType === "classes");
    const [schemaClass] = classes;
    if (classes.length !== 1 || schemaClass === undefined) {
      throw this.invalid(
        `'allOf' must reference exactly one class; it references ${classes.length}${classes.length > 0 ? ` (${classes.map((c) => c.$id).join(", ")})` : ""}.`,
      );
    }
    const fieldGroups = resolved.filter((resource) => resource.resourceType === "mixins");
    for (const group of fieldGroups) {
      if (!(group.intendedToExtend ?? []).includes(schemaClass.$id)) {
        throw this.invalid(
          `The field group ${group.$id} (${group.title}) cannot be used with the class ${schemaClass.$id}: it extends ${(group.intendedToExtend ?? []).join(", ")}.`,
        );
      }
    }
    const unique = [...new Map(fieldGroups.map((group) => [group.$id, group])).values()];
    return {
      classId: schemaClass.$id,
      fieldGroups: unique,
      extends: [
        ...new Set([schemaClass.$id, ...schemaClass.extends, ...unique.map((group) => group.$id)]),
      ],
    };
  }

  /** The members of a create or PUT body the registry takes (read-only ones are ignored). */
  private writableFields(body: unknown): JsonObject {
    if (!isPlainObject(body)) {
      throw this.invalid("The request body must be a JSON object describing the schema.");
    }
    if (body.type !== undefined && body.type !== "object") {
      throw this.invalid("'type' must be \"object\".");
    }
    // CONFLICT: the OpenAPI spec marks `description` required, the schemas guide does not; the
    // emulator follows the guide (optional), which accepts every body the spec accepts.
    if (body.description !== undefined && typeof body.description !== "string") {
      throw this.invalid("'description' must be a string.");
    }
    return Object.fromEntries(Object.entries(body).filter(([key]) => WRITABLE.has(key)));
  }

  private invalid(message: string): ApiError {
    return this.fail(400, CODES.invalidRequest, "Invalid request", message);
  }
}

/** The stored form without the emulator's internal id. */
function stored(schema: JsonObject): JsonObject {
  const { id: _id, ...rest } = schema;
  return structuredClone(rest);
}

function allOfOf(composition: Composition): JsonObject[] {
  return [composition.classId, ...composition.fieldGroups.map((group) => group.$id)].map(
    ($ref) => ({ $ref, type: "object", "meta:xdmType": "object" }),
  );
}

function refsOf(composition: Composition): string[] {
  return composition.fieldGroups.map((group) => group.$id).sort();
}

function metadataOf(schema: JsonObject): JsonObject {
  const metadata = schema["meta:registryMetadata"];
  return isPlainObject(metadata) ? metadata : {};
}

function asStrings(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((item): item is string => typeof item === "string")
    : [];
}

/** "1.0" -> "1.1", "1.9" -> "1.10": the major version stays 1 (Accept `version=1`). */
function bumpMinor(version: unknown): string {
  const [major = "1", minor = "0"] = String(version).split(".");
  return `${major}.${Number(minor) + 1}`;
}

/** The registry's `eTag`: 64 hex characters, no quotes (no write consumes it). */
function newRegistryEtag(): string {
  return randomBytes(32).toString("hex");
}

/** `$id` or `meta:altId` of a tenant schema -> its `meta:altId`. */
function altIdOf(reference: string): string | undefined {
  const fromId = /^https?:\/\/ns\.adobe\.com\/([^/]+)\/schemas\/([0-9a-f]+)$/.exec(reference);
  if (fromId !== null) {
    return `_${fromId[1]}.schemas.${fromId[2]}`;
  }
  return /^_[^.]+\.schemas\.[0-9a-f]+$/.test(reference) ? reference : undefined;
}

function decodePointer(segment: string): string {
  return segment.replaceAll("~1", "/").replaceAll("~0", "~");
}

function notFoundOf(resourceType: "classes" | "mixins", id: string, fail: Fail): ApiError {
  const isClass = resourceType === "classes";
  return fail(
    404,
    isClass ? CODES.classNotFound : CODES.fieldGroupNotFound,
    "Resource not found",
    `The requested ${isClass ? "class" : "mixin"} resource ${id} with version 1 is not found.`,
  );
}

/** A lookup's format from `Accept`; it must name a representation and `version=1`. */
function lookupFormat(accept: string | undefined, fail: Fail): string {
  const match = ACCEPT_PATTERN.exec(accept ?? "");
  const format = match?.[1]?.toLowerCase();
  if (match === null || format === undefined || !LOOKUP_FORMATS.has(format) || match[2] !== "1") {
    const missingVersion = match !== null && match[2] === undefined;
    throw fail(
      400,
      CODES.acceptLookup,
      "Accept header invalid",
      `The supplied Accept header is not valid: ${accept ?? ""} - A valid Accept value should look like application/vnd.adobe.'{xed|xdm'}+json; version=1${missingVersion ? " (Version should be specified)" : ""}`,
    );
  }
  return format;
}

/** A list's format from `Accept`: `xed-id` or `xed`, and no version. */
function listFormat(accept: string | undefined, fail: Fail): string {
  const match = ACCEPT_PATTERN.exec(accept ?? "");
  const format = match?.[1]?.toLowerCase();
  if (
    match === null ||
    format === undefined ||
    !LIST_FORMATS.has(format) ||
    match[2] !== undefined
  ) {
    throw fail(
      400,
      CODES.acceptList,
      "Accept header invalid",
      `The supplied Accept header is not valid: ${accept ?? ""} - A valid Accept value should look like application/vnd.adobe.{xed|xdm}+json`,
    );
  }
  return format;
}

/** A schema (or standard resource) in the representation `format` asks for. */
function render(resource: JsonObject, format: string): JsonObject {
  let view = structuredClone(resource);
  if (format.startsWith("xed-full") || format === "xed-deprecatefield") {
    view = resolved(view);
  } else if (view["meta:resourceType"] === "schemas") {
    delete view.properties;
  }
  return format.endsWith("notext") ? withoutText(view) : view;
}

/** The `xed-full` form: `allOf` replaced by the `properties` of the class and field groups. */
function resolved(view: JsonObject): JsonObject {
  if (view["meta:resourceType"] !== "schemas") {
    return view;
  }
  const { allOf, ...rest } = view;
  const properties: JsonObject = {};
  for (const item of Array.isArray(allOf) ? allOf : []) {
    const resource = isPlainObject(item) ? standardResource(String(item.$ref)) : undefined;
    mergeProperties(properties, structuredClone(resource?.properties ?? {}));
  }
  return { ...rest, properties };
}

function mergeProperties(target: JsonObject, source: JsonObject): void {
  for (const [name, field] of Object.entries(source)) {
    const current = target[name];
    if (
      isPlainObject(current) &&
      isPlainObject(current.properties) &&
      isPlainObject(field) &&
      isPlainObject(field.properties)
    ) {
      mergeProperties(current.properties, field.properties);
    } else {
      target[name] = field;
    }
  }
}

/** The `notext` forms: no `title` or `description` anywhere. */
function withoutText(value: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [key, member] of Object.entries(value)) {
    if (key === "title" || key === "description") {
      continue;
    }
    out[key] = isPlainObject(member) ? withoutText(member) : member;
  }
  return out;
}

/**
 * A registry listing: `property` filters (`==`, `!=`, `<`, `>`, `<=`, `>=`, `~` regex, or a bare
 * name for "exists"), `orderby` with keyset paging through `start` and `limit` (both only with
 * `orderby`), at most 300 results (Schema Registry appendix,
 * https://experienceleague.adobe.com/en/docs/experience-platform/xdm/api/appendix).
 */
function listBody(request: FastifyRequest, resources: JsonObject[], fail: Fail): JsonObject {
  const format = listFormat(request.headers.accept, fail);
  const query = request.query as Record<string, string | string[] | undefined>;
  const filters = [query.property ?? []].flat().map((filter) => propertyFilter(filter, fail));
  let results = resources.filter((resource) => filters.every((matches) => matches(resource)));
  const orderby =
    typeof query.orderby === "string" && query.orderby !== "" ? query.orderby : undefined;
  let next: string | null = null;
  const limit = Math.min(Number(query.limit ?? MAX_RESULTS) || MAX_RESULTS, MAX_RESULTS);
  if (orderby !== undefined) {
    const descending = orderby.startsWith("-");
    const field = orderby.replace(/^[-+]/, "").split(",")[0] ?? "title";
    const key = (resource: JsonObject): string => String(resource[field] ?? "");
    results.sort((a, b) => key(a).localeCompare(key(b)) * (descending ? -1 : 1));
    const start = typeof query.start === "string" ? query.start : undefined;
    if (start !== undefined) {
      results = results.filter((resource) =>
        descending ? key(resource) < start : key(resource) > start,
      );
    }
    if (results.length > limit) {
      results = results.slice(0, limit);
      next = key(results[results.length - 1] ?? {});
    }
  } else {
    results = results.slice(0, MAX_RESULTS);
  }
  // Links are absolute, on the origin that was called (platform.adobe.io in Adobe's samples).
  const origin = `${request.protocol}://${request.headers.host ?? "localhost"}`;
  const nextQuery = new URLSearchParams(
    Object.entries(query).flatMap(([name, value]) =>
      [value ?? []].flat().map((item): [string, string] => [name, item]),
    ),
  );
  nextQuery.set("start", next ?? "");
  return {
    results: results.map((resource) =>
      format === "xed-id"
        ? {
            $id: resource.$id,
            "meta:altId": resource["meta:altId"],
            version: resource.version,
            title: resource.title,
          }
        : render(resource, "xed"),
    ),
    _page: { orderby: orderby ?? null, next, count: results.length },
    _links: {
      next:
        next === null
          ? null
          : { href: `${origin}${request.url.split("?")[0]}?${nextQuery.toString()}` },
      global_schemas: {
        href: `${origin}${ADOBE_SERVICES.schemaRegistry.basePath}/global/schemas`,
      },
    },
  };
}

function propertyFilter(filter: string, fail: Fail): (resource: JsonObject) => boolean {
  const match = /^(.*?)(==|!=|<=|>=|<|>|~)(.*)$/s.exec(filter);
  if (match === null) {
    const field = filter.trim();
    return (resource) => resource[field] !== undefined;
  }
  const [, rawField = "", operator, value = ""] = match;
  const field = rawField.trim();
  let pattern: RegExp | undefined;
  if (operator === "~") {
    try {
      pattern = new RegExp(value);
    } catch {
      throw fail(
        400,
        CODES.invalidRequest,
        "Invalid request",
        `The property filter '${filter}' has an invalid regular expression.`,
      );
    }
  }
  return (resource) => {
    const actual = resource[field];
    const candidates = Array.isArray(actual)
      ? actual.map(String)
      : actual === undefined
        ? []
        : [String(actual)];
    switch (operator) {
      case "==":
        return candidates.includes(value);
      case "!=":
        return !candidates.includes(value);
      case "~":
        return candidates.some((candidate) => pattern?.test(candidate) === true);
      case "<":
        return candidates.some((candidate) => candidate < value);
      case ">":
        return candidates.some((candidate) => candidate > value);
      case "<=":
        return candidates.some((candidate) => candidate <= value);
      default:
        return candidates.some((candidate) => candidate >= value);
    }
  };
}
