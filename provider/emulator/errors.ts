/**
 * The error bodies the emulator answers with. Adobe uses several formats depending on which layer
 * refuses a request (API gateway, Flow Service, Catalog, IMS), and clients parse them, so each one
 * is reproduced field for field. Handlers throw {@link ApiError}; the server's error handler renders
 * it with the request's id.
 */

/** An HTTP error with the exact body to send; `render` receives the request id. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    private readonly render: (requestId: string) => unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** The response body for the request with this id. */
  body(requestId: string): unknown {
    return this.render(requestId);
  }
}

/** Titles of the Flow Service error codes the emulator uses (code → title). */
const FLOW_TITLES: Record<string, string> = {
  "1100": "Bad request",
  "1101": "Not found",
  "1102": "Internal server error",
  "1103": "Service unavailable",
  "1104": "Gateway timeout",
  "1401": "Invalid query parameters",
  "1403": "Missing header",
  "1405": "Empty request body",
  "1410": "State not allowed",
  "1413": "Invalid spec ID",
  "1414": "Attribute not updatable",
  "1415": "Auth spec not found",
  "1418": "Base connection in use",
  "1422": "Invalid state transition",
  "1432": "Invalid orderby",
  "1434": "Unsupported patch operation",
  "1436": "Unsupported sub operation",
  "1439": "Resource not found",
  "1440": "Operator not implemented",
  "1443": "Invalid filter",
  "1447": "Entity in use",
  "1448": "Invalid filter",
  "1449": "Invalid filter field",
  "1450": "Invalid filter operator",
  "1455": "Invalid patch path",
  "2105": "Missing header",
};

/** Optional `report` members of a Flow Service problem body (404s name the resource). */
export interface ProblemReport {
  id?: string;
  type?: string;
}

/**
 * Flow Service's problem format: `type` ends in `FLOW-<code>-<status>`, and the message is
 * repeated in `report.detailed-message`, `errorMessage` and `errorDetails`. Codes and titles are
 * those of https://experienceleague.adobe.com/en/docs/experience-platform/sources/errors/flow-service-errors.
 */
export function flowError(
  status: number,
  code: string,
  message: string,
  report: ProblemReport = {},
  title = FLOW_TITLES[code] ?? "Error",
): ApiError {
  return new ApiError(status, message, (requestId) => ({
    type: `https://ns.adobe.com/aep/errors/FLOW-${code}-${status}`,
    title,
    status,
    report: {
      "detailed-message": message,
      ...(report.id !== undefined ? { id: report.id } : {}),
      "request-id": requestId,
      ...(report.type !== undefined ? { type: report.type } : {}),
    },
    errorMessage: message,
    errorDetails: message,
  }));
}

/** A 400 `FLOW-1100-400` naming what is wrong with the request. */
export function badRequest(message: string, code = "1100"): ApiError {
  return flowError(400, code, message);
}

/** The documented `FLOW-1439-404` for an unknown (or out-of-scope) instance. */
export function notFound(collection: string, id: string): ApiError {
  return flowError(
    404,
    "1439",
    `The requested ${collection} resource ${id} is not found. Verify the resource ID before trying again.`,
    { id, type: collection },
  );
}

/** The short `{errorMessage, errorDetails}` format Flow Service uses for version mismatches. */
export function versionMismatch(supplied: string, current: string): ApiError {
  const message = `Supplied version=[${supplied}] does not match the current version on entity=[${current}]`;
  return new ApiError(412, message, () => ({ errorMessage: message, errorDetails: message }));
}

/** API-gateway errors (`{error_code, message}`), answered before Flow Service sees the request. */
export function gatewayError(status: number, errorCode: string, message: string): ApiError {
  return new ApiError(status, message, () => ({ error_code: errorCode, message }));
}

/** The platform's generic 400 for a POST/PUT/PATCH body without a JSON Content-Type. */
export function contentTypeError(): ApiError {
  const detail = "A valid content-type must be specified";
  return new ApiError(400, detail, () => ({
    type: "/placeholder/type/uri",
    status: 400,
    title: "BadRequestError",
    detail,
  }));
}

