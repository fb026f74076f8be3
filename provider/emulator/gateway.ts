/**
 * Authentication, as Adobe splits it: the IMS token endpoint issues bearer tokens, and the API
 * gateway in front of every platform service checks the token, the API key, the org header and
 * the sandbox header before a service sees the request.
 */
import { createHash, randomBytes } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { isPlainObject } from "../resources/values";
import { contentTypeError, flowError, gatewayError, imsError, type ApiError } from "./errors";
import type { Actor, KindContext } from "./kinds/kind";

/** Token lifetime IMS reports in `expires_in` (seconds, about 24 h). */
export const TOKEN_LIFETIME_SECONDS = 86399;

/** The token endpoint under IMS's base path: the current v3 and the older v2 some Postman samples still use. */
const TOKEN_PATHS = ["/token/v3", "/token/v2"];

/** Fixed credentials for the token endpoint; by default any non-empty pair is accepted. */
export interface Credentials {
  clientId?: string;
  clientSecret?: string;
}

/** Registers `POST /ims/token/v3` on an instance mounted at IMS's base path (form fields in the body or the query string). */
export function registerImsRoutes(
  app: FastifyInstance,
  context: KindContext,
  credentials: Credentials,
): void {
  for (const path of TOKEN_PATHS) {
    app.post(path, async (request) => {
      const fields = {
        ...(request.query as Record<string, unknown>),
        ...(isPlainObject(request.body) ? request.body : {}),
      };
      const clientId = checkTokenRequest(fields, credentials);
      const token = newAccessToken(clientId, context.clock.now());
      context.store.tokens.set(token, {
        clientId,
        expiresAt: context.clock.now() + TOKEN_LIFETIME_SECONDS * 1000,
      });
      context.store.markDirty();
      return { access_token: token, token_type: "bearer", expires_in: TOKEN_LIFETIME_SECONDS };
    });
  }
}

/** Validates a client-credentials request; returns the client id or throws an IMS error. */
function checkTokenRequest(fields: Record<string, unknown>, credentials: Credentials): string {
  if (fields.grant_type !== "client_credentials") {
    throw imsError(400, "unsupported_grant_type", "grant_type must be client_credentials");
  }
  const clientId = typeof fields.client_id === "string" ? fields.client_id : "";
  const clientSecret = typeof fields.client_secret === "string" ? fields.client_secret : "";
  if (clientId === "") {
    throw imsError(400, "invalid_client", "missing client_id parameter");
  }
  if (clientSecret === "") {
    throw imsError(401, "invalid_client", "missing client_secret parameter");
  }
  const fixed = credentials.clientId !== undefined || credentials.clientSecret !== undefined;
  if (fixed && (clientId !== credentials.clientId || clientSecret !== credentials.clientSecret)) {
    throw imsError(401, "invalid_client", "invalid client_id or client_secret");
  }
  return clientId;
}

/** A JWT-looking opaque token (header.payload.signature); only the emulator's token table gives it meaning. */
function newAccessToken(clientId: string, now: number): string {
  const encode = (value: object): string =>
    Buffer.from(JSON.stringify(value)).toString("base64url");
  const header = encode({ alg: "RS256", typ: "JWT", x5u: "emulator" });
  const payload = encode({
    id: randomBytes(8).toString("hex"),
    type: "access_token",
    client_id: clientId,
    created_at: String(now),
    expires_in: String(TOKEN_LIFETIME_SECONDS * 1000),
  });
  return `${header}.${payload}.${randomBytes(24).toString("base64url")}`;
}

/**
 * The gateway checks, in the order they are reported: token present (403010), API key present
 * (403000), token valid and unexpired on the emulator clock (401013), API key equal to the token's
 * client id (403003), org header (400003), then Flow Service's own sandbox check (2105).
 * The sandbox header is required. Adobe's pages disagree (the destinations guides let a missing
 * header mean `prod`; the Flow Service error messages,
 * https://experienceleague.adobe.com/en/docs/experience-platform/sources/errors/flow-service-errors,
 * list `2105-400` for it); requiring it catches clients that forget it.
 */
export function authenticate(request: FastifyRequest, context: KindContext): Actor {
  const authorization = header(request, "authorization");
  if (authorization === undefined) {
    throw gatewayError(403, "403010", "Oauth token is missing.");
  }
  const apiKey = header(request, "x-api-key");
  if (apiKey === undefined) {
    throw gatewayError(403, "403000", "Api Key is required");
  }
  const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
  const issued = token === undefined ? undefined : context.store.tokens.get(token);
  if (issued === undefined || issued.expiresAt <= context.clock.now()) {
    throw gatewayError(401, "401013", "Oauth token is not valid");
  }
  if (apiKey !== issued.clientId) {
    throw gatewayError(403, "403003", "Api Key is invalid");
  }
  const orgId = header(request, "x-gw-ims-org-id");
  if (orgId === undefined) {
    throw gatewayError(400, "400003", "Missing header");
  }
  const sandboxName = header(request, "x-sandbox-name");
  if (sandboxName === undefined) {
    throw flowError(
      400,
      "2105",
      "The header x-sandbox-name is missing. Set it to the name of the sandbox, for example prod.",
    );
  }
  return {
    scope: { orgId, sandboxName },
    sandboxId: sandboxIdFor(orgId, sandboxName),
    clientId: issued.clientId,
  };
}

/** POST/PUT/PATCH with a body need a JSON Content-Type (`application/json`, `...+json`). */
export function assertJsonBody(request: FastifyRequest): void {
  if (!["POST", "PUT", "PATCH"].includes(request.method)) {
    return;
  }
  const length = header(request, "content-length");
  const hasBody =
    (length !== undefined && length !== "0") || header(request, "transfer-encoding") !== undefined;
  if (hasBody && !isJsonContentType(header(request, "content-type"))) {
    throw contentTypeError();
  }
}

/** True for `application/json` and `application/<anything>+json`, with or without parameters. */
export function isJsonContentType(contentType: string | undefined): boolean {
  return contentType !== undefined && /^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(contentType);
}

/**
 * The gateway's refusal of a path it routes to no service the emulator serves (an unknown path,
 * or a service such as Schema Registry whose routes are not registered), once the caller passed
 * {@link authenticate}: the gateway's 403003, the answer Adobe users report for an API key whose
 * project does not include the API called.
 */
export function unservedPath(): ApiError {
  return gatewayError(403, "403003", "Api Key is invalid");
}

/** The caller established by {@link authenticate}; only valid on the routes of a served service. */
export function actorOf(request: FastifyRequest): Actor {
  const actor = request.aep.actor;
  if (actor === undefined) {
    throw new Error(`no authenticated caller on ${request.method} ${request.url}`);
  }
  return actor;
}

/** A stable sandbox UUID per org and sandbox name (so it survives restarts). */
function sandboxIdFor(orgId: string, sandboxName: string): string {
  const hex = createHash("sha1").update(`${orgId}/${sandboxName}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text.trim() === "" ? undefined : text.trim();
}
