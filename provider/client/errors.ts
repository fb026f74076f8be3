/**
 * The one error type of the Adobe client, and the mapping from got's errors and Adobe's error
 * bodies to it. Nothing here loads got at run time (type imports only).
 */
import type { RequestError } from "got" with { "resolution-mode": "import" };
import { redactText, REDACTED, safePath } from "./redact";
import { RETRY_ERROR_CODES } from "./retry";
import { SETTINGS, type FlowServiceSettings } from "./settings";

/** Which Adobe service a request went to; decides the wording and the hints of an error. */
export type AdobeService = "flowService" | "catalog" | "ims";

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
  response?: FlowServiceErrorResponse | undefined;
  request?: FlowServiceErrorRequest | undefined;
}

/** The brand of FlowServiceError, shared by every copy of this module (a global symbol). */
function brand(): symbol {
  return Symbol.for("pulumi-aep-flow.FlowServiceError");
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
  /** Whether the same call might succeed later (429, 5xx except 501, transient network errors). */
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
    Object.defineProperties(this, {
      response: { value: init.response, enumerable: false },
      request: { value: init.request, enumerable: false },
      [brand()]: { value: true, enumerable: false },
    });
  }

  /**
   * `instanceof` that also holds when this module is loaded twice in one process (Pulumi
   * serializes local modules by value, so a provider may carry its own copy of this class).
   */
  static is(value: unknown): value is FlowServiceError {
    return typeof value === "object" && value !== null && brand() in value;
  }
}

/** Everything the mapping needs to know beyond the got error itself. */
export interface ErrorContext {
  /** True when the token came from `aep:accessToken` (so a 401 cannot be fixed by renewing). */
  fixedToken: boolean;
  /** Current secret values (client secret, tokens) to scrub from any text. */
  secrets(): string[];
}

const SERVICE_LABELS: Record<AdobeService, string> = {
  flowService: "Flow Service",
  catalog: "Catalog Service",
  ims: "Adobe IMS",
};

/** Longest Adobe message kept from a JSON body, and from a non-JSON body. */
const MAX_JSON_MESSAGE = 1000;
const MAX_TEXT_MESSAGE = 300;

/** `pulumi config` key and environment variable of a setting, as shown in messages. */
function setting(key: keyof FlowServiceSettings): string {
  return `\`${SETTINGS[key].config}\` (${SETTINGS[key].env})`;
}

