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

    deleteDataset(id) {
      return deleteOrMissing(platform, dataset("DELETE", id), ({ body, retryCount }) => {
        // Catalog may answer 200 `[]` when nothing matched: already gone, unless we retried.
        const nothingMatched = Array.isArray(body) && body.length === 0;
        return !(nothingMatched && retryCount === 0);
      });
    },
  };
}
