/**
 * Flow Service's routes, mounted under its base path: the four instance collections (one generic
 * handler), runs, explore/test, and the read-only specs, as the Flow Service API reference
 * (https://developer.adobe.com/experience-platform-apis/references/flow-service/) describes them.
 */
import type { FastifyInstance } from "fastify";
import { flowError, notFound } from "./errors";
import { registerExploreRoutes } from "./explore";
import { registerInstanceRoutes } from "./instances";
import { connectionsKind } from "./kinds/connections";
import { flowsKind } from "./kinds/flows";
import type { InstanceKind, KindContext } from "./kinds/kind";
import { sourceConnectionsKind } from "./kinds/sourceConnections";
import { targetConnectionsKind } from "./kinds/targetConnections";
import { listResponse, type QueryParams } from "./listQuery";
import { registerRunRoutes } from "./runs";
import type { ServiceRoutes } from "./routes";
import { cloneJson } from "./store";

/** The instance kinds, in dependency order (a flow needs connections, which need base connections). */
export const INSTANCE_KINDS: readonly InstanceKind[] = [
  connectionsKind,
  sourceConnectionsKind,
  targetConnectionsKind,
  flowsKind,
];

export const flowServiceRoutes: ServiceRoutes = {
  register(app: FastifyInstance, context: KindContext): void {
    for (const kind of INSTANCE_KINDS) {
      registerInstanceRoutes(app, kind, context);
    }
    registerRunRoutes(app, context);
    registerExploreRoutes(app, context);
    registerSpecRoutes(app, "connectionSpecs", context.connectionSpecs);
    registerSpecRoutes(app, "flowSpecs", context.flowSpecs);
  },
  notFound: (method, path) =>
    flowError(404, "1101", `No resource is served at ${method} ${path}.`, {}, "Not found"),
};

/** Specs are global (not org/sandbox scoped) and read-only. */
function registerSpecRoutes(
  app: FastifyInstance,
  collection: string,
  specs: readonly Record<string, unknown>[],
): void {
  app.get(`/${collection}`, async (request) =>
    listResponse(cloneJson([...specs]), request.query as QueryParams, {
      collectionPath: `/${collection}`,
    }),
  );
  app.get<{ Params: { id: string } }>(`/${collection}/:id`, async (request) => {
    const spec = specs.find((candidate) => candidate.id === request.params.id);
    if (spec === undefined) {
      throw notFound(collection, request.params.id);
    }
    return { items: [cloneJson(spec)] };
  });
}
