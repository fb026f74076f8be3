/**
 * The Flow Service endpoints the resources use: connections, source and target connections,
 * flows and their actions, run listings, and the connection and flow specs. Paths, envelopes and etag rules follow the Flow
 * Service API reference (https://developer.adobe.com/experience-platform-apis/references/flow-service/).
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
import type { FlowService, FlowServiceObject, IdAndEtag, SpecObject, SpecService } from "./types";

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

/** One object by id: the envelope's first element; `undefined` when it is empty. */
function single(answer: Answer): FlowServiceObject | undefined {
  const [first] = items(answer);
  if (first === undefined) return undefined;
  const object = toFlowServiceObject(first);
  // Without an etag the next PATCH could not send If-Match.
  return object && object.etag !== "" ? object : unexpected("an object with id and etag");
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
      const filters = (query.property ?? []).map((filter) => ["property", filter] as const);
      return platform.paginate({ ...request("GET", `/${collection}`), query: filters }, listPage);
    },

    getSpec(collection, id) {
      return getOrMissing(platform, request("GET", `/${collection}/${segment(id)}`), (answer) => {
        const [first] = items(answer);
        return first === undefined ? undefined : toSpec(first);
      });
    },

    listSpecs(collection, query = {}) {
      const filters = (query.property ?? []).map((filter) => ["property", filter] as const);
      return platform.paginate(
        { ...request("GET", `/${collection}`), query: filters },
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
  };
}
