/**
 * The Flow Service endpoints: connections, source and target connections, flows and their
 * actions (the resources), runs, explore and specs (the command line, `waitForFirstRun` and the
 * spec lookups). Paths, envelopes and etag rules follow the Flow Service API reference
 * (https://developer.adobe.com/experience-platform-apis/references/flow-service/).
 */
import {
  deleteOrMissing,
  getOrMissing,
  segment,
  unexpected,
  type Answer,
  type Platform,
  type PlatformRequest,
} from "./endpoint";
import { isRecord } from "./json";
import { statusFilterValue } from "./runs";
import type {
  FlowService,
  FlowServiceObject,
  IdAndEtag,
  ListQuery,
  RunsQuery,
  SpecObject,
  SpecService,
} from "./types";

/** What Flow Service answers to a create, a PATCH or an action. */
function idAndEtag({ body }: Answer): IdAndEtag {
  if (isRecord(body) && typeof body.id === "string" && typeof body.etag === "string") {
    return { id: body.id, etag: body.etag };
  }
  return unexpected("the expected {id, etag}");
}

/** Normalizes a Flow Service object: `id` required; `etag` from `etag`/`eTag` (runs), else "". */
function toFlowServiceObject(item: unknown): FlowServiceObject | undefined {
  if (!isRecord(item) || typeof item.id !== "string" || item.id === "") return undefined;
  const etag =
    typeof item.etag === "string" ? item.etag : typeof item.eTag === "string" ? item.eTag : "";
  return { ...item, id: item.id, etag };
}

/** The elements of Flow Service's `{items: [...]}` envelope. */
function items({ body }: Answer): unknown[] {
  return isRecord(body) && Array.isArray(body.items)
    ? body.items
    : unexpected("an {items: [...]} envelope");
}

/** The envelope's first element as an object with an id; `undefined` when it is empty. */
function first(answer: Answer): FlowServiceObject | undefined {
  const [item] = items(answer);
  if (item === undefined) return undefined;
  return toFlowServiceObject(item) ?? unexpected("an object with an id");
}

/** One instance by id; it must carry an etag, or the next PATCH could not send If-Match. */
function single(answer: Answer): FlowServiceObject | undefined {
  const object = first(answer);
  return object === undefined || object.etag !== ""
    ? object
    : unexpected("an object with id and etag");
}

/**
 * A REST source's params as explore's `sourceParams`: the base64 of their compact JSON, as in the
 * Mailchimp tutorial's `eyJjYW1wYWlnbklkIjoiYzY2YTIwMGNkYSJ9` (`{"campaignId":"c66a200cda"}`).
 */
export function encodeSourceParams(params: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(params)).toString("base64");
}

/** The query parameters of a list call, in a stable order. */
function listParameters(query: ListQuery): Array<readonly [string, string]> {
  return [
    ...(query.property ?? []).map((filter) => ["property", filter] as const),
    ...(query.orderby !== undefined ? [["orderby", query.orderby] as const] : []),
    ...(query.limit !== undefined ? [["limit", String(query.limit)] as const] : []),
  ];
}

/** The filters of a runs query, as "Monitor dataflows" writes them. */
function runFilters(query: RunsQuery): string[] {
  return [
    ...(query.flowId !== undefined ? [`flowId==${query.flowId}`] : []),
    ...(query.statuses !== undefined && query.statuses.length > 0
      ? [`metrics.statusSummary.status==${query.statuses.map(statusFilterValue).join(",")}`]
      : []),
    ...(query.startedAfter !== undefined
      ? [`metrics.durationSummary.startedAtUTC>${Math.floor(query.startedAfter)}`]
      : []),
  ];
}

/** One page of a listing: objects with an id, and `_links.next.href`. */
const listPage = {
  items: (answer: Answer): FlowServiceObject[] =>
    items(answer).map(
      (item) => toFlowServiceObject(item) ?? unexpected("objects with an id in items"),
    ),
  next: ({ body }: Answer): string | undefined => {
    const links = isRecord(body) && isRecord(body._links) ? body._links : {};
    const href = isRecord(links.next) ? links.next.href : undefined;
    return typeof href === "string" && href !== "" ? href : undefined;
  },
};

