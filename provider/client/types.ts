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

/**
 * A tenant XDM schema in the Schema Registry's stored form (`Accept: xed+json; version=1`): its
 * `allOf` of `$ref`s, `meta:extends`, `meta:class`, `meta:immutableTags`... as Adobe sent them.
 */
export type XdmSchemaObject = Record<string, unknown> & {
  /** `https://ns.adobe.com/<tenant>/schemas/<hex>`; the hex is 32 or 48 characters. */
  $id: string;
  "meta:altId": string;
  /** `"1.0"`, `"1.1"`...: the minor version moves when fields are added. */
  version: string;
};

/** One row of a schema listing (`Accept: application/vnd.adobe.xed-id+json`). */
export interface XdmSchemaSummary {
  $id: string;
  "meta:altId": string;
  version: string;
  title: string;
}

/** The Schema Registry calls behind the `XdmSchema` resource (implemented in `schemaRegistry.ts`). */
export interface SchemaRegistryService {
  /** `POST /tenant/schemas` (201 with the schema). */
  createSchema(body: Record<string, unknown>): Promise<XdmSchemaObject>;
  /** `GET /tenant/schemas/{$id}` in the stored form; `undefined` on 404. */
  getSchema(id: string): Promise<XdmSchemaObject | undefined>;
  /** `PATCH /tenant/schemas/{$id}` with a JSON Patch (no If-Match: the registry documents none). */
  patchSchema(id: string, operations: JsonPatchOperation[]): Promise<XdmSchemaObject>;
  /** `DELETE /tenant/schemas/{$id}`; resolves `false` when it was already gone. */
  deleteSchema(id: string): Promise<boolean>;
  /** Every tenant schema matching the `property` filters (`title==...`), followed across pages. */
  listSchemas(query?: ListQuery): Promise<XdmSchemaSummary[]>;
}

/** Data Prep's `sourceType`, as sent (Adobe's GET answers media types; the client maps them back). */
export type MappingSourceType = "ATTRIBUTE" | "EXPRESSION" | "STATIC";

/** One mapping of a mapping set, in the vocabulary of the current API. */
export interface Mapping {
  sourceType: MappingSourceType;
  source: string;
  destination: string;
  name?: string;
  description?: string;
}

/** A mapping set version as Data Prep returns it, normalized (see `dataPrep.ts`). */
export type MappingSetObject = Record<string, unknown> & {
  id: string;
  /** 0 for a new set, +1 for each PUT. */
  version: number;
  /** The output schema's `$id`. */
  xdmSchema: string;
  mappings: Mapping[];
  /** Epoch ms. */
  createdDate?: number;
  /** Epoch ms. */
  modifiedDate?: number;
};

/** What a mapping set DELETE came to: Data Prep documents no DELETE, so 404 and 405 mean "cannot". */
export type MappingSetDeletion = "deleted" | "not-deletable";

/** The Data Prep calls behind the `MappingSet` resource (implemented in `dataPrep.ts`). */
export interface DataPrepService {
  /** `POST /mappingSets` (200 with `{id, version, ...}`). */
  createMappingSet(body: Record<string, unknown>): Promise<{ id: string; version: number }>;
  /** `GET /mappingSets/{id}?version=<n>` (the latest without `version`); `undefined` on 404. */
  getMappingSet(id: string, version?: number): Promise<MappingSetObject | undefined>;
  /**
   * `GET /mappingSets?limit=&start=`, page after page: the latest version of every mapping set of
   * the sandbox (they have no name to filter by).
   */
  listMappingSets(): Promise<MappingSetObject[]>;
  /** `PUT /mappingSets/{id}` with a full body: a new version, which it returns. */
  updateMappingSet(id: string, body: Record<string, unknown>): Promise<MappingSetObject>;
  /** `DELETE /mappingSets/{id}`; 404 and 405 resolve `"not-deletable"`. */
  deleteMappingSet(id: string): Promise<MappingSetDeletion>;
}

/** A connection or flow spec; flow specs' transformations always under `transformationSpecs`. */
export type SpecObject = Record<string, unknown> & { id: string; name: string };

/** Flow Service's specs by id and as a list, with a name (implemented in `flowService.ts`). */
export interface SpecService {
  /** `GET /<specs>/{id}`; `undefined` on 404. */
  getSpec(collection: SpecCollection, id: string): Promise<SpecObject | undefined>;
  /** `GET /<specs>` with `property` filters, followed across pages. */
  listSpecs(collection: SpecCollection, query?: ListQuery): Promise<SpecObject[]>;
}

/** Everything the providers need from Adobe, behind one object per provider process. */
export type AepClient = FlowService &
  CatalogService &
  SchemaRegistryService &
  DataPrepService &
  SpecService;
