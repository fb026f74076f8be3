/**
 * The query language of every Flow Service list endpoint: `property` filters, `orderby`, `limit`,
 * `continuationToken` and `count`, with the documented error codes.
 */
import { isPlainObject } from "../resources/values";
import { badRequest } from "./errors";
import type { JsonObject } from "./store";

/** Query parameters as fastify parses them (repeated parameters become arrays). */
export type QueryParams = Record<string, string | string[] | undefined>;

type Operator = "==" | "!=" | "<" | ">" | "<=" | ">=";

interface Segment {
  name: string;
  /** `name[]`: match every member of the array. */
  each: boolean;
}

interface Filter {
  path: Segment[];
  operator: Operator;
  values: string[];
}

interface SortKey {
  path: Segment[];
  descending: boolean;
}

/** What a continuation token remembers: the whole query, and where the next page starts. */
interface PageState {
  property: string[];
  orderby?: string;
  limit: number;
  start: number;
}

/** How one list endpoint pages and sorts. */
export interface ListOptions {
  /** Path of the collection relative to the service base, for `_links.next.href` (e.g. "/flows"). */
  collectionPath: string;
  /** Sort applied when the request has no `orderby` (runs: newest first). */
  defaultOrderby?: string;
}

/** Page size when the request sets no `limit` (Adobe's default is not documented). */
export const DEFAULT_LIMIT = 100;
/** Largest page the emulator returns; larger limits are clamped (search bodies cap at 1000). */
export const MAX_LIMIT = 1000;

const OPERATOR_PATTERN = /^(.*?)(==|!=|<=|>=|<|>|~|=)(.*)$/s;
const PATH_PATTERN = /^[A-Za-z_$@][\w$@:-]*(\[\])?(\.[A-Za-z_$@][\w$@:-]*(\[\])?)*$/;

/** Answers a list request over `items` (already scoped): `{items, _links}` or `{count}`. */
export function listResponse(
  items: JsonObject[],
  query: QueryParams,
  options: ListOptions,
): JsonObject {
  const token = single(query.continuationToken);
  const countRequested = single(query.count)?.toLowerCase() === "true";
  if (countRequested && query.limit !== undefined) {
    throw badRequest("The query parameters 'count' and 'limit' cannot be used together.", "1401");
  }
  const page = token !== undefined ? decodeToken(token) : pageFromQuery(query, options);
  const filters = page.property.map(parseFilter);
  const matching = items.filter((item) => filters.every((filter) => matches(item, filter)));
  if (countRequested) {
    return { count: matching.length };
  }
  const sorted = sortItems(matching, page.orderby);
  const next = page.start + page.limit;
  const links =
    next < sorted.length
      ? {
          next: {
            href: `${options.collectionPath}?continuationToken=${encodeToken({ ...page, start: next })}`,
          },
        }
      : {};
  return { items: sorted.slice(page.start, next), _links: links };
}

function pageFromQuery(query: QueryParams, options: ListOptions): PageState {
  const property = query.property === undefined ? [] : [query.property].flat();
  const orderby =
    query.orderby === undefined ? options.defaultOrderby : [query.orderby].flat().join(",");
  return { property, orderby, limit: parseLimit(single(query.limit)), start: 0 };
}

function parseLimit(raw: string | undefined): number {
  if (raw === undefined) {
    return DEFAULT_LIMIT;
  }
  if (!/^\d+$/.test(raw) || Number(raw) < 1) {
    throw badRequest(`The query parameter 'limit' must be a positive integer (got '${raw}').`);
  }
  return Math.min(Number(raw), MAX_LIMIT);
}

function encodeToken(page: PageState): string {
  return Buffer.from(JSON.stringify(page)).toString("base64url");
}

function decodeToken(token: string): PageState {
  try {
    const page = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as PageState;
    if (
      Array.isArray(page.property) &&
      Number.isInteger(page.limit) &&
      Number.isInteger(page.start)
    ) {
      return page;
    }
  } catch {
    // fall through to the 400 below
  }
  throw badRequest(`The continuationToken '${token}' is not valid.`);
}

/** Parses one `property` expression such as `name=="My flow"` or `sourceConnectionIds[]==a,b`. */
function parseFilter(expression: string): Filter {
  const match = OPERATOR_PATTERN.exec(expression);
  if (match === null) {
    throw badRequest(`Invalid filter '${expression}': expected <field><operator><value>.`, "1450");
  }
  const [, rawPath = "", operator = "", rawValue = ""] = match;
  const path = rawPath.trim();
  if (operator === "~") {
    throw badRequest(`The operator '~' in filter '${expression}' is not implemented.`, "1440");
  }
  if (operator === "=") {
    throw badRequest(`Invalid operator '=' in filter '${expression}'; use '=='.`, "1450");
  }
  if (!PATH_PATTERN.test(path)) {
    throw badRequest(`Invalid field '${path}' in filter '${expression}'.`, "1449");
  }
  const values = splitValues(rawValue);
  if (values.length === 0) {
    throw badRequest(`Missing value in filter '${expression}'.`, "1451");
  }
  const isRange = operator !== "==" && operator !== "!=";
  if (isRange && values.length > 1) {
    throw badRequest(
      `The operator '${operator}' takes a single value (filter '${expression}').`,
      "1443",
    );
  }
  if (isRange && path === "id") {
    throw badRequest(`The operator '${operator}' is not supported on 'id'.`, "1448");
  }
  return { path: parsePath(path), operator: operator as Operator, values };
}

