/**
 * The platform services the emulator serves. Serving one more is one routes module (its routes
 * and its not-found body) and one line here; the base path comes from the service table
 * (`provider/services.ts`). The gateway refuses every path of a service missing here, so a
 * service nobody registered is never served without authentication.
 */
import type { FastifyInstance } from "fastify";
import type { PlatformService } from "../services";
import { catalogRoutes } from "./catalog";
import { dataPrepRoutes } from "./dataPrep";
import type { ApiError } from "./errors";
import { flowServiceRoutes } from "./flowService";
import type { KindContext } from "./kinds/kind";
import { schemaRegistryRoutes } from "./schemaRegistry";

/** What a routes module gives the server. */
export interface ServiceRoutes {
  /** Registers the routes, relative to the service's base path (`/connections`, `/dataSets`). */
  register(app: FastifyInstance, context: KindContext): void;
  /** The service's answer to a path under its base path that no route serves. */
  notFound(method: string, path: string): ApiError;
}

export const SERVED_SERVICES: Readonly<Partial<Record<PlatformService, ServiceRoutes>>> = {
  flowService: flowServiceRoutes,
  catalog: catalogRoutes,
  schemaRegistry: schemaRegistryRoutes,
  dataPrep: dataPrepRoutes,
};

/** The routes of `service`, or undefined when the emulator does not serve it. */
export function routesOf(service: string): ServiceRoutes | undefined {
  return Object.hasOwn(SERVED_SERVICES, service)
    ? SERVED_SERVICES[service as PlatformService]
    : undefined;
}
