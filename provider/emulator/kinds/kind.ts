/**
 * What differs between the four Flow Service instance collections. One generic handler
 * (`../instances.ts`) serves create/get/list/patch/delete/action for all of them; each kind only
 * states its required fields, patchable paths, validation, references and presentation.
 */
import { badRequest, flowError, type ApiError } from "../errors";
import { validateAgainstSchema, type SchemaSubset } from "../jsonSchema";
import type { PatchOperation, PatchRules } from "../patch";
import type { JsonObject, Scope, Store } from "../store";
import type { FlowServiceCollection } from "../../client/types";
import { isPlainObject, valueAt } from "../../resources/values";
import type { EmulatorClock } from "../clock";

/** Who is calling, as established by the gateway checks. */
export interface Actor {
  scope: Scope;
  sandboxId: string;
  /** The client id the token was issued to; Flow Service records it as createdBy/createdClient. */
  clientId: string;
}

/** What a kind may read while validating. */
export interface KindContext {
  store: Store;
  clock: EmulatorClock;
  connectionSpecs: JsonObject[];
  flowSpecs: JsonObject[];
}

/** The per-collection configuration of the generic instance handler. */
export interface InstanceKind {
  collection: FlowServiceCollection;
  /** Dotted paths a create body (and a patched object) must carry. */
  required: string[];
  patch: PatchRules;
  /** Source connections and flows carry a `lastOperation` record. */
  hasLastOperation: boolean;
  /** Validates a create body; returns the kind's own fields (system fields are added by the handler). */
  build(body: JsonObject, id: string, actor: Actor, context: KindContext): JsonObject;
  /** Re-validates (and normalizes) an object after PATCH. */
  revalidate(
    next: JsonObject,
    previous: JsonObject,
    actor: Actor,
    context: KindContext,
  ): JsonObject;
  /** Throws when other objects still depend on this one. */
  assertDeletable(object: JsonObject, actor: Actor, context: KindContext): void;
  /** The object as GET returns it (e.g. secrets masked). */
  present(object: JsonObject, context: KindContext): JsonObject;
  /** Actions besides the generic refusal (`POST /<collection>/{id}/action?op=...`): op → new state. */
  actions: Record<string, { from: string; to: string }>;
  /** Bookkeeping after a create/update/action/delete (run schedule cursors, dependent runs). */
  afterWrite?(event: WriteEvent, context: KindContext): void;
}

/** A change the handler applied, for {@link InstanceKind.afterWrite}. */
export type WriteEvent =
  | { type: "create"; object: JsonObject }
  | { type: "update"; object: JsonObject; previous: JsonObject; operations: PatchOperation[] }
  | { type: "action"; object: JsonObject; op: string }
  | { type: "delete"; object: JsonObject };

/** Throws a 400 naming the first required field that is missing or empty. */
export function assertRequired(object: JsonObject, fields: string[]): void {
  for (const field of fields) {
    const value = valueAt(object, field.split("."));
    if (value === undefined || value === null || value === "") {
      throw badRequest(`Required field '${field}' is missing in the request body.`);
    }
  }
  for (const field of ["name", "description"]) {
    if (object[field] !== undefined && typeof object[field] !== "string") {
      throw badRequest(`'${field}' must be a string.`);
    }
  }
}

/** Throws a 400 listing what `value` gets wrong against `schema`. */
export function assertMatchesSchema(
  value: unknown,
  schema: SchemaSubset | undefined,
  path: string,
): void {
  const problems = validateAgainstSchema(value, schema ?? {}, path);
  if (problems.length > 0) {
    throw badRequest(`Invalid ${path}: ${problems.join("; ")}.`);
  }
}

/** A seeded connection spec by id, or a 400 `1413`. */
export function connectionSpecOrFail(context: KindContext, id: unknown): JsonObject {
  const spec = context.connectionSpecs.find((candidate) => candidate.id === id);
  if (spec === undefined) {
    throw badRequest(
      `Connection spec ID '${String(id)}' is not valid: no connection spec with this ID exists.`,
      "1413",
    );
  }
  return spec;
}

/** A seeded flow spec by id, or a 400 `1413`. */
export function flowSpecOrFail(context: KindContext, id: unknown): JsonObject {
  const spec = context.flowSpecs.find((candidate) => candidate.id === id);
  if (spec === undefined) {
    throw badRequest(
      `Flow spec ID '${String(id)}' is not valid: no flow spec with this ID exists.`,
      "1413",
    );
  }
  return spec;
}

/** `{id, version}` as stored on instances: the version sent, else the spec's. */
export function specReference(requested: unknown, spec: JsonObject): JsonObject {
  const version =
    isPlainObject(requested) && typeof requested.version === "string"
      ? requested.version
      : spec.version;
  return { id: spec.id, version };
}

/** An instance referenced by another one, in the caller's scope, or a 400 naming it. */
export function referencedOrFail(
  context: KindContext,
  collection: FlowServiceCollection,
  actor: Actor,
  id: unknown,
  what: string,
): JsonObject {
  const object =
    typeof id === "string" ? context.store.get(collection, actor.scope, id) : undefined;
  if (object === undefined) {
    throw badRequest(`The ${what} '${String(id)}' does not exist in this sandbox.`);
  }
  return object;
}

/** Optional object member: undefined stays undefined, anything but an object is a 400. */
export function optionalObject(
  body: JsonObject,
  field: string,
  fallback?: JsonObject,
): JsonObject | undefined {
  const value = body[field];
  if (value === undefined) {
    return fallback;
  }
  if (!isPlainObject(value)) {
    throw badRequest(`'${field}' must be an object.`);
  }
  return value;
}

/** Flows that still use an instance, for the delete guards. */
export function flowsUsing(
  context: KindContext,
  actor: Actor,
  uses: (flow: JsonObject) => boolean,
): string[] {
  return context.store
    .list("flows", actor.scope)
    .filter(uses)
    .map((flow) => String(flow.id));
}

/** The documented `1447` refusal to delete a source/target connection a flow still uses. */
export function inUseByFlows(what: string, id: string, flowIds: string[]): ApiError {
  return flowError(
    400,
    "1447",
    `Found active flows containing id ${id} (${flowIds.join(", ")}). Delete those flows before deleting this ${what}.`,
  );
}

/** Includes `key: value` only when value is defined (keeps stored objects free of undefined members). */
export function defined(key: string, value: unknown): JsonObject {
  return value === undefined ? {} : { [key]: value };
}
