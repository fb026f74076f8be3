/**
 * What an Adobe error body says, whatever its format. Flow Service, its API gateway, Catalog and
 * IMS each answer failures in their own shape; this reads them all into one.
 */
import { isRecord } from "./json";

/** Longest Adobe message kept from a JSON body, and from a non-JSON body. */
const MAX_JSON_MESSAGE = 1000;
export const MAX_TEXT_MESSAGE = 300;

/** Whitespace collapsed, cut to `max` characters with an ellipsis. */
export function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** A non-empty string or a finite number, as a trimmed string. */
export function textOf(value: unknown): string | undefined {
  if (typeof value === "string" && value.trim() !== "") return value.trim();
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return undefined;
}

export interface ParsedErrorBody {
  code?: string;
  title?: string;
  message?: string;
  requestId?: string;
}

/**
 * Reads every error body format Adobe documents and tolerates others (see "Flow Service error
 * messages", https://experienceleague.adobe.com/en/docs/experience-platform/sources/errors/flow-service-errors,
 * and the platform troubleshooting guide,
 * https://experienceleague.adobe.com/en/docs/experience-platform/landing/troubleshooting):
 * - Flow Service problem: `type` ending in `FLOW-<code>-<status>`, `title`, `report.detailed-message`,
 *   `report.request-id`, `errorMessage`, `errorDetails`;
 * - short Flow Service: `errorMessage`, `errorDetails`;
 * - API gateway: `error_code` (string or number), `message`;
 * - generic problem (400 content type, Catalog): `title`, `detail`, optional `type`;
 * - Schema Registry: `type` ending in `XDM-<code>-<status>`, `report.detailed-message`,
 *   `report.registryRequestId`, `detail`;
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
  const typeCode = textOf(body.type)?.match(/([A-Z][A-Z0-9]*-\d+-\d{3})\/?$/)?.[1];
  const code =
    typeCode ??
    textOf(body.error_code) ??
    textOf(body.code) ??
    (typeof body.error === "string" ? textOf(body.error) : undefined) ??
    textOf(listed.code);
  const message =
    textOf(report["detailed-message"]) ??
    textOf(body.errorMessage) ??
    textOf(body.detail) ??
    textOf(body.message) ??
    textOf(body.error_description) ??
    textOf(body.errorDetails) ??
    textOf(listed.message) ??
    (isRecord(body.error) ? textOf(body.error.message) : undefined);
  const parsed: ParsedErrorBody = {};
  if (code !== undefined) parsed.code = code;
  const title = textOf(body.title);
  if (title !== undefined) parsed.title = title;
  if (message !== undefined) parsed.message = truncate(message, MAX_JSON_MESSAGE);
  else if (title !== undefined) parsed.message = title;
  const requestId =
    textOf(report["request-id"]) ??
    textOf(report.registryRequestId) ??
    textOf(body["request-id"]) ??
    textOf(body.requestId);
  if (requestId !== undefined) parsed.requestId = requestId;
  return parsed;
}