function parsePath(path: string): Segment[] {
  return path.split(".").map((part) => ({
    name: part.replace(/\[\]$/, ""),
    each: part.endsWith("[]"),
  }));
}

/** Splits `a,"b,c",d` into values, dropping the quotes around quoted ones. */
function splitValues(raw: string): string[] {
  const values: string[] = [];
  let current = "";
  let quoted = false;
  let wasQuoted = false;
  const push = (): void => {
    if (current !== "" || wasQuoted) {
      values.push(current);
    }
    current = "";
    wasQuoted = false;
  };
  for (const char of raw) {
    if (char === '"') {
      quoted = !quoted;
      wasQuoted = true;
    } else if (char === "," && !quoted) {
      push();
    } else {
      current += char;
    }
  }
  push();
  return values;
}

/** Every value a path reaches in `item` (arrays along the way are expanded). */
function resolve(item: JsonObject, path: Segment[]): unknown[] {
  let current: unknown[] = [item];
  for (const segment of path) {
    const next: unknown[] = [];
    for (const value of current) {
      const member = isPlainObject(value) ? value[segment.name] : undefined;
      if (Array.isArray(member)) {
        next.push(...member);
      } else if (member !== undefined) {
        next.push(member);
      }
    }
    current = next;
  }
  return current;
}

function matches(item: JsonObject, filter: Filter): boolean {
  const candidates = resolve(item, filter.path);
  const equalsAny = candidates.some((candidate) =>
    filter.values.some((value) => compare(candidate, value) === 0),
  );
  switch (filter.operator) {
    case "==":
      return equalsAny;
    case "!=":
      return !equalsAny;
    default: {
      const value = filter.values[0] ?? "";
      return candidates.some((candidate) => satisfies(compare(candidate, value), filter.operator));
    }
  }
}

function satisfies(order: number | undefined, operator: Operator): boolean {
  if (order === undefined) {
    return false;
  }
  switch (operator) {
    case "<":
      return order < 0;
    case ">":
      return order > 0;
    case "<=":
      return order <= 0;
    case ">=":
      return order >= 0;
    default:
      return order === 0;
  }
}

/** Orders a stored value against a filter value; undefined when they cannot be compared. */
function compare(candidate: unknown, value: string): number | undefined {
  if (
    typeof candidate === "number" ||
    (typeof candidate === "string" && isNumeric(candidate) && isNumeric(value))
  ) {
    return isNumeric(value) ? Math.sign(Number(candidate) - Number(value)) : undefined;
  }
  if (typeof candidate === "string") {
    return candidate === value ? 0 : candidate < value ? -1 : 1;
  }
  if (typeof candidate === "boolean") {
    return String(candidate) === value.toLowerCase() ? 0 : undefined;
  }
  if (candidate === null) {
    return value === "null" ? 0 : undefined;
  }
  return undefined;
}

function isNumeric(value: string): boolean {
  return value.trim() !== "" && Number.isFinite(Number(value));
}

function sortItems(items: JsonObject[], orderby: string | undefined): JsonObject[] {
  if (orderby === undefined) {
    return items;
  }
  const keys = parseOrderby(orderby);
  // Array.prototype.sort is stable, so ties keep creation order.
  return [...items].sort((a, b) => {
    for (const key of keys) {
      const order = compareForSort(resolve(a, key.path)[0], resolve(b, key.path)[0]);
      if (order !== 0) {
        return key.descending ? -order : order;
      }
    }
    return 0;
  });
}

function parseOrderby(orderby: string): SortKey[] {
  return orderby.split(",").map((raw) => {
    // An unencoded '+' arrives as a space once the query string is decoded: trimming keeps it ascending.
    const trimmed = raw.trim();
    const descending = trimmed.startsWith("-");
    const path = trimmed.replace(/^[+-]/, "");
    if (!PATH_PATTERN.test(path)) {
      throw badRequest(`Invalid orderby '${orderby}': expected [+|-]<field>.`, "1432");
    }
    return { path: parsePath(path), descending };
  });
}

function compareForSort(a: unknown, b: unknown): number {
  if (a === b) {
    return 0;
  }
  if (a === undefined || a === null) {
    return 1;
  }
  if (b === undefined || b === null) {
    return -1;
  }
  if (typeof a === "number" && typeof b === "number") {
    return a - b;
  }
  const [x, y] = [String(a), String(b)];
  return x === y ? 0 : x < y ? -1 : 1;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[value.length - 1] : value;
}
