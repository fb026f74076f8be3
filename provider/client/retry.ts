/**
 * The retry policy of the Adobe client: which failures may go away on their own (the one
 * classification behind got's `statusCodes`/`errorCodes` and `FlowServiceError.retryable`), and
 * the one function got calls to decide each retry (`retry.calculateDelay`). got itself enforces
 * the limit, the methods, the status codes and the network error codes listed here; this module
 * adds what got cannot know: which POSTs may be replayed, and how long to wait.
 */
import type { RequestError, RetryObject } from "got" with { "resolution-mode": "import" };
import type { AdobeService } from "../services";
import { FlowServiceError } from "./errors";
import { safePath } from "./redact";

/** How hard the client retries. Every field is injectable so tests run in milliseconds. */
export interface RetryPolicy {
  /** Retries after the first attempt (so at most `limit + 1` requests). */
  limit: number;
  /** First backoff step; step n waits up to `baseDelayMs * 2^(n-1)`, jittered. */
  baseDelayMs: number;
  /** Ceiling of one backoff wait. */
  maxDelayMs: number;
  /** Ceiling of one wait asked for by a `Retry-After` header (longer requests are cut to this). */
  maxRetryAfterMs: number;
}

/**
 * The defaults, kept in one place. Flow Service documents no quota, but Adobe's gateway throttles
 * with 429 and its troubleshooting guide says a 5xx under load means "wait and retry". Five retries
 * from 500 ms (about 0.5 + 1 + 2 + 4 + 8 s, jittered) ride out a gateway blip or a short
 * throttling window while keeping a failing `pulumi up` under a minute; the 30 s ceiling only
 * matters to callers that raise `limit`. A `Retry-After` is honoured up to 60 s: longer than any
 * backoff step, but short enough that a misconfigured gateway cannot park a deployment for hours.
 */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  limit: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
});

/**
 * How a request may be replayed.
 * - `idempotent`: GET, DELETE, PATCH with If-Match, the IMS token request and flow actions: a
 *   replay cannot create anything, so retry on 429, 5xx (not 501) and network errors.
 * - `create`: object-creating POSTs, and writes that a replay would apply twice (a mapping set
 *   PUT makes a new version each time, a schema JSON Patch appends to `allOf`). A replay after a
 *   5xx or a dropped connection could create a duplicate, so retry only on 429 and on errors
 *   where the request provably never left.
 */
export type RetryClass = "idempotent" | "create";

/** Statuses worth another attempt: throttling and every 5xx except 501 Not Implemented. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599 && status !== 501);
}

/** {@link isRetryableStatus} as the list got's `retry.statusCodes` wants. */
export const RETRY_STATUS_CODES: readonly number[] = Array.from(
  { length: 600 },
  (_, i) => i,
).filter(isRetryableStatus);

/**
 * Network errors worth another attempt. "socket hang up" surfaces as ECONNRESET; got reports
 * every timeout as ETIMEDOUT.
 */
export const RETRY_ERROR_CODES: readonly string[] = [
  "ECONNRESET",
  "ETIMEDOUT",
  "ECONNREFUSED",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
];

/** Whether a failure (status 0 for a network error, with its code) may go away on its own. */
export function isRetryableFailure(status: number, code: string | undefined): boolean {
  return status === 0 ? RETRY_ERROR_CODES.includes(code ?? "") : isRetryableStatus(status);
}

/** Errors raised before a single byte of the request reached the server (DNS and connect). */
export const NEVER_SENT_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
]);
/** got timeout phases that end before the request is written. */
const NEVER_SENT_TIMEOUT_EVENTS = new Set(["lookup", "connect", "secureConnect"]);

/** True when the request provably never reached the server, so even a create may be replayed. */
function neverReachedServer(error: RequestError): boolean {
  if (error.response) return false;
  if (NEVER_SENT_CODES.has(error.code)) return true;
  const event = (error as RequestError & { event?: unknown }).event;
  return error.name === "TimeoutError" && typeof event === "string"
    ? NEVER_SENT_TIMEOUT_EVENTS.has(event)
    : false;
}

/** What the client reports before each retry (for logs and tests; carries no credential). */
export interface RetryEvent {
  /** 1 for the first retry. */
  retry: number;
  method: string;
  /** Path and query of the request, without the origin. */
  path: string;
  /** HTTP status of the failed attempt, or 0 for a network error. */
  status: number;
  /** Network error code (`ECONNRESET`...) when status is 0. */
  errorCode?: string;
  /** The wait the server asked for in `Retry-After`, in ms, before capping. */
  retryAfterMs?: number;
  /** The wait actually applied, in ms. */
  delayMs: number;
}

/** Per-request data the client hands got through `options.context`. */
export interface RequestContext {
  retryClass: RetryClass;
  service: AdobeService;
  [key: string]: unknown;
}

/** Equal-jitter exponential backoff: half the step is fixed, half random. Never below 1 ms. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.max(1, Math.round(step / 2 + random() * (step / 2)));
}

/** Validates and fills a partial policy; throws on values that would make got misbehave. */
export function resolveRetryPolicy(partial: Partial<RetryPolicy> | undefined): RetryPolicy {
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY };
  for (const [key, value] of Object.entries(partial ?? {})) {
    if (value === undefined) continue;
    if (!(key in DEFAULT_RETRY_POLICY)) throw new TypeError(`Unknown retry option \`${key}\`.`);
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw new TypeError(`Retry option \`${key}\` must be a finite number >= 0, got ${value}.`);
    }
    policy[key as keyof RetryPolicy] = value;
  }
  policy.limit = Math.floor(policy.limit);
  return policy;
}

/**
 * Builds got's `retry.calculateDelay`. got calls it only when its own rules (limit, methods,
 * status codes, error codes) already allow a retry; returning 0 vetoes it.
 */
export function makeCalculateDelay(
  policy: RetryPolicy,
  random: () => number,
  onRetry: ((event: RetryEvent) => void) | undefined,
): (retry: RetryObject) => number {
  return ({ attemptCount, error, retryAfter }) => {
    // A RetryError is the 401 token renewal asking for one immediate replay (afterResponse hook).
    if (error.name === "RetryError") return 1;
    // Our own hooks failed (for example the token request, already retried on its own): final.
    if (error.cause instanceof FlowServiceError) return 0;
    const context = error.options.context as Partial<RequestContext>;
    // Only an HTTPError is an answer; a timeout while reading a response is a network failure.
    const status = error.name === "HTTPError" ? (error.response?.statusCode ?? 0) : 0;
    if (context.retryClass === "create" && status !== 429 && !neverReachedServer(error)) return 0;
    const delayMs =
      retryAfter === undefined
        ? backoffDelay(attemptCount, policy, random)
        : Math.max(1, Math.min(retryAfter, policy.maxRetryAfterMs));
    if (onRetry) {
      const event: RetryEvent = {
        retry: attemptCount,
        method: error.options.method,
        path: safePath(error.options.url),
        status,
        delayMs,
      };
      if (status === 0) event.errorCode = error.code;
      if (retryAfter !== undefined) event.retryAfterMs = retryAfter;
      onRetry(event);
    }
    return delayMs;
  };
}
