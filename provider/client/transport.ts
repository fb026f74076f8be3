/**
 * The HTTP side of the Adobe client: the got instances with their hooks (bearer token, 401
 * renewal, error mapping) and retry configuration, the concurrency limit, and the one `call` (and
 * its paging variant) every endpoint module goes through. got is ESM-only and this package
 * compiles to CommonJS, so it is loaded with `await import("got")` on the first request.
 */
import type { Got, OptionsInit, Response } from "got" with { "resolution-mode": "import" };
import { PACKAGE_NAME, PACKAGE_VERSION } from "../resources/packageCopy";
import { serviceInfo, type PlatformService } from "../services";
import {
  UnexpectedShape,
  unexpected,
  type Answer,
  type PageReader,
  type Platform,
  type PlatformRequest,
} from "./endpoint";
import { toFlowServiceError, unexpectedResponse, type ErrorContext } from "./failures";
import { requestImsToken } from "./imsToken";
import { createLimiter } from "./limiter";
import {
  makeCalculateDelay,
  resolveRetryPolicy,
  RETRY_ERROR_CODES,
  RETRY_STATUS_CODES,
  type RequestContext,
  type RetryEvent,
  type RetryPolicy,
} from "./retry";
import type { FlowServiceSettings } from "./settings";
import { TokenCache } from "./token";

