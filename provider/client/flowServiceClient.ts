/**
 * The typed Adobe client behind every resource: Flow Service, the Catalog calls of `Dataset`, and
 * the IMS token exchange, over got. got is ESM-only and this package compiles to CommonJS, so it
 * is loaded with `await import("got")` the first time a request is made. Nothing got-related
 * exists at module scope: Pulumi serializes provider closures, and a module-scope got instance
 * would be captured and break that.
 */
import type { Got, OptionsInit, Response } from "got" with { "resolution-mode": "import" };
import {
  FlowServiceError,
  toFlowServiceError,
  unexpectedResponse,
  type AdobeService,
  type ErrorContext,
} from "./errors";
import { createLimiter } from "./limiter";
import {
  makeCalculateDelay,
  resolveRetryPolicy,
  RETRY_ERROR_CODES,
  RETRY_STATUS_CODES,
  type RequestContext,
  type RetryClass,
  type RetryEvent,
  type RetryPolicy,
} from "./retry";
import { SERVICE_PATHS, SETTINGS, SettingsError, type FlowServiceSettings } from "./settings";
import { TokenCache, type IssuedToken } from "./token";
import type {
  AepClient,
  FlowServiceCollection,
  FlowServiceObject,
  IdAndEtag,
  JsonPatchOperation,
  ListQuery,
} from "./types";

/** Options of {@link createAepClient}; all optional, the defaults suit production. */
export interface AepClientOptions {
  /** Overrides of {@link DEFAULT_RETRY_POLICY} (tests use millisecond delays). */
  retry?: Partial<RetryPolicy>;
  /** Timeout of one HTTP attempt, in ms. @default 60000 */
  timeoutMs?: number;
  /** `User-Agent` header. @default "pulumi-aep-flow" */
  userAgent?: string;
  /** Most Flow Service and Catalog requests in flight at once (IMS excluded). @default 8 */
  maxConcurrency?: number;
  /** Called before each retry, with the delay about to be applied. Carries no credential. */
  onRetry?: (event: RetryEvent) => void;
  /** Clock for token expiry, in epoch ms. @default Date.now */
  now?: () => number;
  /** Source of backoff jitter in [0, 1). @default Math.random */
  random?: () => number;
}

/** One HTTP attempt may take a while: Flow Service validates specs and schemas synchronously. */
export const DEFAULT_TIMEOUT_MS = 60_000;
/** Enough parallelism for a typical stack, little enough not to trip the gateway's throttling. */
export const DEFAULT_MAX_CONCURRENCY = 8;
export const DEFAULT_USER_AGENT = "pulumi-aep-flow";
/** A broken server could hand out `_links.next` forever; stop well after any real listing. */
const MAX_PAGES = 10_000;

interface Transport {
  /** IMS and anything without Adobe platform headers. */
  base: Got;
  /** Flow Service and Catalog: platform headers, bearer token, 401 renewal. */
  platform: Got;
}

interface CallSpec {
  service: Exclude<AdobeService, "ims">;
  method: "GET" | "POST" | "PATCH" | "DELETE";
  url: URL;
  json?: unknown;
  headers?: Record<string, string>;
  retryClass: RetryClass;
}

interface CallResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  /** Retries it took (0 when the first attempt answered). */
  retryCount: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const segment = encodeURIComponent;

/**
 * Creates the client for one set of settings. Cheap: got is loaded, and a token requested, only
 * when the first request is made. Every method rejects with a {@link FlowServiceError}.
 */
