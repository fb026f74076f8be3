/**
 * The Schema Registry calls behind the `XdmSchema` resource: tenant schemas in the stored form,
 * with the `Accept` header each call needs (schemas endpoint guide,
 * https://experienceleague.adobe.com/en/docs/experience-platform/xdm/api/schemas, and the
 * getting-started guide's Accept table,
 * https://experienceleague.adobe.com/en/docs/experience-platform/xdm/api/getting-started).
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
import type { SchemaRegistryService, XdmSchemaObject, XdmSchemaSummary } from "./types";

/** A lookup must name the representation and the major version (the stored form here). */
export const XED_LOOKUP = "application/vnd.adobe.xed+json; version=1";
/** A list takes an unversioned `Accept`; `xed-id` gives `$id`, `meta:altId`, `version`, `title`. */
const XED_ID_LIST = "application/vnd.adobe.xed-id+json";

/** The schema of an answer; the registry must name its `$id` and `meta:altId`. */
function toSchema({ body }: Answer): XdmSchemaObject {
  if (isRecord(body) && typeof body.$id === "string" && typeof body["meta:altId"] === "string") {
    return {
      ...body,
      $id: body.$id,
      "meta:altId": body["meta:altId"],
      version: String(body.version ?? ""),
    };
  }
  return unexpected("a schema with $id and meta:altId");
}

const listPage = {
  items: ({ body }: Answer): XdmSchemaSummary[] => {
    const results = isRecord(body) && Array.isArray(body.results) ? body.results : undefined;
    if (results === undefined) return unexpected("a {results: [...]} listing");
    return results.map((item) =>
      isRecord(item) && typeof item.$id === "string"
        ? {
            $id: item.$id,
            "meta:altId": String(item["meta:altId"] ?? ""),
            version: String(item.version ?? ""),
            title: String(item.title ?? ""),
          }
        : unexpected("results with a $id"),
    );
  },
  // `_links.next` is `null` on the last page, `{href}` otherwise.
  next: ({ body }: Answer): string | undefined => {
    const links = isRecord(body) && isRecord(body._links) ? body._links : {};
    const href = isRecord(links.next) ? links.next.href : undefined;
    return typeof href === "string" && href !== "" ? href : undefined;
  },
};

/**
 * Creation and modification dates of a schema, epoch ms. `meta:registryMetadata` names the first
 * `repo:createdDate` in current samples and `repo:createDate` in 2019 ones (CONFLICT): both read.
 */
export function schemaDates(schema: Record<string, unknown>): {
  createdAt?: number;
  updatedAt?: number;
} {
  const metadata = isRecord(schema["meta:registryMetadata"]) ? schema["meta:registryMetadata"] : {};
  const created = metadata["repo:createdDate"] ?? metadata["repo:createDate"];
  const updated = metadata["repo:lastModifiedDate"];
  return {
    ...(typeof created === "number" ? { createdAt: created } : {}),
    ...(typeof updated === "number" ? { updatedAt: updated } : {}),
  };
}

export function schemaRegistryEndpoints(platform: Platform): SchemaRegistryService {
  const schema = (
    method: PlatformRequest["method"],
    id: string,
    retryClass: PlatformRequest["retryClass"] = "idempotent",
  ): PlatformRequest => ({
    service: "schemaRegistry",
    method,
    // The URL-encoded `$id` is the form the getting-started guide prefers; a `meta:altId` works too.
    path: `/tenant/schemas/${segment(id)}`,
    retryClass,
  });

  return {
    createSchema(body) {
      return platform.call(
        {
          service: "schemaRegistry",
          method: "POST",
          path: "/tenant/schemas",
          json: body,
          retryClass: "create",
        },
        toSchema,
      );
    },

    getSchema(id) {
      return getOrMissing(
        platform,
        { ...schema("GET", id), headers: { accept: XED_LOOKUP } },
        toSchema,
      );
    },

    patchSchema(id, operations) {
      // No If-Match: the registry documents no optimistic concurrency. `add /allOf/-` applied
      // twice would add twice, so the patch is not replayed blindly.
      return platform.call({ ...schema("PATCH", id, "create"), json: operations }, toSchema);
    },

    deleteSchema(id) {
      return deleteOrMissing(platform, schema("DELETE", id));
    },

    listSchemas(query = {}) {
      const filters = (query.property ?? []).map((filter) => ["property", filter] as const);
      return platform.paginate(
        {
          service: "schemaRegistry",
          method: "GET",
          path: "/tenant/schemas",
          query: [["orderby", "title"], ...filters],
          headers: { accept: XED_ID_LIST },
          retryClass: "idempotent",
        },
        listPage,
      );
    },
  };
}
