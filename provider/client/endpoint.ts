/**
 * What the endpoint modules (one per Adobe service: flowService.ts, catalog.ts,
 * schemaRegistry.ts, dataPrep.ts) share: the shape
 * of one call, how they report an answer they cannot use, and Adobe's "not found".
 */
import type { PlatformService } from "../services";
import { FlowServiceError } from "./errors";
import type { RetryClass } from "./retry";

/** One request to a service behind the platform URL. */
export interface PlatformRequest {
  service: PlatformService;
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Path under the service's base path, e.g. `/flows/<id>/action`; ids already encoded. */
  path: string;
  /** Query parameters in order; a name may repeat (`property=a&property=b`). */
  query?: ReadonlyArray<readonly [string, string]>;
  json?: unknown;
  headers?: Record<string, string>;
  retryClass: RetryClass;
}

/** A 2xx answer. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  /** Retries it took (0 when the first attempt answered). */
  retryCount: number;
}

/** How one page of a listing is read: its elements, and the link to the next page if any. */
export interface PageReader<T> {
  items(answer: Answer): T[];
  next(answer: Answer): string | undefined;
}

/** The transport as the endpoint modules see it, bound to one org and sandbox. */
export interface Platform {
  /** One request; `read` turns the answer into the result (and may call {@link unexpected}). */
  call<T>(request: PlatformRequest, read: (answer: Answer) => T): Promise<T>;
  /** A GET listing followed across pages (same host only, page count capped). */
  paginate<T>(request: PlatformRequest, page: PageReader<T>): Promise<T[]>;
}

/** Thrown by a reader; the transport reports it as an UNEXPECTED_RESPONSE FlowServiceError. */
export class UnexpectedShape extends Error {
  constructor(readonly expected: string) {
    super(`answered without ${expected}`);
  }
}

/** Rejects an answer: `expected` completes "<service> answered without ...". */
export function unexpected(expected: string): never {
  throw new UnexpectedShape(expected);
}

/** An id as one path segment. */
export const segment = encodeURIComponent;

/**
 * Whether an error means "this object does not exist": a 404 in Adobe's JSON formats. A 404 that
 * names a missing sandbox, or an HTML/text 404 from something that is not the Adobe API (a wrong
 * `aep:platformUrl`), is not treated as missing: a refresh would otherwise drop every resource
 * from the state.
 */
function isMissing(error: unknown): error is FlowServiceError {
  if (!(error instanceof FlowServiceError) || error.status !== 404) return false;
  if (/^(FLOW-)?21\d\d-404$/.test(error.code ?? "")) return false;
  const body = error.response?.body;
  return !(typeof body === "string" && body.trim() !== "");
}

/** A GET that resolves `undefined` when the object does not exist. */
export async function getOrMissing<T>(
  platform: Platform,
  request: PlatformRequest,
  read: (answer: Answer) => T,
): Promise<T | undefined> {
  try {
    return await platform.call(request, read);
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/**
 * A DELETE; resolves what `deleted` makes of the answer, or `false` when the first attempt found
 * nothing. A 404 on a retry means an earlier attempt deleted the object and its answer was lost.
 */
export async function deleteOrMissing(
  platform: Platform,
  request: PlatformRequest,
  deleted: (answer: Answer) => boolean = () => true,
): Promise<boolean> {
  try {
    return await platform.call(request, deleted);
  } catch (error) {
    if (isMissing(error)) return error.attempts > 1;
    throw error;
  }
}