export function createAepClient(
  settings: FlowServiceSettings,
  options: AepClientOptions = {},
): AepClient {
  const policy = resolveRetryPolicy(options.retry);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const limit = createLimiter(options.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY);
  const fixedToken = settings.accessToken;
  const platformOrigin = new URL(settings.platformUrl).origin;
  const flowBase = `${settings.platformUrl}${SERVICE_PATHS.flowService}`;
  const catalogBase = `${settings.platformUrl}${SERVICE_PATHS.catalog}`;

  const tokens = new TokenCache(issueToken, options.now);
  const errorContext: ErrorContext = {
    fixedToken: fixedToken !== undefined,
    secrets: () =>
      [settings.clientSecret, fixedToken, ...tokens.secrets()].filter(
        (value): value is string => typeof value === "string" && value !== "",
      ),
  };

  let transport: Promise<Transport> | undefined;
  function loadTransport(): Promise<Transport> {
    transport ??= buildTransport().catch((error: unknown) => {
      transport = undefined;
      throw error;
    });
    return transport;
  }

  async function buildTransport(): Promise<Transport> {
    const { default: got } = await import("got");
    const base = got.extend({
      timeout: { request: timeoutMs },
      responseType: "json",
      headers: {
        "user-agent": options.userAgent ?? DEFAULT_USER_AGENT,
        accept: "application/json",
      },
      retry: {
        limit: policy.limit,
        // POST is listed so got considers it; calculateDelay vetoes unsafe replays of creates.
        methods: ["GET", "HEAD", "PUT", "PATCH", "DELETE", "POST"],
        statusCodes: [...RETRY_STATUS_CODES],
        errorCodes: [...RETRY_ERROR_CODES],
        // got would give up on a Retry-After above this; calculateDelay caps the wait instead.
        maxRetryAfter: Number.POSITIVE_INFINITY,
        backoffLimit: policy.maxDelayMs,
        noise: 0,
        calculateDelay: makeCalculateDelay(
          policy,
          options.random ?? Math.random,
          (value) => FlowServiceError.is(value),
          options.onRetry,
        ),
      },
      hooks: {
        beforeError: [(error) => toFlowServiceError(error, errorContext)],
      },
    });
    const platform = base.extend({
      headers: {
        "x-api-key": settings.apiKey,
        "x-gw-ims-org-id": settings.orgId,
        "x-sandbox-name": settings.sandboxName,
      },
      hooks: {
        // Runs before every attempt, so a retry after a long backoff carries a fresh token.
        beforeRequest: [
          async (requestOptions) => {
            requestOptions.headers.authorization = `Bearer ${await currentToken()}`;
          },
        ],
        afterResponse: [
          async (response, retryWithMergedOptions) => {
            if (response.statusCode !== 401 || fixedToken !== undefined) return response;
            // The token may have been revoked or rotated: renew it once and replay. got drops the
            // afterResponse hooks on that replay, so a second 401 becomes the error.
            const sent = String(response.request.options.headers.authorization ?? "");
            const fresh = await tokens.renewAfterRejection(sent.replace(/^Bearer /, ""));
            return retryWithMergedOptions({ headers: { authorization: `Bearer ${fresh}` } });
          },
        ],
      },
    });
    return { base, platform };
  }

  function currentToken(): Promise<string> {
    return fixedToken === undefined ? tokens.get() : Promise.resolve(fixedToken);
  }

  /** `POST /ims/token/v3` with the client credentials in the form body (never the query). */
  async function issueToken(): Promise<IssuedToken> {
    const { clientId, clientSecret } = settings;
    if (!clientId || !clientSecret) {
      throw new SettingsError(
        `No access token and no OAuth credential: set ${SETTINGS.clientId.config} and ` +
          `${SETTINGS.clientSecret.config} (${SETTINGS.clientId.env}, ${SETTINGS.clientSecret.env}), ` +
          `or ${SETTINGS.accessToken.config} (${SETTINGS.accessToken.env}).`,
      );
    }
    const { base } = await loadTransport();
    const url = new URL(`${settings.imsUrl}${SERVICE_PATHS.imsToken}`);
    const context: RequestContext = { service: "ims", retryClass: "idempotent" };
    const response = (await base(url, {
      method: "POST",
      form: {
        grant_type: "client_credentials",
        client_id: clientId,
        client_secret: clientSecret,
        scope: settings.scopes,
      },
      context,
    })) as Response<unknown>;
    const body = response.body;
    const accessToken = isRecord(body) ? body.access_token : undefined;
    const expiresIn = isRecord(body) ? Number(body.expires_in) : Number.NaN;
    if (typeof accessToken !== "string" || accessToken === "") {
      throw unexpectedResponse({
        service: "ims",
        method: "POST",
        url,
        status: response.statusCode,
        headers: response.headers,
        body,
        expected: "an access_token",
        hideBody: true,
      });
    }
    // IMS v3 gives seconds; without a usable value assume one hour (renewal after 401 covers us).
    const expiresInMs = Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn * 1000 : 3_600_000;
    return { accessToken, expiresInMs };
  }

  /** One logical call: token first (so IMS failures surface as they are), then the request. */
  async function call(spec: CallSpec): Promise<CallResult> {
    const { platform } = await loadTransport();
    await currentToken();
    const context: RequestContext = { service: spec.service, retryClass: spec.retryClass };
    const request: OptionsInit = { method: spec.method, context };
    if (spec.json !== undefined) request.json = spec.json;
    if (spec.headers) request.headers = spec.headers;
    return limit(async () => {
      const response = (await platform(spec.url, request)) as Response<unknown>;
      return {
        status: response.statusCode,
        headers: response.headers,
        body: response.body,
        retryCount: response.retryCount,
      };
    });
  }

  function unexpected(spec: CallSpec, result: CallResult, expected: string): FlowServiceError {
    return unexpectedResponse({
      service: spec.service,
      method: spec.method,
      url: spec.url,
      status: result.status,
      headers: result.headers,
      body: result.body,
      expected,
    });
  }

  /** GET that resolves `undefined` when the object does not exist. */
  async function getOrMissing(spec: CallSpec): Promise<CallResult | undefined> {
    try {
      return await call(spec);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  /**
   * DELETE. `deleted` is false only when the first attempt found nothing: a 404 on a retry means
   * an earlier attempt deleted the object and its answer was lost.
   */
  async function deleteOrMissing(
    spec: CallSpec,
  ): Promise<{ deleted: boolean; result?: CallResult }> {
    try {
      return { deleted: true, result: await call(spec) };
    } catch (error) {
      if (isMissing(error)) return { deleted: error.attempts > 1 };
      throw error;
    }
  }

  async function expectIdAndEtag(spec: CallSpec): Promise<IdAndEtag> {
    const result = await call(spec);
    const { body } = result;
    if (isRecord(body) && typeof body.id === "string" && typeof body.etag === "string") {
      return { id: body.id, etag: body.etag };
    }
    throw unexpected(spec, result, "the expected {id, etag}");
  }

  function flowUrl(path: string): URL {
    return new URL(`${flowBase}${path}`);
  }

  function catalogUrl(path: string): URL {
    return new URL(`${catalogBase}${path}`);
  }

  /** Resolves `_links.next.href` (relative to the Flow Service base), refusing other hosts. */
  function nextPageUrl(href: string, spec: CallSpec, result: CallResult): URL {
    const basePath = new URL(flowBase).pathname;
    let url: URL;
    if (/^https?:\/\//i.test(href)) url = new URL(href);
    else if (href.startsWith(`${basePath}/`)) url = new URL(href, platformOrigin);
    else url = new URL(`${flowBase}${href.startsWith("/") ? "" : "/"}${href}`);
    // Never send the bearer token to another host because a response said so.
    if (url.origin !== platformOrigin)
      throw unexpected(spec, result, "a next link on the same host");
    return url;
  }

  /** The first element of Flow Service's `{items: [...]}` envelope, `undefined` when empty. */
  function firstItem(spec: CallSpec, result: CallResult): Record<string, unknown> | undefined {
    const { body } = result;
    if (!isRecord(body) || !Array.isArray(body.items)) {
      throw unexpected(spec, result, "an {items: [...]} envelope");
    }
    const first: unknown = body.items[0];
    if (first === undefined) return undefined;
    if (!isRecord(first)) throw unexpected(spec, result, "an object in items");
    return first;
  }

  const client: AepClient = {
    create(collection, body) {
      return expectIdAndEtag({
        service: "flowService",
        method: "POST",
        url: flowUrl(`/${collection}`),
        json: body,
        retryClass: "create",
      });
    },

    async get(collection, id) {
      const spec: CallSpec = {
        service: "flowService",
        method: "GET",
        url: flowUrl(`/${collection}/${segment(id)}`),
        retryClass: "idempotent",
      };
      const result = await getOrMissing(spec);
      if (!result) return undefined;
      const item = firstItem(spec, result);
      if (!item) return undefined;
      const object = toFlowServiceObject(item);
      if (!object || object.etag === "")
        throw unexpected(spec, result, "an object with id and etag");
      return object;
    },

    patch(collection, id, operations: JsonPatchOperation[], etag) {
      return expectIdAndEtag({
        service: "flowService",
        method: "PATCH",
        url: flowUrl(`/${collection}/${segment(id)}`),
        json: operations,
        // Sent exactly as Flow Service returned it, double quotes included (reference §8).
        headers: { "if-match": etag },
        retryClass: "idempotent",
      });
    },

    async delete(collection, id) {
      const { deleted } = await deleteOrMissing({
        service: "flowService",
        method: "DELETE",
        url: flowUrl(`/${collection}/${segment(id)}`),
        retryClass: "idempotent",
      });
      return deleted;
    },

    async list(collection: FlowServiceCollection | "runs", query: ListQuery = {}) {
      const first = flowUrl(`/${collection}`);
      for (const property of query.property ?? []) first.searchParams.append("property", property);
      if (query.limit !== undefined) first.searchParams.set("limit", String(query.limit));
      if (query.orderby !== undefined) first.searchParams.set("orderby", query.orderby);
      const objects: FlowServiceObject[] = [];
      const seen = new Set<string>();
      let url: URL | undefined = first;
      while (url) {
        const spec: CallSpec = {
          service: "flowService",
          method: "GET",
          url,
          retryClass: "idempotent",
        };
        seen.add(url.href);
        const result = await call(spec);
        const { body } = result;
        if (!isRecord(body) || !Array.isArray(body.items)) {
          throw unexpected(spec, result, "an {items: [...]} envelope");
        }
        for (const item of body.items) {
          const object = isRecord(item) ? toFlowServiceObject(item) : undefined;
          if (!object) throw unexpected(spec, result, "objects with an id in items");
          objects.push(object);
        }
        const links = isRecord(body._links) ? body._links : {};
        const href = isRecord(links.next) ? links.next.href : undefined;
        url = typeof href === "string" && href !== "" ? nextPageUrl(href, spec, result) : undefined;
        if (url && (seen.has(url.href) || seen.size >= MAX_PAGES)) {
          throw unexpected(spec, result, "a next link that moves forward");
        }
      }
      return objects;
    },

    flowAction(id, op) {
      const url = flowUrl(`/flows/${segment(id)}/action`);
      url.searchParams.set("op", op);
      // Enabling an enabled flow changes nothing, so a replay is harmless.
      return expectIdAndEtag({
        service: "flowService",
        method: "POST",
        url,
        retryClass: "idempotent",
      });
    },

    async getSpec(kind, id) {
      const spec: CallSpec = {
        service: "flowService",
        method: "GET",
        url: flowUrl(`/${kind}/${segment(id)}`),
        retryClass: "idempotent",
      };
      const result = await getOrMissing(spec);
      return result ? firstItem(spec, result) : undefined;
    },

    async createDataset(body) {
      const spec: CallSpec = {
        service: "catalog",
        method: "POST",
        url: catalogUrl("/dataSets"),
        json: body,
        retryClass: "create",
      };
      const result = await call(spec);
      // Catalog answers `["@/dataSets/<id>"]`.
      const ref: unknown = Array.isArray(result.body) ? result.body[0] : undefined;
      const id = typeof ref === "string" ? /^@\/dataSets\/([^/?#]+)$/.exec(ref)?.[1] : undefined;
      if (!id) throw unexpected(spec, result, 'the expected ["@/dataSets/<id>"]');
      return id;
    },

    async getDataset(id) {
      const spec: CallSpec = {
        service: "catalog",
        method: "GET",
        url: catalogUrl(`/dataSets/${segment(id)}`),
        retryClass: "idempotent",
      };
      const result = await getOrMissing(spec);
      if (!result) return undefined;
      // Catalog answers `{ "<id>": {...} }`.
      const { body } = result;
      if (!isRecord(body)) throw unexpected(spec, result, 'the expected {"<id>": {...}}');
      const entry = body[id];
      if (isRecord(entry)) return entry;
      const values = Object.values(body);
      if (values.length === 0) return undefined;
      if (values.length === 1 && isRecord(values[0])) return values[0];
      throw unexpected(spec, result, `the dataset ${id}`);
    },

    async updateDataset(id, changes) {
      // Catalog merges the partial object, so replaying it is harmless.
      await call({
        service: "catalog",
        method: "PATCH",
        url: catalogUrl(`/dataSets/${segment(id)}`),
        json: changes,
        retryClass: "idempotent",
      });
    },

    async deleteDataset(id) {
      const { deleted, result } = await deleteOrMissing({
        service: "catalog",
        method: "DELETE",
        url: catalogUrl(`/dataSets/${segment(id)}`),
        retryClass: "idempotent",
      });
      if (!result) return deleted;
      // Catalog may answer 200 `[]` when nothing matched: already gone, unless we retried.
      const nothingMatched = Array.isArray(result.body) && result.body.length === 0;
      return !(nothingMatched && result.retryCount === 0);
    },
  };
  return client;
}

/**
 * Whether an error means "this object does not exist": a 404 in Adobe's JSON formats. A 404 that
 * names a missing sandbox, or an HTML/text 404 from something that is not the Adobe API (a wrong
 * `aep:platformUrl`), is not treated as missing: a refresh would otherwise drop every resource
 * from the state.
 */
function isMissing(error: unknown): error is FlowServiceError {
  if (!FlowServiceError.is(error) || error.status !== 404) return false;
  if (/^(FLOW-)?21\d\d-404$/.test(error.code ?? "")) return false;
  const body = error.response?.body;
  return !(typeof body === "string" && body.trim() !== "");
}

/** Normalizes a Flow Service object: `id` required; `etag` from `etag`/`eTag` (runs), else "". */
function toFlowServiceObject(item: Record<string, unknown>): FlowServiceObject | undefined {
  if (typeof item.id !== "string" || item.id === "") return undefined;
  const etag =
    typeof item.etag === "string" ? item.etag : typeof item.eTag === "string" ? item.eTag : "";
  return { ...item, id: item.id, etag };
}
