/**
 * The shapes shared by the Adobe client and the resource providers. The client speaks the
 * services' own vocabulary; the providers never call got directly.
 */

/** The four Flow Service collections the resources manage, named as their URL path segments. */
export type FlowServiceCollection =
  "connections" | "sourceConnections" | "targetConnections" | "flows";

/** What Flow Service answers to a create, a PATCH or an action: the id and the new etag. */
export interface IdAndEtag {
  id: string;
  /** Opaque version tag, including its literal double quotes (`"\"1a00...0000\""`). */
  etag: string;
}

/** One RFC 6902 operation, restricted to what Flow Service accepts. */
export interface JsonPatchOperation {
  op: "add" | "replace" | "remove";
  path: string;
  value?: unknown;
}

/** A Flow Service object as GET returns it (the first element of the `{items: [...]}` envelope). */
export type FlowServiceObject = Record<string, unknown> & {
  id: string;
  etag: string;
};

/** The read-only spec collections (org-agnostic): what sources, targets and flows exist. */
export type SpecCollection = "connectionSpecs" | "flowSpecs";

/** List query parameters of a Flow Service list endpoint; every page is read. */
export interface ListQuery {
  /** Filters such as `name==My flow` or `flowId==<id>`; several are ANDed. */
  property?: string[];
  /** `createdAt` ascending, `-createdAt` descending. */
  orderby?: string;
  /** Page size. */
  limit?: number;
}

/** Which runs {@link FlowService.listRuns} asks `GET /runs` for. */
export interface RunsQuery {
  flowId?: string;
  /** Any of these statuses (`failed`, `success`...), in the spelling run objects carry. */
  statuses?: string[];
  /** Only runs started after this time, epoch ms (`metrics.durationSummary.startedAtUTC>`). */
  startedAfter?: number;
  /** Default `-createdAt`: newest first. */
  orderby?: string;
  /** At most this many runs: one page of this size. Without it, every page is read. */
  limit?: number;
}

/** `GET /connections/{id}/explore` parameters ("Explore", https://experienceleague.adobe.com/en/docs/experience-platform/sources/api-tutorials/explore/tabular). */
export interface ExploreRequest {
  /** `root`, `folder`, `file`, `table` or `rest`. */
  objectType: string;
  /** The path, table, or `json` for a REST source. */
  object?: string;
  fileType?: string;
  preview?: boolean;
  /** A REST source's params (`{campaignId: "c66a200cda"}`); the client sends the base64 of their compact JSON. */
  sourceParams?: Record<string, unknown>;
}

/** The Flow Service calls the resource providers use (implemented in `flowService.ts`). */
export interface FlowService {
  create(collection: FlowServiceCollection, body: Record<string, unknown>): Promise<IdAndEtag>;
  /** GET by id; `undefined` when Flow Service answers 404. */
  get(collection: FlowServiceCollection, id: string): Promise<FlowServiceObject | undefined>;
  /** PATCH with `If-Match: <etag>` (quotes kept). Throws a FlowServiceError with status 412 when stale. */
  patch(
    collection: FlowServiceCollection,
    id: string,
    operations: JsonPatchOperation[],
    etag: string,
  ): Promise<IdAndEtag>;
  /** DELETE; resolves `false` when the object was already gone (404). */
  delete(collection: FlowServiceCollection, id: string): Promise<boolean>;
  /** Every object matching the query, following `_links.next` across pages (specs carry no etag: it reads ""). */
  list(
    collection: FlowServiceCollection | "runs" | SpecCollection,
    query?: ListQuery,
  ): Promise<FlowServiceObject[]>;
  /** `POST /flows/{id}/action?op=enable|disable`. */
  flowAction(id: string, op: "enable" | "disable"): Promise<IdAndEtag>;
  /** `GET /runs` with the query's filters. */
  listRuns(query: RunsQuery): Promise<FlowServiceObject[]>;
  /** `GET /runs/{id}`; `undefined` on 404. */
  getRun(id: string): Promise<FlowServiceObject | undefined>;
  /**
   * `GET /connections/{id}/explore`: what a base connection can read. The answer as Flow Service
   * sends it: an array of objects for a listing, `{format?, schema?, data?}` for a preview.
   */
  explore(
    connectionId: string,
    request: ExploreRequest,
  ): Promise<unknown[] | Record<string, unknown>>;
  /** One spec by id; `undefined` on 404. */
  getSpec(collection: SpecCollection, id: string): Promise<FlowServiceObject | undefined>;
}

/** The Catalog Service calls behind the `Dataset` resource (implemented in `catalog.ts`). */
export interface CatalogService {
  /** `POST /dataSets`; returns the new dataset id (parsed from Catalog's `["@/dataSets/<id>"]`). */
  createDataset(body: Record<string, unknown>): Promise<string>;
  /** `GET /dataSets/{id}`, unwrapped from Catalog's `{ "<id>": {...} }`; `undefined` on 404. */
  getDataset(id: string): Promise<Record<string, unknown> | undefined>;
  /** `PATCH /dataSets/{id}` with a partial object (Catalog merges it). */
  updateDataset(id: string, changes: Record<string, unknown>): Promise<void>;
  /** `DELETE /dataSets/{id}`; resolves `false` when it was already gone. */
  deleteDataset(id: string): Promise<boolean>;
  /** Every dataset with exactly this name (`GET /dataSets?name=`, followed across pages), each with its `id`. */
  listDatasets(query: { name: string }): Promise<Array<Record<string, unknown> & { id: string }>>;
}

/** Everything the providers need from Adobe, behind one object per provider process. */
export type AepClient = FlowService & CatalogService;