/**
 * A connection or flow spec. Adobe's flow spec samples name the transformations
 * `transformationSpecs` or `transformationSpec`; both are read into `transformationSpecs`.
 */
function toSpec(item: unknown): SpecObject {
  if (!isRecord(item) || typeof item.id !== "string" || typeof item.name !== "string") {
    return unexpected("specs with an id and a name");
  }
  const { transformationSpec, ...rest } = item;
  const transformations = item.transformationSpecs ?? transformationSpec;
  return {
    ...rest,
    id: item.id,
    name: item.name,
    ...(transformations !== undefined ? { transformationSpecs: transformations } : {}),
  };
}

export function flowServiceEndpoints(platform: Platform): FlowService & SpecService {
  const request = (
    method: PlatformRequest["method"],
    path: string,
    retryClass: PlatformRequest["retryClass"] = "idempotent",
  ): PlatformRequest => ({ service: "flowService", method, path, retryClass });

  return {
    create(collection, body) {
      return platform.call(
        { ...request("POST", `/${collection}`, "create"), json: body },
        idAndEtag,
      );
    },

    get(collection, id) {
      return getOrMissing(platform, request("GET", `/${collection}/${segment(id)}`), single);
    },

    patch(collection, id, operations, etag) {
      return platform.call(
        {
          ...request("PATCH", `/${collection}/${segment(id)}`),
          json: operations,
          // Sent exactly as Flow Service returned it, double quotes included (see "Update
          // dataflows", https://experienceleague.adobe.com/en/docs/experience-platform/sources/api-tutorials/update-dataflows).
          headers: { "if-match": etag },
        },
        idAndEtag,
      );
    },

    delete(collection, id) {
      return deleteOrMissing(platform, request("DELETE", `/${collection}/${segment(id)}`));
    },

    list(collection, query = {}) {
      return platform.paginate(
        { ...request("GET", `/${collection}`), query: listParameters(query) },
        listPage,
      );
    },

    getSpec(collection, id) {
      return getOrMissing(platform, request("GET", `/${collection}/${segment(id)}`), (answer) => {
        const [first] = items(answer);
        return first === undefined ? undefined : toSpec(first);
      });
    },

    listSpecs(collection, query = {}) {
      return platform.paginate(
        { ...request("GET", `/${collection}`), query: listParameters(query) },
        { items: (answer) => items(answer).map(toSpec), next: listPage.next },
      );
    },

    flowAction(id, op) {
      // Enabling an enabled flow changes nothing, so a replay is harmless: idempotent.
      return platform.call(
        { ...request("POST", `/flows/${segment(id)}/action`), query: [["op", op]] },
        idAndEtag,
      );
    },

    listRuns(query) {
      const list: ListQuery = {
        property: runFilters(query),
        orderby: query.orderby ?? "-createdAt",
        limit: query.limit,
      };
      const runs = { ...request("GET", "/runs"), query: listParameters(list) };
      // A limit asks for the first runs only: one page, whatever follows it.
      return query.limit === undefined
        ? platform.paginate(runs, listPage)
        : platform.call(runs, listPage.items);
    },

    getRun(id) {
      return getOrMissing(platform, request("GET", `/runs/${segment(id)}`), first);
    },

    explore(connectionId, { objectType, object, fileType, preview, sourceParams }) {
      const query: Array<readonly [string, string]> = [["objectType", objectType]];
      if (object !== undefined) query.push(["object", object]);
      if (fileType !== undefined) query.push(["fileType", fileType]);
      if (preview !== undefined) query.push(["preview", String(preview)]);
      if (sourceParams !== undefined)
        query.push(["sourceParams", encodeSourceParams(sourceParams)]);
      return platform.call(
        { ...request("GET", `/connections/${segment(connectionId)}/explore`), query },
        ({ body }) =>
          Array.isArray(body) || isRecord(body) ? body : unexpected("a JSON array or object"),
      );
    },
  };
}
