/**
 * How a failed call becomes a {@link FlowServiceError}: got's errors (HTTP, network, parse), and
 * 2xx answers of the wrong shape. Every text that came from the server or the network is scrubbed
 * of the current secrets before it is kept. Nothing here loads got at run time (type imports only).
 */
import type { RequestError } from "got" with { "resolution-mode": "import" };
import { serviceInfo, type AdobeService } from "../services";
import { MAX_TEXT_MESSAGE, parseErrorBody, textOf, truncate } from "./errorBody";
import { FlowServiceError } from "./errors";
import { hintFor } from "./hints";
import { redactBody, redactCause, redactText, safePath } from "./redact";
import { isRetryableFailure, type RequestContext } from "./retry";

/** Everything the mapping needs to know beyond the got error itself. */
export interface ErrorContext {
  /** True when the token came from `aep:accessToken` (so a 401 cannot be fixed by renewing). */
  fixedToken: boolean;
  /** Current secret values (client secret, tokens) to scrub from any text. */
  secrets(): string[];
}

type Headers = Record<string, string | string[] | undefined>;

/** Builds the message: `<summary> (<status> <code>) <METHOD> <path>, request id <id>. <hint>` */
function formatMessage(parts: {
  summary: string;
  status: number;
  code: string | undefined;
  method: string;
  path: string;
  requestId: string | undefined;
  attempts: number;
  hint: string;
}): string {
  const tag = [parts.status === 0 ? "network error" : String(parts.status), parts.code]
    .filter(Boolean)
    .join(" ");
  let message = `${parts.summary} (${tag}) ${parts.method} ${parts.path}`;
  if (parts.requestId) message += `, request id ${parts.requestId}`;
  if (parts.attempts > 1) message += `, after ${parts.attempts} attempts`;
  message += ".";
  if (parts.hint) message += ` ${parts.hint}`;
  return message;
}

function requestIdHeader(headers: Headers | undefined): string | undefined {
  const header = headers?.["x-request-id"];
  return Array.isArray(header) ? header[0] : header;
}

/**
 * Turns whatever got rejected with into a FlowServiceError. Used as got's `beforeError` hook, so
 * it sees every final failure (after retries) of every request the client makes.
 * @throws TypeError when the request names no known service (a bug in the client).
 */
export function toFlowServiceError(error: RequestError, context: ErrorContext): FlowServiceError {
  if (error instanceof FlowServiceError) return error;
  // An error thrown by one of our own hooks (the token request) is already final.
  if (error.cause instanceof FlowServiceError) return error.cause;
  const service = serviceInfo((error.options?.context as Partial<RequestContext>)?.service);
  const secrets = context.secrets();
  const method = String(error.options?.method ?? "GET").toUpperCase();
  const path = safePath(error.options?.url as URL | string | undefined);
  const attempts = (error.request?.retryCount ?? 0) + 1;
  const response = error.response;
  // Only an HTTPError is "the server answered with this status". A timeout or a reset while the
  // body was streaming also carries the response, but the request failed on the network (status 0).
  const answered = response !== undefined && error.name === "HTTPError";
  const unparsable = response !== undefined && error.name === "ParseError";
  const status = answered || unparsable ? response.statusCode : 0;
  const parsed = answered ? parseErrorBody(response.body) : {};
  const requestId = requestIdHeader(response?.headers) || parsed.requestId;
  const code = answered ? parsed.code : unparsable ? "UNEXPECTED_RESPONSE" : textOf(error.code);
  const adobeMessage =
    parsed.message === undefined ? undefined : redactText(parsed.message, secrets);
  let summary: string;
  if (answered) {
    summary =
      adobeMessage ?? `${service.label} answered ${status} ${response.statusMessage ?? ""}`.trim();
  } else if (unparsable) {
    const text = typeof response.body === "string" ? response.body : "";
    summary =
      `${service.label} answered with a body that is not JSON` +
      (service.origin === "ims"
        ? ""
        : ` (body: ${truncate(redactText(text, secrets), MAX_TEXT_MESSAGE)})`);
  } else {
    summary = `${service.label} could not be reached: ${redactText(error.message, secrets)}`;
  }
  const hint = hintFor({ service, status, code, method, attempts, fixedToken: context.fixedToken });
  const original = !answered && error.cause instanceof Error ? error.cause : error;
  return new FlowServiceError(
    formatMessage({ summary, status, code, method, path, requestId, attempts, hint }),
    {
      status,
      method,
      path,
      requestId,
      code,
      title: parsed.title,
      adobeMessage,
      retryable: isRetryableFailure(status, code),
      attempts,
      cause: redactCause(original, secrets),
      response: response && {
        statusCode: status,
        headers: response.headers,
        body: redactBody(response.body, secrets),
      },
      request: {
        method,
        path,
        headers: error.options?.headers as Record<string, unknown> | undefined,
      },
    },
  );
}

/** A 2xx answer the client cannot use (wrong shape): reported like any other failure. */
export function unexpectedResponse(input: {
  service: AdobeService;
  method: string;
  url: URL;
  status: number;
  headers: Headers;
  body: unknown;
  /** What the answer lacks, as in "answered without <expected>". */
  expected: string;
  /** Current secret values to scrub from the body shown and kept. */
  secrets: readonly string[];
  /** Set for IMS: its body may hold a token, so it is neither shown nor kept. */
  hideBody?: boolean;
}): FlowServiceError {
  const { label } = serviceInfo(input.service);
  const path = safePath(input.url);
  const requestId = requestIdHeader(input.headers);
  const body = input.hideBody ? undefined : redactBody(input.body, input.secrets);
  const shown = typeof body === "string" ? body : (JSON.stringify(body) ?? String(body));
  const summary =
    `${label} answered without ${input.expected}` +
    (input.hideBody ? "" : ` (body: ${truncate(shown, MAX_TEXT_MESSAGE) || "empty"})`);
  const code = "UNEXPECTED_RESPONSE";
  const { method, status } = input;
  return new FlowServiceError(
    formatMessage({ summary, status, code, method, path, requestId, attempts: 1, hint: "" }),
    {
      status,
      method,
      path,
      requestId,
      code,
      retryable: false,
      response: { statusCode: status, headers: input.headers, body },
    },
  );
}
