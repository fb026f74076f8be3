/**
 * The log of requests the emulator received (admin API calls excluded), with credentials redacted,
 * so tests can assert exactly what a client sent and CI jobs can print it.
 */
import type { IncomingHttpHeaders } from "node:http";
import { isPlainObject } from "../resources/values";
import { maskAuthParams, REDACTED, redactPatch } from "./secrets";
import { cloneJson } from "./store";
import type { RequestLogEntry } from "./types";

/** Form/query fields of the token request that carry secrets. */
const SECRET_FIELDS = ["client_secret"];

export class RequestLog {
  private entries: RequestLogEntry[] = [];

  /** `secretAuthParams`: the auth params the connection specs mark secret. */
  constructor(private readonly secretAuthParams: readonly string[]) {}

  /** Records a request as it arrives; the returned entry is completed when the response goes out. */
  start(
    method: string,
    path: string,
    query: unknown,
    headers: IncomingHttpHeaders,
  ): RequestLogEntry {
    const entry: RequestLogEntry = {
      method,
      path,
      query: redactFields(query) as Record<string, string | string[]>,
      headers: flattenHeaders(headers),
      status: 0,
    };
    this.entries.push(entry);
    return entry;
  }

  /**
   * Attaches the parsed body to an entry, redacted: the token request's secret, the secret auth
   * params of a connection body or of JSON Patch values, and any text body the emulator did not
   * parse (it cannot tell what such a body holds).
   */
  setBody(entry: RequestLogEntry, body: unknown): void {
    if (body === undefined) {
      return;
    }
    if (typeof body === "string") {
      entry.body = REDACTED;
    } else if (Array.isArray(body)) {
      entry.body = redactPatch(cloneJson(body), this.secretAuthParams);
    } else if (isPlainObject(body)) {
      const fields = redactFields(cloneJson(body)) as Record<string, unknown>;
      entry.body = maskAuthParams(fields, this.secretAuthParams, REDACTED);
    } else {
      entry.body = body;
    }
  }

  list(): RequestLogEntry[] {
    return cloneJson(this.entries);
  }

  clear(): void {
    this.entries = [];
  }
}

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) {
      flat[name] = Array.isArray(value) ? value.join(", ") : value;
    }
  }
  if (flat.authorization !== undefined) {
    // Keep the scheme so a test can still see that a bearer token was sent.
    const scheme = /^(\S+)\s+\S/.exec(flat.authorization)?.[1];
    flat.authorization = scheme !== undefined ? `${scheme} ${REDACTED}` : REDACTED;
  }
  return flat;
}

function redactFields(value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return value;
  }
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const field of SECRET_FIELDS) {
    if (copy[field] !== undefined) {
      copy[field] = REDACTED;
    }
  }
  return copy;
}