function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function str(value: unknown): string | undefined {
  if (typeof value === "string" && value.trim() !== "") return value.trim();
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** What an Adobe error body says, whatever its format. */
export interface ParsedErrorBody {
  code?: string;
  title?: string;
  message?: string;
  requestId?: string;
}

/**
 * Reads every error body format Adobe is known to send (reference §14.1) and tolerates others:
 * - Flow Service problem: `type` ending in `FLOW-<code>-<status>`, `title`, `report.detailed-message`,
 *   `report.request-id`, `errorMessage`, `errorDetails`;
 * - short Flow Service: `errorMessage`, `errorDetails`;
 * - API gateway: `error_code` (string or number), `message`;
 * - generic problem (400 content type, Catalog): `title`, `detail`, optional `type`;
 * - IMS: `error`, `error_description`;
 * - `errors: [{code, message}]` lists, a body that is an array of such objects;
 * - anything else that is text (HTML from a proxy, plain text): whitespace-collapsed and truncated.
 */
export function parseErrorBody(body: unknown): ParsedErrorBody {
  if (typeof body === "string" || body instanceof Uint8Array) {
    const text = typeof body === "string" ? body : Buffer.from(body).toString("utf8");
    const trimmed = text.trim();
    if (trimmed === "") return {};
    if (/^[[{]/.test(trimmed)) {
      try {
        return parseErrorBody(JSON.parse(trimmed));
      } catch {
        // Not JSON after all: fall through to text.
      }
    }
    const plain = /^</.test(trimmed) ? trimmed.replace(/<[^>]*>/g, " ") : trimmed;
    const message = truncate(plain, MAX_TEXT_MESSAGE);
    return message ? { message } : {};
  }
  if (Array.isArray(body)) {
    const first: unknown = body.find(isRecord);
    return first === undefined ? {} : parseErrorBody(first);
  }
  if (!isRecord(body)) return {};

  const report = isRecord(body.report) ? body.report : {};
  const firstListed = Array.isArray(body.errors) ? body.errors.find(isRecord) : undefined;
  const listed: Record<string, unknown> = firstListed ?? {};
  const typeCode = str(body.type)?.match(/([A-Z][A-Z0-9]*-\d+-\d{3})\/?$/)?.[1];
  const code =
    typeCode ??
    str(body.error_code) ??
    str(body.code) ??
    (typeof body.error === "string" ? str(body.error) : undefined) ??
    str(listed.code);
  const message =
    str(report["detailed-message"]) ??
    str(body.errorMessage) ??
    str(body.detail) ??
    str(body.message) ??
    str(body.error_description) ??
    str(body.errorDetails) ??
    str(listed.message) ??
    (isRecord(body.error) ? str(body.error.message) : undefined);
  const parsed: ParsedErrorBody = {};
  if (code !== undefined) parsed.code = code;
  const title = str(body.title);
  if (title !== undefined) parsed.title = title;
  if (message !== undefined) parsed.message = truncate(message, MAX_JSON_MESSAGE);
  else if (title !== undefined) parsed.message = title;
  const requestId = str(report["request-id"]) ?? str(body["request-id"]) ?? str(body.requestId);
  if (requestId !== undefined) parsed.requestId = requestId;
  return parsed;
}

/** Whether a failure of this kind may go away on its own. */
export function isRetryableFailure(status: number, code: string | undefined): boolean {
  if (status === 429) return true;
  if (status >= 500) return status !== 501;
  return status === 0 && RETRY_ERROR_CODES.includes(code ?? "");
}

interface HintInput {
  service: AdobeService;
  status: number;
  code: string | undefined;
  method: string;
  attempts: number;
  fixedToken: boolean;
}

/** What the user should do about an error, when we know. */
export function hintFor({
  service,
  status,
  code,
  method,
  attempts,
  fixedToken,
}: HintInput): string {
  const urlSetting = service === "ims" ? setting("imsUrl") : setting("platformUrl");
  if (status === 0) {
    if (code === "ETIMEDOUT") return `Adobe did not answer in time; try again later.`;
    if (
      ["ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ENETUNREACH", "EHOSTUNREACH"].includes(code ?? "")
    ) {
      return `Check ${urlSetting} and the network connection.`;
    }
    return `The connection failed; try again later, and check ${urlSetting} if it persists.`;
  }
  if (status === 429) return "Adobe is throttling requests; try again in a few minutes.";
  if (status >= 500) {
    return `${SERVICE_LABELS[service]} reported a server error; try again later.`;
  }
  if (service === "ims") {
    if (code === "invalid_scope") return `Check the OAuth scopes ${setting("scopes")}.`;
    return (
      `IMS refused the OAuth Server-to-Server credential: check ${setting("clientId")} and ` +
      `${setting("clientSecret")}.`
    );
  }
  if (status === 401) {
    if (fixedToken) {
      return (
        `The access token provided in ${setting("accessToken")} was rejected; it may have ` +
        `expired. Set a fresh token, or unset it so the provider gets tokens itself with ` +
        `${setting("clientId")} and ${setting("clientSecret")}.`
      );
    }
    return (
      `The access token was rejected even after renewing it: check that the credential ` +
      `${setting("clientId")} belongs to the IMS organization ${setting("orgId")} and has access ` +
      `to Experience Platform.`
    );
  }
  if (status === 403) {
    if (code === "403000" || code === "403003") {
      return `Check the API key ${setting("apiKey")}; it defaults to the client id.`;
    }
    if (code === "403010") return "The request carried no access token.";
    return (
      `The credential lacks a permission this call needs: ask an Experience Platform ` +
      `administrator to add it to a product profile granting it in the sandbox ` +
      `${setting("sandboxName")}.`
    );
  }
  if (code === "400003" || /^(FLOW-)?200[12]-401$/.test(code ?? "")) {
    return `Check the IMS organization id ${setting("orgId")}.`;
  }
  if (/^(FLOW-)?21\d\d-4\d\d$/.test(code ?? ""))
    return `Check the sandbox ${setting("sandboxName")}.`;
  if (status === 412) {
    const replay =
      attempts > 1
        ? " (This PATCH was retried: an earlier attempt may have been applied before its answer was lost.)"
        : "";
    return (
      "The object was changed outside Pulumi since Pulumi last read it (its etag no longer " +
      `matches): run \`pulumi refresh\`, then \`pulumi up\` again.${replay}`
    );
  }
  if (status === 404 && (method === "PATCH" || method === "DELETE")) {
    return "The object no longer exists; it may have been deleted outside Pulumi: run `pulumi refresh`.";
  }
  return "";
}

/** Builds the message: `<summary> (<status> <code>) <METHOD> <path>, request id <id>. <hint>` */
export function formatMessage(parts: {
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

function serviceOf(error: RequestError): AdobeService {
  const service = (error.options?.context as { service?: unknown } | undefined)?.service;
  return service === "ims" || service === "catalog" ? service : "flowService";
}

/** A copy of the low-level error that carries nothing but its name, message, code and location. */
function sanitizedCause(error: Error, secrets: readonly string[]): Error {
  const cause = new Error(redactText(error.message, secrets));
  cause.name = error.name;
  const source = error as Error & Record<string, unknown>;
  const target = cause as Error & Record<string, unknown>;
  for (const key of ["code", "errno", "syscall", "hostname", "address", "port", "event"]) {
    const value = source[key];
    if (typeof value === "string" || typeof value === "number") target[key] = value;
  }
  cause.stack = redactText(error.stack ?? cause.stack ?? "", secrets);
  return cause;
}

/** The response body with every known secret replaced, kept for debugging. */
function redactBody(body: unknown, secrets: readonly string[]): unknown {
  if (typeof body === "string") return redactText(body, secrets);
  if (body === undefined || body instanceof Uint8Array) return body;
  try {
    return JSON.parse(redactText(JSON.stringify(body), secrets)) as unknown;
  } catch {
    return undefined;
  }
}

function redactedHeaders(headers: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    out[lower] =
      lower === "authorization"
        ? `Bearer ${REDACTED}`
        : lower === "cookie"
          ? REDACTED
          : String(value);
  }
  return out;
}

/**
 * Turns whatever got rejected with into a FlowServiceError. Used as got's `beforeError` hook, so
 * it sees every final failure (after retries) of every request the client makes.
 */
export function toFlowServiceError(error: RequestError, context: ErrorContext): FlowServiceError {
  if (FlowServiceError.is(error)) return error;
  // An error thrown by one of our own hooks (the token request) is already final.
  if (FlowServiceError.is(error.cause)) return error.cause;
  const secrets = context.secrets();
  const service = serviceOf(error);
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
  const header = response?.headers["x-request-id"];
  const requestId = (Array.isArray(header) ? header[0] : header) || parsed.requestId;
  const code = answered ? parsed.code : unparsable ? "UNEXPECTED_RESPONSE" : str(error.code);
  const adobeMessage =
    parsed.message === undefined ? undefined : redactText(parsed.message, secrets);
  const label = SERVICE_LABELS[service];
  let summary: string;
  if (answered) {
    summary = adobeMessage ?? `${label} answered ${status} ${response.statusMessage ?? ""}`.trim();
  } else if (unparsable) {
    const text = typeof response.body === "string" ? response.body : "";
    summary =
      `${label} answered with a body that is not JSON` +
      (service === "ims"
        ? ""
        : ` (body: ${truncate(redactText(text, secrets), MAX_TEXT_MESSAGE)})`);
  } else {
    summary = `${label} could not be reached: ${redactText(error.message, secrets)}`;
  }
  const hint = hintFor({
    service,
    status,
    code,
    method,
    attempts,
    fixedToken: context.fixedToken,
  });
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
      cause: sanitizedCause(original, secrets),
      response: response && {
        statusCode: status,
        headers: Object.fromEntries(
          Object.entries(response.headers).filter(([name]) => name !== "set-cookie"),
        ),
        body: redactBody(response.body, secrets),
      },
      request: {
        method,
        path,
        headers: redactedHeaders(error.options?.headers as Record<string, unknown> | undefined),
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
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  expected: string;
  /** Set for IMS: its body may hold a token, so it is neither shown nor kept. */
  hideBody?: boolean;
}): FlowServiceError {
  const path = safePath(input.url);
  const header = input.headers["x-request-id"];
  const requestId = Array.isArray(header) ? header[0] : header;
  const shown =
    typeof input.body === "string"
      ? input.body
      : (JSON.stringify(input.body) ?? String(input.body));
  const summary =
    `${SERVICE_LABELS[input.service]} answered without ${input.expected}` +
    (input.hideBody ? "" : ` (body: ${truncate(redactText(shown), MAX_TEXT_MESSAGE) || "empty"})`);
  return new FlowServiceError(
    formatMessage({
      summary,
      status: input.status,
      code: "UNEXPECTED_RESPONSE",
      method: input.method,
      path,
      requestId,
      attempts: 1,
      hint: "",
    }),
    {
      status: input.status,
      method: input.method,
      path,
      requestId,
      code: "UNEXPECTED_RESPONSE",
      retryable: false,
      response: {
        statusCode: input.status,
        headers: input.headers,
        body: input.hideBody ? undefined : input.body,
      },
    },
  );
}
