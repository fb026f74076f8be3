/**
 * The Catalog Service calls behind the `Dataset` resource, with Catalog's own answer shapes
 * (Catalog API reference: https://developer.adobe.com/experience-platform-apis/references/catalog/).
 */
import {
  deleteOrMissing,
  getOrMissing,
  segment,
  unexpected,
  type Platform,
  type PlatformRequest,
} from "./endpoint";
import { isRecord } from "./json";
import type { CatalogService } from "./types";

/** Catalog's largest page (Catalog filters: https://experienceleague.adobe.com/en/docs/experience-platform/catalog/api/filter-data). */
const PAGE_SIZE = 100;

export function catalogEndpoints(platform: Platform): CatalogService {
  const dataset = (method: PlatformRequest["method"], id: string): PlatformRequest => ({
    service: "catalog",
    method,
    path: `/dataSets/${segment(id)}`,
    retryClass: "idempotent",
  });

  return {
    createDataset(body) {
      const request: PlatformRequest = {
        service: "catalog",
        method: "POST",
        path: "/dataSets",
        json: body,
        retryClass: "create",
      };
      return platform.call(request, ({ body: answer }) => {
        // Catalog answers `["@/dataSets/<id>"]`.
        const ref: unknown = Array.isArray(answer) ? answer[0] : undefined;
        const id = typeof ref === "string" ? /^@\/dataSets\/([^/?#]+)$/.exec(ref)?.[1] : undefined;
        return id ?? unexpected('the expected ["@/dataSets/<id>"]');
      });
    },

    getDataset(id) {
      return getOrMissing(platform, dataset("GET", id), ({ body }) => {
        // Catalog answers `{ "<id>": {...} }`.
        if (!isRecord(body)) return unexpected('the expected {"<id>": {...}}');
        const entry = body[id];
        if (isRecord(entry)) return entry;
        const values = Object.values(body);
        if (values.length === 0) return undefined;
        if (values.length === 1 && isRecord(values[0])) return values[0];
        return unexpected(`the dataset ${id}`);
      });
    },

    async updateDataset(id, changes) {
      // Catalog merges the partial object, so replaying it is harmless: idempotent.
      await platform.call({ ...dataset("PATCH", id), json: changes }, () => undefined);
    },

    async listDatasets({ name }) {
      // Catalog pages by offset (`start`), not by link: a full page means there may be another.
      const query = (start: number) =>
        new URLSearchParams({ name, limit: String(PAGE_SIZE), start: String(start) });
      let start = 0;
      const datasets = await platform.paginate(
        {
          service: "catalog",
          method: "GET",
          path: "/dataSets",
          query: [...query(0)],
          retryClass: "idempotent",
        },
        {
          items: ({ body }) => {
            if (!isRecord(body)) return unexpected('the expected {"<id>": {...}} listing');
            return Object.entries(body)
              .filter((entry): entry is [string, Record<string, unknown>] => isRecord(entry[1]))
              .map(([id, value]): Record<string, unknown> & { id: string } => ({ ...value, id }));
          },
          next: ({ body }) => {
            if (!isRecord(body) || Object.keys(body).length < PAGE_SIZE) return undefined;
            start += PAGE_SIZE;
            return `/dataSets?${query(start).toString()}`;
          },
        },
      );
      // Catalog's `name` filter is documented as exact; keep only exact matches all the same.
      return datasets.filter((dataset) => dataset.name === name);
    },

    deleteDataset(id) {
      return deleteOrMissing(platform, dataset("DELETE", id), ({ body, retryCount }) => {
        // Catalog may answer 200 `[]` when nothing matched: already gone, unless we retried.
        const nothingMatched = Array.isArray(body) && body.length === 0;
        return !(nothingMatched && retryCount === 0);
      });
    },
  };
}