/** IMS token endpoint errors (`{error, error_description}`, OAuth style). */
export function imsError(status: number, error: string, description: string): ApiError {
  return new ApiError(status, description, () => ({ error, error_description: description }));
}

/**
 * Catalog errors. The Catalog API reference
 * (https://developer.adobe.com/experience-platform-apis/references/catalog/) shows no error body,
 * so the emulator answers an RFC 7807 body in the platform's `ns.adobe.com/aep/errors` namespace.
 */
export function catalogError(status: number, title: string, detail: string): ApiError {
  return platformProblem("CAT", status, title, detail);
}

/** An RFC 7807 body in the platform's error namespace, for services that document none. */
function platformProblem(prefix: string, status: number, title: string, detail: string): ApiError {
  return new ApiError(status, detail, (requestId) => ({
    type: `https://ns.adobe.com/aep/errors/${prefix}-${status}`,
    title,
    status,
    detail,
    "request-id": requestId,
  }));
}

/** `MM-dd-yyyy HH:mm:ss` (UTC), the Schema Registry's own timestamp format in error reports. */
function registryTimestamp(ms: number): string {
  const date = new Date(ms);
  const two = (value: number): string => String(value).padStart(2, "0");
  return (
    `${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())}-${date.getUTCFullYear()} ` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}`
  );
}

/**
 * Schema Registry errors, as its troubleshooting guide prints them
 * (https://experienceleague.adobe.com/en/docs/experience-platform/xdm/troubleshooting-guide):
 * `type` is an `http://` URI ending in `XDM-<code>-<status>`, `report` carries
 * `registryRequestId`, a `MM-dd-yyyy HH:mm:ss` timestamp, `detailed-message` and `sub-errors`,
 * and `detail` repeats the message. `nowMs` is the emulator clock at the time of the refusal.
 */
export function xdmError(
  status: number,
  code: string,
  title: string,
  message: string,
  nowMs: number,
): ApiError {
  return new ApiError(status, message, (requestId) => ({
    type: `http://ns.adobe.com/aep/errors/XDM-${code}-${status}`,
    title,
    status,
    report: {
      registryRequestId: requestId,
      timestamp: registryTimestamp(nowMs),
      "detailed-message": message,
      "sub-errors": [],
    },
    detail: message,
  }));
}

/**
 * Data Prep errors. Its API (https://experienceleague.adobe.com/en/docs/experience-platform/data-prep/api/mapping-set)
 * declares 400, 401, 500 and 503 with no body at all, so the body is the emulator's own: an
 * RFC 7807 problem in the platform's namespace, like the Catalog one.
 */
export function dataPrepError(status: number, title: string, detail: string): ApiError {
  return platformProblem("DPREP", status, title, detail);
}

/** Flow Service codes used for injected server-side faults (status → code, title). */
const FAULT_CODES: Record<number, [string, string]> = {
  500: ["1102", "Internal server error"],
  502: ["1102", "Bad gateway"],
  503: ["1103", "Service unavailable"],
  504: ["1104", "Gateway timeout"],
};

/**
 * The body of an injected fault: the gateway's throttling body for 429 (the code Adobe's gateway
 * uses on other APIs; Flow Service documents none), the Flow Service problem format otherwise.
 */
export function faultError(status: number, retryAfter?: string): ApiError {
  const headers: Record<string, string> =
    retryAfter !== undefined ? { "retry-after": retryAfter } : {};
  if (status === 429) {
    return new ApiError(
      429,
      "Too many requests",
      () => ({ error_code: "429050", message: "Too many requests" }),
      headers,
    );
  }
  const [code, title] = FAULT_CODES[status] ?? ["1100", `Error ${status}`];
  const message = `Injected fault: the emulator answered ${status} for this request. Try again.`;
  const problem = flowError(status, code, message, {}, title);
  return new ApiError(status, message, (requestId) => problem.body(requestId), headers);
}

/** Errors of the emulator's own admin API (`/__emulator/...`): a plain `{error}` body. */
export function adminError(status: number, message: string): ApiError {
  return new ApiError(status, message, () => ({ error: message }));
}
