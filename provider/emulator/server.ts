/**
 * The HTTP server: one fastify instance serving IMS, the platform services of `routes.ts` and the
 * admin API on a single origin. Request hooks run in this order: request id and log entry,
 * injected faults, run catch-up, gateway checks; every error (fastify's own included) leaves in an
 * Adobe-shaped body.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from "fastify";
import { ADOBE_SERVICES, serviceOfPath, type AdobeService } from "../services";
import { ADMIN_BASE, registerAdminRoutes } from "./admin";
import type { Emulator } from "./emulator";
import { adminError, ApiError, badRequest, faultError, flowError } from "./errors";
import { flowServiceRoutes } from "./flowService";
import {
  assertJsonBody,
  authenticate,
  isJsonContentType,
  registerImsRoutes,
  unservedPath,
} from "./gateway";
import type { RequestState } from "./requestState";
import { routesOf, SERVED_SERVICES } from "./routes";

/** Which part of the origin a path belongs to: an Adobe service's base path, the admin API, or neither. */
type Area = AdobeService | "admin" | "unknown";

/** Largest request body accepted (Flow Service documents no limit; this is plenty for JSON). */
const BODY_LIMIT_BYTES = 5 * 1024 * 1024;

/** Builds the server (not listening yet). */
export function buildServer(emulator: Emulator): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT_BYTES,
    // Keep-alive sockets (fetch/undici keeps them open) must not hold close() up.
    forceCloseConnections: true,
    routerOptions: { ignoreTrailingSlash: true },
  });
  app.decorateRequest("aep", null as unknown as RequestState);
  installBodyParser(app);

  app.addHook("onRequest", async (request, reply) => beginRequest(emulator, request, reply));
  app.addHook("preHandler", async (request) => {
    const entry = request.aep.logEntry;
    if (entry !== undefined) {
      emulator.requestLog.setBody(entry, request.body);
    }
  });
  app.addHook("onSend", async (request, _reply, payload) => {
    // Persist before the client can see the answer, so an acknowledged write survives a restart.
    emulator.commit();
    if (request.aep?.dropAfterHandling === true) {
      request.raw.socket.destroy();
    }
    return payload;
  });
  app.addHook("onResponse", async (request, reply) => {
    const entry = request.aep?.logEntry;
    if (entry !== undefined && request.aep.dropAfterHandling !== true) {
      entry.status = reply.statusCode;
    }
  });

  app.setErrorHandler((error, request, reply) => sendError(toApiError(error), request, reply));
  app.setNotFoundHandler((request, reply) => {
    const path = pathOf(request.url);
    sendError(notFoundError(areaOf(path), request.method, path), request, reply);
  });

  void app.register(
    async (instance) => registerImsRoutes(instance, emulator, emulator.credentials),
    { prefix: ADOBE_SERVICES.ims.basePath },
  );
  for (const [service, routes] of Object.entries(SERVED_SERVICES)) {
    void app.register(async (instance) => routes.register(instance, emulator), {
      prefix: ADOBE_SERVICES[service as AdobeService].basePath,
    });
  }
  void app.register(async (instance) => registerAdminRoutes(instance, emulator), {
    prefix: ADMIN_BASE,
  });
  return app;
}

/**
 * The first hook: request id, request log, faults, then the gateway for everything but the admin
 * API and IMS. The gateway denies by default: a path outside every served service is refused once
 * the caller is authenticated, so nothing is ever served without the gateway's checks.
 */
async function beginRequest(
  emulator: Emulator,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const path = pathOf(request.url);
  const area = areaOf(path);
  const requestId = randomUUID();
  request.aep = { requestId };
  reply.header("x-request-id", requestId);
  if (area === "admin") {
    return;
  }
  request.aep.logEntry = emulator.requestLog.start(
    request.method,
    path,
    request.query,
    request.headers,
  );
  const fault = emulator.faults.take(request.method, path);
  if (fault !== undefined) {
    if (fault.latencyMs > 0) {
      await sleep(fault.latencyMs);
    }
    if (fault.dropBefore) {
      reply.hijack();
      request.raw.socket.destroy();
      return;
    }
    if (fault.status !== undefined) {
      throw faultError(fault.status, fault.retryAfter);
    }
    request.aep.dropAfterHandling = fault.dropAfter;
  }
  if (area === "ims") {
    return;
  }
  emulator.catchUp();
  request.aep.actor = authenticate(request, emulator);
  if (routesOf(area) === undefined) {
    throw unservedPath();
  }
  assertJsonBody(request);
}

/**
 * One parser for every content type: JSON for `application/json` and `+json`, form fields for the
 * token endpoint, the raw text otherwise (service routes refuse non-JSON bodies before parsing).
 * An empty body is no body, so `POST .../action` with a JSON Content-Type and nothing else works.
 */
function installBodyParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string" }, (request, body, done) => {
    const text = String(body);
    const contentType = request.headers["content-type"];
    if (text.trim() === "") {
      done(null, undefined);
    } else if (isJsonContentType(contentType)) {
      try {
        done(null, JSON.parse(text));
      } catch (error) {
        done(
          badRequest(`The request body is not valid JSON: ${(error as Error).message}`),
          undefined,
        );
      }
    } else if (
      contentType !== undefined &&
      /^application\/x-www-form-urlencoded/i.test(contentType)
    ) {
      done(null, Object.fromEntries(new URLSearchParams(text)));
    } else {
      done(null, text);
    }
  });
}

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) {
    return error;
  }
  const fastifyError = (error instanceof Error ? error : new Error(String(error))) as FastifyError;
  if (fastifyError.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
    return flowError(413, "1100", "The request body is too large.", {}, "Payload too large");
  }
  const status = fastifyError.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    return flowError(status, "1100", fastifyError.message);
  }
  return flowError(500, "1102", `Internal error in the emulator: ${fastifyError.message}`);
}

function sendError(error: ApiError, request: FastifyRequest, reply: FastifyReply): void {
  const requestId = request.aep?.requestId ?? randomUUID();
  void reply.code(error.status).headers(error.headers).send(error.body(requestId));
}

function pathOf(url: string): string {
  const query = url.indexOf("?");
  return query === -1 ? url : url.slice(0, query);
}

/** Only the admin API, IMS and served services get here: the gateway refused every other path. */
function notFoundError(area: Area, method: string, path: string): ApiError {
  if (area === "admin") {
    return adminError(404, `No admin route ${method} ${path}.`);
  }
  // IMS serves only its token endpoint; its other paths keep Flow Service's generic not-found.
  return (routesOf(area) ?? flowServiceRoutes).notFound(method, path);
}

function areaOf(path: string): Area {
  if (path === ADMIN_BASE || path.startsWith(`${ADMIN_BASE}/`)) {
    return "admin";
  }
  return serviceOfPath(path) ?? "unknown";
}