/** Options of a client; all optional, the defaults suit production. */
export interface AepClientOptions {
  /** Overrides of `DEFAULT_RETRY_POLICY` (tests use millisecond delays). */
  retry?: Partial<RetryPolicy>;
  /** Timeout of one HTTP attempt, in ms. @default 60000 */
  timeoutMs?: number;
  /** `User-Agent` header. @default "pulumi-aep-flow/<version>", this copy's package.json version */
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

/** What a transport serves: everything but the org and sandbox, which each client names. */
export type TransportSettings = Omit<FlowServiceSettings, "orgId" | "sandboxName">;

/** The org and sandbox every platform request of one client is sent to. */
export type ClientScope = Pick<FlowServiceSettings, "orgId" | "sandboxName">;

export interface Transport {
  /** The endpoints' view of this transport, sending the org and sandbox of `scope`. */
  platform(scope: ClientScope): Platform;
}

/** One HTTP attempt may take a while: Flow Service validates specs and schemas synchronously. */
const DEFAULT_TIMEOUT_MS = 60_000;
/** Enough parallelism for a typical stack, little enough not to trip the gateway's throttling. */
const DEFAULT_MAX_CONCURRENCY = 8;
/**
 * Names the copy of the package that made each call, in Adobe's logs and the emulator's request
 * log: a program can load several copies (see resources/packageCopy.ts).
 */
const DEFAULT_USER_AGENT = `${PACKAGE_NAME}/${PACKAGE_VERSION}`;
/** A broken server could hand out `_links.next` forever; stop well after any real listing. */
const MAX_PAGES = 10_000;

interface GotInstances {
  /** IMS: no Adobe platform headers, no bearer token. */
  base: Got;
  /** Flow Service and Catalog: API key, bearer token, 401 renewal. */
  platform: Got;
}

function answerOf(response: Response<unknown>): Answer {
  return {
    status: response.statusCode,
    headers: response.headers,
    body: response.body,
    retryCount: response.retryCount,
  };
}

/**
 * Creates the transport for one credential and endpoint. Cheap: got is loaded, and a token
 * requested, only when the first request is made. Every call rejects with a FlowServiceError.
 */
export function createTransport(
  settings: TransportSettings,
  options: AepClientOptions = {},
): Transport {
  const policy = resolveRetryPolicy(options.retry);
  const limit = createLimiter(options.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY);
  const fixedToken = settings.accessToken;
  const platformOrigin = new URL(settings.platformUrl).origin;

  const tokens = new TokenCache(
    () => requestImsToken(settings, async () => (await loadGot()).base, secrets),
    options.now,
  );
  /** Every value to scrub from text the client keeps: the client secret and the tokens. */
  const secrets = (): string[] =>
    [settings.clientSecret, fixedToken, ...tokens.secrets()].filter(
      (value): value is string => typeof value === "string" && value !== "",
    );
  const errorContext: ErrorContext = { fixedToken: fixedToken !== undefined, secrets };

  let instances: Promise<GotInstances> | undefined;
  function loadGot(): Promise<GotInstances> {
    instances ??= buildGot().catch((error: unknown) => {
      instances = undefined;
      throw error;
    });
    return instances;
  }

  async function buildGot(): Promise<GotInstances> {
    const { default: got } = await import("got");
    const base = got.extend({
      timeout: { request: options.timeoutMs ?? DEFAULT_TIMEOUT_MS },
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
        calculateDelay: makeCalculateDelay(policy, options.random ?? Math.random, options.onRetry),
      },
      hooks: {
        beforeError: [(error) => toFlowServiceError(error, errorContext)],
      },
    });
    const platform = base.extend({
      headers: { "x-api-key": settings.apiKey },
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

  /** The platform got instance, once a token is there: an IMS failure surfaces as it is. */
  async function ready(): Promise<Got> {
    const { platform } = await loadGot();
    await currentToken();
    return platform;
  }

  function serviceUrl(service: PlatformService): string {
    return `${settings.platformUrl}${serviceInfo(service).basePath}`;
  }

  function urlOf(request: PlatformRequest): URL {
    const url = new URL(`${serviceUrl(request.service)}${request.path}`);
    for (const [name, value] of request.query ?? []) url.searchParams.append(name, value);
    return url;
  }

  /** Applies an endpoint's reader; a shape it rejects becomes an UNEXPECTED_RESPONSE error. */
  function read<T>(
    request: PlatformRequest,
    url: URL,
    answer: Answer,
    reader: (a: Answer) => T,
  ): T {
    try {
      return reader(answer);
    } catch (error) {
      if (!(error instanceof UnexpectedShape)) throw error;
      throw unexpectedResponse({
        service: request.service,
        method: request.method,
        url,
        status: answer.status,
        headers: answer.headers,
        body: answer.body,
        expected: error.expected,
        secrets: secrets(),
      });
    }
  }

  /** Resolves `_links.next.href` (relative to the service's base URL), refusing other hosts. */
  function nextPageUrl(href: string, service: PlatformService): URL {
    const base = serviceUrl(service);
    const basePath = new URL(base).pathname;
    let url: URL;
    if (/^https?:\/\//i.test(href)) url = new URL(href);
    else if (href.startsWith(`${basePath}/`)) url = new URL(href, platformOrigin);
    else url = new URL(`${base}${href.startsWith("/") ? "" : "/"}${href}`);
    // Never send the bearer token to another host because a response said so.
    return url.origin === platformOrigin ? url : unexpected("a next link on the same host");
  }

  function platform(scope: ClientScope): Platform {
    function requestOptions(request: PlatformRequest): OptionsInit {
      const context: RequestContext = { service: request.service, retryClass: request.retryClass };
      const headers = {
        "x-gw-ims-org-id": scope.orgId,
        "x-sandbox-name": scope.sandboxName,
        ...request.headers,
      };
      const init: OptionsInit = { method: request.method, headers, context };
      if (request.json !== undefined) init.json = request.json;
      return init;
    }

    return {
      async call(request, reader) {
        const got = await ready();
        const url = urlOf(request);
        const response = await limit(
          async () => (await got(url, requestOptions(request))) as Response<unknown>,
        );
        return read(request, url, answerOf(response), reader);
      },

      async paginate<T>(request: PlatformRequest, page: PageReader<T>) {
        const got = await ready();
        const first = urlOf(request);
        const seen = new Set([first.href]);
        return limit(() =>
          got.paginate.all<T, unknown>(first, {
            ...requestOptions(request),
            pagination: {
              transform: (response) =>
                read(request, response.requestUrl, answerOf(response), page.items),
              paginate: ({ response }) =>
                read(request, response.requestUrl, answerOf(response), (answer) => {
                  const href = page.next(answer);
                  if (href === undefined) return false;
                  const url = nextPageUrl(href, request.service);
                  if (seen.has(url.href) || seen.size >= MAX_PAGES) {
                    return unexpected("a next link that moves forward");
                  }
                  seen.add(url.href);
                  return { url };
                }),
              // The page cap above fails loudly; got's own limit would cut the list silently.
              requestLimit: Number.POSITIVE_INFINITY,
            },
          }),
        );
      },
    };
  }

  return { platform };
}
