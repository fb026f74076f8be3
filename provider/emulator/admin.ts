/**
 * The admin API under `/__emulator` (no authentication): the handle's operations over HTTP, for
 * CI jobs that run the emulator as a separate process. Objects and logged requests come back with
 * their credentials redacted, since such jobs print them.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { isPlainObject } from "../resources/values";
import { adminError } from "./errors";
import { assertCollection, type Emulator } from "./emulator";
import type { Collection, FaultSpec, NextRunSpec } from "./types";

/** Where the admin API is mounted. */
export const ADMIN_BASE = "/__emulator";

type ObjectRequest = FastifyRequest<{ Params: { collection: string; id: string } }>;
type FlowRequest = FastifyRequest<{ Params: { id: string } }>;

export function registerAdminRoutes(app: FastifyInstance, emulator: Emulator): void {
  app.post("/faults", async (request, reply) => {
    guard(() => emulator.faults.add(request.body as FaultSpec));
    reply.code(201);
    return emulator.faults.list();
  });
  app.get("/faults", async () => emulator.faults.list());
  app.delete("/faults", async (_request, reply) => noContent(reply, () => emulator.faults.clear()));

  app.post("/reset", async (_request, reply) => noContent(reply, () => emulator.reset()));

  app.get("/clock", async () => ({ now: emulator.clock.now() }));
  app.post("/clock", async (request) => {
    const advanceMs = isPlainObject(request.body) ? request.body.advanceMs : undefined;
    if (typeof advanceMs !== "number") {
      throw adminError(400, 'Expected a JSON body {"advanceMs": <non-negative number>}.');
    }
    guard(() => emulator.advanceClock(advanceMs));
    return { now: emulator.clock.now() };
  });

  // The outcome of a flow's next run(s): `{"outcome": "failed"}`, see NextRunSpec.
  app.post("/flows/:id/nextRun", async (request: FlowRequest, reply) => {
    const { id } = request.params;
    if (!guard(() => emulator.armNextRun(id, request.body as NextRunSpec))) {
      throw adminError(404, `No flows object with id ${id}.`);
    }
    reply.code(201);
    return { flowId: id, ...emulator.runs.armedRuns()[id] };
  });

  app.get("/objects/:collection", async (request: ObjectRequest) =>
    guard(() => emulator.objects(checkedCollection(request.params.collection))).map((object) =>
      emulator.redacted(object),
    ),
  );
  app.patch("/objects/:collection/:id", async (request: ObjectRequest) => {
    const { collection, id } = request.params;
    if (!isPlainObject(request.body)) {
      throw adminError(400, "Expected a JSON object of changes to merge into the object.");
    }
    const changes = request.body;
    const edited = guard(() => emulator.editOutOfBand(checkedCollection(collection), id, changes));
    if (edited === undefined) {
      throw adminError(404, `No ${collection} object with id ${id}.`);
    }
    return emulator.redacted(edited);
  });
  app.delete("/objects/:collection/:id", async (request: ObjectRequest, reply) => {
    const { collection, id } = request.params;
    if (!guard(() => emulator.deleteOutOfBand(checkedCollection(collection), id))) {
      throw adminError(404, `No ${collection} object with id ${id}.`);
    }
    reply.code(204);
  });

  app.get("/requests", async () => emulator.requestLog.list());
  app.delete("/requests", async (_request, reply) =>
    noContent(reply, () => emulator.requestLog.clear()),
  );
}

function checkedCollection(collection: string): Collection {
  assertCollection(collection);
  return collection;
}

/** Runs an operation, turning its TypeError/RangeError (bad input) into a 400. */
function guard<T>(operation: () => T): T {
  try {
    return operation();
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError) {
      throw adminError(400, error.message);
    }
    throw error;
  }
}

function noContent(reply: FastifyReply, operation: () => void): void {
  operation();
  reply.code(204);
}
