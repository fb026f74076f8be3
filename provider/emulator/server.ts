/**
 * The HTTP server: one fastify instance serving IMS, Flow Service, Catalog and the admin API on a
 * single origin. Request hooks run in this order: request id and log entry, injected faults, run
 * catch-up, gateway checks; every error (fastify's own included) leaves in an Adobe-shaped body.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from "fastify";
import { ADMIN_BASE, registerAdminRoutes } from "./admin";
import { CATALOG_BASE, registerCatalogRoutes } from "./catalog";
import type { Emulator } from "./emulator";
import { adminError, ApiError, badRequest, faultError, flowError } from "./errors";
import { registerFlowServiceRoutes } from "./flowService";
import { assertJsonBody, authenticate, isJsonContentType, registerImsRoutes } from "./gateway";
import { FLOW_SERVICE_BASE } from "./instances";
import type { RequestState } from "./requestState";

/** Which part of the origin a path belongs to. */
type Area = "admin" | "ims" | "flowService" | "catalog" | "other";

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
    const error =
      areaOf(path) === "admin"
        ? adminError(404, `No admin route ${request.method} ${path}.`)
        : flowError(
            404,
            "1101",
            `No resource is served at ${request.method} ${path}.`,
            {},
            "Not found",
          );
    sendError(error, request, reply);
  });

  registerImsRoutes(app, emulator, emulator.credentials);
  void app.register(async (instance) => registerFlowServiceRoutes(instance, emulator), {
    prefix: FLOW_SERVICE_BASE,
  });
  void app.register(async (instance) => registerCatalogRoutes(instance, emulator), {
    prefix: CATALOG_BASE,
  });
  void app.register(async (instance) => registerAdminRoutes(instance, emulator), {
    prefix: ADMIN_BASE,
  });
  return app;
}

/** The first hook: request id, request log, faults, then the gateway for service calls. */
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
  if (area === "flowService" || area === "catalog") {
    emulator.catchUp();
    request.aep.actor = authenticate(request, emulator);
    assertJsonBody(request);
  }
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

function areaOf(path: string): Area {
  const under = (base: string): boolean => path === base || path.startsWith(`${base}/`);
  if (under(ADMIN_BASE)) {
    return "admin";
  }
  if (path.startsWith("/ims/")) {
    return "ims";
  }
  if (under(FLOW_SERVICE_BASE)) {
    return "flowService";
  }
  return under(CATALOG_BASE) ? "catalog" : "other";
}
