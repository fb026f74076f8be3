/**
 * The generic Flow Service instance handler: create, get, list, PATCH, DELETE and actions for
 * connections, source connections, target connections and flows, configured per kind.
 */
import { randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { isPlainObject } from "../resources/values";
import { ADOBE_SERVICES } from "../services";
import { badRequest, flowError, notFound, versionMismatch } from "./errors";
import { actorOf } from "./gateway";
import { assertRequired, type Actor, type InstanceKind, type KindContext } from "./kinds/kind";
import { listResponse, type QueryParams } from "./listQuery";
import { applyOperations, parsePatchBody, type PatchOperation } from "./patch";
import { newEtag, type JsonObject } from "./store";

/** Operations the action endpoint knows (Adobe's enum); only a kind's own actions succeed. */
const KNOWN_ACTIONS = ["enable", "disable", "finalize_update", "finalize", "publish"];

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

/** Registers the routes of one instance collection on the Flow Service plugin. */
export function registerInstanceRoutes(
  app: FastifyInstance,
  kind: InstanceKind,
  context: KindContext,
): void {
  const handler = new InstanceHandler(kind, context);
  const base = `/${kind.collection}`;
  app.post(base, (request, reply) => handler.create(request, reply));
  app.get(base, (request) => handler.list(request));
  app.get(`${base}/:id`, (request: IdRequest) => handler.get(request));
  app.patch(`${base}/:id`, (request: IdRequest) => handler.patch(request));
  app.delete(`${base}/:id`, (request: IdRequest, reply) => handler.delete(request, reply));
  app.post(`${base}/:id/action`, (request: IdRequest) => handler.action(request));
}

class InstanceHandler {
  constructor(
    private readonly kind: InstanceKind,
    private readonly context: KindContext,
  ) {}

  private get collection(): string {
    return this.kind.collection;
  }

  async create(request: FastifyRequest, reply: FastifyReply): Promise<JsonObject> {
    const actor = actorOf(request);
    const body = request.body;
    if (body === undefined || body === null) {
      throw badRequest("The request body is empty.", "1405");
    }
    if (!isPlainObject(body)) {
      throw badRequest("The request body must be a JSON object.");
    }
    if (body.state !== undefined) {
      throw badRequest("The attribute 'state' cannot be set when creating an entity.", "1410");
    }
    assertRequired(body, this.kind.required);
    const id = randomUUID();
    const fields = this.kind.build(body, id, actor, this.context);
    const now = this.context.clock.now();
    const etag = newEtag(now);
    const object: JsonObject = {
      id,
      ...auditFields(actor, now, true),
      sandboxId: actor.sandboxId,
      sandboxName: actor.scope.sandboxName,
      imsOrgId: actor.scope.orgId,
      ...fields,
      state: "enabled",
      version: etag,
      etag,
      ...(this.kind.hasLastOperation
        ? { lastOperation: { started: now, updated: 0, operation: "create" } }
        : {}),
    };
    this.context.store.put(this.kind.collection, actor.scope, object);
    this.kind.afterWrite?.({ type: "create", object }, this.context);
    reply
      .code(201)
      .header("location", `${ADOBE_SERVICES.flowService.basePath}/${this.collection}/${id}`);
    return { id, etag };
  }

  async get(request: IdRequest): Promise<JsonObject> {
    const object = this.existing(actorOf(request), request.params.id);
    return { items: [this.kind.present(object, this.context)] };
  }

  async list(request: FastifyRequest): Promise<JsonObject> {
    const items = this.context.store
      .list(this.kind.collection, actorOf(request).scope)
      .map((object) => this.kind.present(object, this.context));
    return listResponse(items, request.query as QueryParams, {
      collectionPath: `/${this.collection}`,
    });
  }

  /** PATCH: 404, then If-Match present (1403), then the body, then the version (412), then the result. */
  async patch(request: IdRequest): Promise<JsonObject> {
    const actor = actorOf(request);
    const previous = this.existing(actor, request.params.id);
    const ifMatch = request.headers["if-match"];
    if (ifMatch === undefined || ifMatch === "") {
      throw badRequest("The header 'If-Match' is missing in the request.", "1403");
    }
    const operations = parsePatchBody(request.body, this.collection, this.kind.patch);
    assertVersion(ifMatch, previous);
    let next = applyOperations(previous, operations);
    assertRequired(next, this.kind.required);
    next = this.kind.revalidate(next, previous, actor, this.context);
    const updated = this.touch(next, actor, operations);
    this.context.store.put(this.kind.collection, actor.scope, updated);
    this.kind.afterWrite?.({ type: "update", object: updated, previous, operations }, this.context);
    return { id: updated.id, etag: updated.etag };
  }

  async delete(request: IdRequest, reply: FastifyReply): Promise<void> {
    const actor = actorOf(request);
    const object = this.existing(actor, request.params.id);
    this.kind.assertDeletable(object, actor, this.context);
    this.context.store.remove(this.kind.collection, String(object.id));
    this.kind.afterWrite?.({ type: "delete", object }, this.context);
    reply.code(204);
  }

  /** `POST /{id}/action?op=...`: op case-insensitive, subOp optional, If-Match checked when sent. */
  async action(request: IdRequest): Promise<JsonObject> {
    const actor = actorOf(request);
    const object = this.existing(actor, request.params.id);
    const query = request.query as QueryParams;
    const op = String(query.op ?? "").toLowerCase();
    if (!KNOWN_ACTIONS.includes(op)) {
      throw badRequest(
        `Invalid op '${String(query.op ?? "")}'; expected one of ${KNOWN_ACTIONS.join(", ")}.`,
      );
    }
    const subOp = query.subOp === undefined ? undefined : String(query.subOp).toLowerCase();
    // Enable/disable take no sub operation; APPLY is tolerated because the spec marks subOp required.
    if (subOp !== undefined && subOp !== "apply") {
      throw badRequest(
        `Unsupported sub operation ${String(query.subOp)} received for operation ${op}.`,
        "1436",
      );
    }
    const ifMatch = request.headers["if-match"];
    if (ifMatch !== undefined) {
      assertVersion(ifMatch, object);
    }
    const transition = this.kind.actions[op];
    if (transition === undefined || object.state !== transition.from) {
      throw flowError(
        400,
        "1422",
        `The action ${op} cannot be applied on the current state ${String(object.state)}.`,
      );
    }
    const updated = this.touch({ ...object, state: transition.to }, actor, undefined, op);
    this.context.store.put(this.kind.collection, actor.scope, updated);
    this.kind.afterWrite?.({ type: "action", object: updated, op }, this.context);
    return { id: updated.id, etag: updated.etag };
  }

  private existing(actor: Actor, id: string): JsonObject {
    const object = this.context.store.get(this.kind.collection, actor.scope, id);
    if (object === undefined) {
      throw notFound(this.collection, id);
    }
    return object;
  }

  /** A new etag/version and update audit fields; `lastOperation` for the kinds that carry it. */
  private touch(
    object: JsonObject,
    actor: Actor,
    operations?: PatchOperation[],
    action?: string,
  ): JsonObject {
    const now = this.context.clock.now();
    const etag = newEtag(now);
    const touched: JsonObject = {
      ...object,
      ...auditFields(actor, now, false),
      version: etag,
      etag,
    };
    if (this.kind.hasLastOperation) {
      touched.lastOperation = {
        started: now,
        updated: now,
        percentCompleted: 100.0,
        status: { value: "completed", errors: [] },
        ...(operations !== undefined ? { ops: operations } : {}),
        operation: action ?? "update",
      };
    }
    return touched;
  }
}

/** `If-Match` must equal the current etag exactly, quotes included (an unquoted value is stale too). */
function assertVersion(ifMatch: string | string[], object: JsonObject): void {
  const supplied = Array.isArray(ifMatch) ? ifMatch.join(", ") : ifMatch;
  if (supplied !== object.etag) {
    throw versionMismatch(supplied, String(object.etag));
  }
}

/** createdAt/By/Client (on create) and updatedAt/By/Client; service tokens act as their client id. */
function auditFields(actor: Actor, now: number, created: boolean): JsonObject {
  const updated = { updatedAt: now, updatedBy: actor.clientId, updatedClient: actor.clientId };
  if (!created) {
    return updated;
  }
  return {
    createdAt: now,
    updatedAt: now,
    createdBy: actor.clientId,
    updatedBy: actor.clientId,
    createdClient: actor.clientId,
    updatedClient: actor.clientId,
  };
}
