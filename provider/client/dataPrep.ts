/**
 * The Data Prep calls behind the `MappingSet` resource (mapping set endpoint guide,
 * https://experienceleague.adobe.com/en/docs/experience-platform/data-prep/api/mapping-set).
 * Answers are normalized where Adobe's samples disagree, so the resource sees one shape.
 */
import { FlowServiceError } from "./errors";
import {
  getOrMissing,
  segment,
  unexpected,
  type Answer,
  type Platform,
  type PlatformRequest,
} from "./endpoint";
import { isRecord } from "./json";
import type { DataPrepService, Mapping, MappingSetObject, MappingSourceType } from "./types";

/**
 * `sourceType` as Data Prep answers it -> as the API takes it. Every GET sample shows
 * `ATTRIBUTE` as `text/x.schema-path`; `text/x.aep-xl` for an EXPRESSION is the likelier reading
 * (UNCONFIRMED for Data Prep); a type already in the request vocabulary stays.
 */
const SOURCE_TYPES: Readonly<Record<string, MappingSourceType>> = {
  "text/x.schema-path": "ATTRIBUTE",
  "text/x.aep-xl": "EXPRESSION",
  ATTRIBUTE: "ATTRIBUTE",
  EXPRESSION: "EXPRESSION",
  STATIC: "STATIC",
};

/** Epoch ms from an integer (every current sample) or an ISO date (a 2020 draft; CONFLICT). */
function epochMs(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && value !== "") {
    const parsed = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
    return Number.isNaN(parsed) ? undefined : parsed;
  }
  return undefined;
}

/** An integer version from a number or a numeric string. */
function versionOf(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isInteger(value)) return value;
  return typeof value === "string" && /^\d+$/.test(value) ? Number(value) : undefined;
}

/** A stored mapping in the request vocabulary (legacy mirror fields read when the current ones are absent). */
function toMapping(item: unknown): Mapping {
  if (!isRecord(item)) return unexpected("mappings that are objects");
  const source = item.source ?? item.sourceAttribute;
  const destination = item.destination ?? item.destinationXdmPath;
  if (typeof source !== "string" || typeof destination !== "string") {
    return unexpected("mappings with a source and a destination");
  }
  const sourceType = SOURCE_TYPES[String(item.sourceType ?? "ATTRIBUTE")];
  if (sourceType === undefined)
    return unexpected(`a known sourceType (got ${String(item.sourceType)})`);
  return {
    sourceType,
    source,
    destination,
    ...(typeof item.name === "string" ? { name: item.name } : {}),
    ...(typeof item.description === "string" ? { description: item.description } : {}),
  };
}

/** The schema `$id` a set maps into: `xdmSchema`, else `schemaRef.id`, else `outputSchema.schemaRef.id`. */
function schemaOf(body: Record<string, unknown>): unknown {
  const outputSchema = isRecord(body.outputSchema) ? body.outputSchema : {};
  const outputRef = isRecord(outputSchema.schemaRef) ? outputSchema.schemaRef : {};
  const schemaRef = isRecord(body.schemaRef) ? body.schemaRef : {};
  return body.xdmSchema ?? schemaRef.id ?? outputRef.id;
}

/** A stored mapping set, alone (a read) or as an element of a listing. */
function mappingSetOf(body: unknown): MappingSetObject {
  if (!isRecord(body) || typeof body.id !== "string") return unexpected("a mapping set with an id");
  const version = versionOf(body.version);
  const xdmSchema = schemaOf(body);
  if (version === undefined || typeof xdmSchema !== "string" || !Array.isArray(body.mappings)) {
    return unexpected("a mapping set with a version, a schema and mappings");
  }
  const createdDate = epochMs(body.createdDate);
  const modifiedDate = epochMs(body.modifiedDate);
  return {
    ...body,
    id: body.id,
    version,
    xdmSchema,
    mappings: body.mappings.map(toMapping),
    ...(createdDate !== undefined ? { createdDate } : {}),
    ...(modifiedDate !== undefined ? { modifiedDate } : {}),
  };
}

const toMappingSet = ({ body }: Answer): MappingSetObject => mappingSetOf(body);

/**
 * Mapping sets per page. Data Prep documents `limit` as required with a default of 10 and no
 * maximum; a server that caps it lower still pages correctly, since paging stops at an empty page.
 */
const PAGE_SIZE = 100;

export function dataPrepEndpoints(platform: Platform): DataPrepService {
  const request = (
    method: PlatformRequest["method"],
    path: string,
    retryClass: PlatformRequest["retryClass"],
  ): PlatformRequest => ({ service: "dataPrep", method, path, retryClass });

  return {
    createMappingSet(body) {
      // Data Prep answers 200 (not 201) with the new set's identity.
      return platform.call(
        { ...request("POST", "/mappingSets", "create"), json: body },
        ({ body: answer }) => {
          const version = isRecord(answer) ? versionOf(answer.version) : undefined;
          return isRecord(answer) && typeof answer.id === "string" && version !== undefined
            ? { id: answer.id, version }
            : unexpected("the expected {id, version}");
        },
      );
    },

    getMappingSet(id, version) {
      // Always name the version when one is known: whether an omitted version means the latest
      // or version 0 is UNCONFIRMED.
      const query: Array<[string, string]> =
        version === undefined ? [] : [["version", String(version)]];
      return getOrMissing(
        platform,
        { ...request("GET", `/mappingSets/${segment(id)}`, "idempotent"), query },
        toMappingSet,
      );
    },

    listMappingSets() {
      // Offset paging (`start`), no next link; `_page.count` is not a reliable total (the doc
      // sample reports 0 next to two items), so only an empty page ends the listing.
      const query = (start: number): Array<[string, string]> => [
        ["limit", String(PAGE_SIZE)],
        ["start", String(start)],
      ];
      let start = 0;
      return platform.paginate(
        { ...request("GET", "/mappingSets", "idempotent"), query: query(0) },
        {
          items: ({ body }) => {
            const data = isRecord(body) && Array.isArray(body.data) ? body.data : undefined;
            if (data === undefined) return unexpected("a {data: [...]} listing");
            return data.map(mappingSetOf);
          },
          next: ({ body }) => {
            const count = isRecord(body) && Array.isArray(body.data) ? body.data.length : 0;
            if (count === 0) return undefined;
            start += count;
            return `/mappingSets?${new URLSearchParams(query(start)).toString()}`;
          },
        },
      );
    },

    updateMappingSet(id, body) {
      // Each PUT makes a new version, so a replay would make two.
      return platform.call(
        { ...request("PUT", `/mappingSets/${segment(id)}`, "create"), json: body },
        toMappingSet,
      );
    },

    async deleteMappingSet(id) {
      try {
        await platform.call(
          request("DELETE", `/mappingSets/${segment(id)}`, "idempotent"),
          () => undefined,
        );
        return "deleted";
      } catch (error) {
        // Data Prep's API has no DELETE for mapping sets: whatever body comes with a 404 or a
        // 405, the set could not be deleted here.
        if (error instanceof FlowServiceError && (error.status === 404 || error.status === 405)) {
          return "not-deletable";
        }
        throw error;
      }
    },
  };
}
