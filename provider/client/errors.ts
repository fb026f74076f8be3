/**
 * The one error type of the Adobe client, in the manner of `@octokit/request-error`: the class
 * holds what went wrong and guarantees that the request and response it keeps carry no
 * credential. Turning a got failure into one of these lives in `failures.ts`.
 */
import { redactRequestHeaders, withoutCookies } from "./redact";

/** The response of a failed request, kept on the error but hidden from logs (non-enumerable). */
export interface FlowServiceErrorResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** The failed request with its credentials redacted, hidden from logs (non-enumerable). */
export interface FlowServiceErrorRequest {
  method: string;
  /** Path and query without the origin. */
  path: string;
  headers: Record<string, string>;
}

export interface FlowServiceErrorInit {
  status: number;
  method: string;
  path: string;
  requestId?: string | undefined;
  code?: string | undefined;
  title?: string | undefined;
  adobeMessage?: string | undefined;
  retryable: boolean;
  attempts?: number | undefined;
  cause?: unknown;
  /** Its `set-cookie` header is dropped. */
  response?: FlowServiceErrorResponse | undefined;
  /** Its `authorization` and `cookie` headers are redacted. */
  request?: { method: string; path: string; headers?: Record<string, unknown> } | undefined;
}

/**
 * Every failure of the Adobe client: an HTTP error from Flow Service, Catalog or IMS, a network
 * error, or a response the client cannot use. The message reads
 * `<Adobe message> (<status> <code>) <METHOD> <path>, request id <id>.` followed by what to fix
 * when that is known. No property, enumerable or not, holds a credential.
 */
export class FlowServiceError extends Error {
  override readonly name = "FlowServiceError";
  /** HTTP status, or 0 when no response arrived (network error, timeout). */
  readonly status: number;
  readonly method: string;
  /** Path and query of the request without the origin (e.g. `/data/foundation/flowservice/flows/<id>`). */
  readonly path: string;
  /** Adobe's request id (`x-request-id` header, else `report.request-id` in the body). */
  readonly requestId: string | undefined;
  /**
   * Adobe's error code as Adobe prints it: `FLOW-1439-404` (problem `type`), the gateway's
   * `error_code` (`401013`), IMS's `error` (`invalid_client`); for a network error (status 0) the
   * Node/got error code (`ECONNRESET`, `ETIMEDOUT`); `UNEXPECTED_RESPONSE` when a 2xx body has
   * the wrong shape.
   */
  readonly code: string | undefined;
  /** Adobe's short title (`Resource not found`), when the body has one. */
  readonly title: string | undefined;
  /** Adobe's own explanation, as sent (truncated, credentials redacted). */
  readonly adobeMessage: string | undefined;
  /** Whether the same call might succeed later (see `isRetryableFailure` in retry.ts). */
  readonly retryable: boolean;
  /** Requests made, retries included. */
  readonly attempts: number;
  declare readonly response: FlowServiceErrorResponse | undefined;
  declare readonly request: FlowServiceErrorRequest | undefined;

  constructor(message: string, init: FlowServiceErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.method = init.method;
    this.path = init.path;
    this.requestId = init.requestId;
    this.code = init.code;
    this.title = init.title;
    this.adobeMessage = init.adobeMessage;
    this.retryable = init.retryable;
    this.attempts = init.attempts ?? 1;
    const { response, request } = init;
    Object.defineProperties(this, {
      response: {
        value: response && { ...response, headers: withoutCookies(response.headers) },
        enumerable: false,
      },
      request: {
        value: request && { ...request, headers: redactRequestHeaders(request.headers) },
        enumerable: false,
      },
    });
  }
}
