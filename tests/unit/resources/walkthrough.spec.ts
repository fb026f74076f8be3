// The walk-through's resources (XdmSchema, MappingSet) and the Dataset and Dataflow arguments
// that join them (profileEnabled, a Mapping transformation): check, then the exact HTTP calls of
// each provider method, through the real client, against nock.
import assert from "node:assert/strict";
import nock from "nock";
import { resetClientForTests } from "../../../provider/client";
import { PACKAGE_VERSION } from "../../../provider/resources/packageCopy";
import { captureWarningsForTests } from "../../../provider/resources/warnings";
import { dataflow, dataset, provider } from "../../../provider/runtime";
import {
  dataflowInputs,
  datasetInputs,
  mappingSetInputs,
  SCHEMA_ID,
  xdmSchemaInputs,
} from "../../fixtures/inputs";
import {
  ADOBE_HEADERS,
  CATALOG,
  configureWithToken,
  DATA_PREP,
  ETAG,
  EXPERIENCE_EVENT,
  FLOW,
  ID,
  LOCATION,
  MAPPING_ID,
  MARKETING,
  NEW_ETAG,
  ORG,
  PLATFORM,
  platform,
  REGISTRY,
  registryReads,
  schemaOutputs,
  storedMappingSet,
  storedSchema,
} from "./httpHelpers";

const xdmSchema = provider("xdmSchema", PACKAGE_VERSION);
const mappingSet = provider("mappingSet", PACKAGE_VERSION);

const ENCODED = encodeURIComponent(SCHEMA_ID);
const FLOW_ID = ID;
const END_USER_IDS = "https://ns.adobe.com/xdm/context/experienceevent-enduserids";

describe("walk-through resources", () => {
  let ims: nock.Scope;
  let warnings: string[];

  beforeEach(() => {
    ims = configureWithToken({ retry: { baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 2 } });
    warnings = [];
    captureWarningsForTests((message) => warnings.push(message));
  });

  afterEach(() => {
    resetClientForTests();
    captureWarningsForTests(undefined);
    nock.cleanAll();
  });

  describe("XdmSchema", () => {
    it("check fills the defaults and refuses a repeated field group or the class among them", async () => {
      const { fieldGroupIds: _groups, profileEnabled: _profile, ...minimal } = xdmSchemaInputs();
      assert.deepEqual((await xdmSchema.check({}, minimal)).inputs, {
        ...minimal,
        fieldGroupIds: [],
        profileEnabled: false,
        ...LOCATION,
      });
      const { failures } = await xdmSchema.check(
        {},
        { ...minimal, fieldGroupIds: [MARKETING, MARKETING, EXPERIENCE_EVENT] },
      );
      assert.deepEqual(failures, [
        {
          property: "fieldGroupIds.1",
          reason: `XdmSchema fieldGroupIds.1 repeats fieldGroupIds[0] (${MARKETING}): list each field group once`,
        },
        {
          property: "fieldGroupIds.2",
          reason:
            "XdmSchema fieldGroupIds.2 names the class: list only field groups here, the class goes in classId",
        },
      ]);
    });

    it("check refuses profileEnabled true -> false, saying why, before any call", async () => {
      const enabled = { ...xdmSchemaInputs(), profileEnabled: true };
      const { failures } = await xdmSchema.check(enabled, xdmSchemaInputs());
      assert.equal(failures?.length, 1);
      assert.equal(failures?.[0]?.property, "profileEnabled");
      assert.match(
        failures?.[0]?.reason ?? "",
        /^XdmSchema profileEnabled cannot go from true back to false: the Schema Registry never removes a schema from Real-Time Customer Profile/,
      );
      assert.deepEqual((await xdmSchema.check(xdmSchemaInputs(), enabled)).failures, undefined);
      assert.equal(ims.isDone(), false, "no token was needed");
    });

    it("create POSTs allOf (class, then field groups), reads the stored form back, returns every output", async () => {
      const inputs = xdmSchemaInputs();
      const api = platform()
        .post(`${REGISTRY}/tenant/schemas`, {
          title: inputs.title,
          description: inputs.description,
          type: "object",
          allOf: [{ $ref: EXPERIENCE_EVENT }, { $ref: MARKETING }],
        })
        .reply(201, storedSchema());
      const reads = registryReads()
        .get(`${REGISTRY}/tenant/schemas/${ENCODED}`)
        .reply(200, storedSchema());
      const result = await xdmSchema.create({ ...inputs, __provider: "text" });
      assert.deepEqual(result, { id: SCHEMA_ID, outs: { ...inputs, ...schemaOutputs() } });
      api.done();
      reads.done();
      ims.done();
    });

    it("create with profileEnabled adds the union tag with the documented PATCH", async () => {
      const inputs = { ...xdmSchemaInputs(), profileEnabled: true };
      const api = platform()
        .post(`${REGISTRY}/tenant/schemas`)
        .reply(201, storedSchema())
        .patch(`${REGISTRY}/tenant/schemas/${ENCODED}`, [
          { op: "add", path: "/meta:immutableTags", value: ["union"] },
        ])
        .reply(200, storedSchema({ "meta:immutableTags": ["union"] }));
      const reads = registryReads()
        .get(`${REGISTRY}/tenant/schemas/${ENCODED}`)
        .reply(200, storedSchema({ "meta:immutableTags": ["union"] }));
      const result = await xdmSchema.create(inputs);
      assert.equal(result.outs.profileEnabled, true);
      api.done();
      reads.done();
    });

    it("update reads the schema, then sends one JSON Patch from it: title, added field group, union tag", async () => {
      const olds = { ...xdmSchemaInputs(), ...schemaOutputs() };
      const news = {
        ...xdmSchemaInputs(),
        title: "Renamed",
        fieldGroupIds: [MARKETING, END_USER_IDS],
        profileEnabled: true,
      };
      const after = storedSchema({
        title: "Renamed",
        version: "1.1",
        allOf: [EXPERIENCE_EVENT, MARKETING, END_USER_IDS].map(($ref) => ({ $ref })),
        "meta:immutableTags": ["union"],
        "meta:registryMetadata": {
          "repo:createdDate": 1700000000000,
          "repo:lastModifiedDate": 1700000009000,
        },
      });
      const reads = registryReads()
        .get(`${REGISTRY}/tenant/schemas/${ENCODED}`)
        .reply(200, storedSchema())
        .get(`${REGISTRY}/tenant/schemas/${ENCODED}`)
        .reply(200, after);
      const api = nock(PLATFORM, { reqheaders: ADOBE_HEADERS, badheaders: ["if-match"] })
        .patch(`${REGISTRY}/tenant/schemas/${ENCODED}`, [
          { op: "replace", path: "/title", value: "Renamed" },
          { op: "add", path: "/allOf/-", value: { $ref: END_USER_IDS } },
          { op: "add", path: "/meta:immutableTags", value: ["union"] },
        ])
        .reply(200, after);
      const result = await xdmSchema.update(SCHEMA_ID, olds, news);
      assert.deepEqual(result, { outs: { ...news, ...schemaOutputs("1.1", 1700000009000) } });
      reads.done();
      api.done();
    });

    it("update removes a field group by its allOf index, and a description with remove", async () => {
      const current = storedSchema({
        allOf: [EXPERIENCE_EVENT, MARKETING, END_USER_IDS].map(($ref) => ({ $ref })),
      });
      const { description: _gone, ...news } = {
        ...xdmSchemaInputs(),
        fieldGroupIds: [END_USER_IDS],
      };
      const reads = registryReads()
        .get(`${REGISTRY}/tenant/schemas/${ENCODED}`)
        .reply(200, current)
        .get(`${REGISTRY}/tenant/schemas/${ENCODED}`)
        .reply(200, current);
      const api = platform()
        .patch(`${REGISTRY}/tenant/schemas/${ENCODED}`, [
          { op: "remove", path: "/description" },
          { op: "remove", path: "/allOf/1" },
        ])
        .reply(200, current);
      await xdmSchema.update(SCHEMA_ID, { ...xdmSchemaInputs(), ...schemaOutputs() }, news);
      reads.done();
      api.done();
    });

    it("read projects the stored form onto the inputs; a 404 drops it", async () => {
      const reads = registryReads()
        .get(`${REGISTRY}/tenant/schemas/${ENCODED}`)
        .reply(200, storedSchema({ "meta:immutableTags": ["union"] }))
        .get(`${REGISTRY}/tenant/schemas/${ENCODED}`)
        .reply(404, {
          type: "http://ns.adobe.com/aep/errors/XDM-1012-404",
          title: "Resource Not Found",
          status: 404,
        });
      const olds = { ...xdmSchemaInputs(), ...schemaOutputs() };
      assert.deepEqual(await xdmSchema.read(SCHEMA_ID, olds), {
        id: SCHEMA_ID,
        props: { ...xdmSchemaInputs(), profileEnabled: true, ...schemaOutputs() },
        inputs: { ...xdmSchemaInputs(), profileEnabled: true, ...LOCATION },
      });
      assert.deepEqual(await xdmSchema.read(SCHEMA_ID, olds), { id: "" });
      reads.done();
    });

    it("delete sends DELETE; the registry's refusal reaches the user with its own words", async () => {
      const api = platform()
        .delete(`${REGISTRY}/tenant/schemas/${ENCODED}`)
        .reply(204)
        .delete(`${REGISTRY}/tenant/schemas/${ENCODED}`)
        .reply(400, {
          type: "http://ns.adobe.com/aep/errors/XDM-1532-400",
          title: "Schema is in use",
          status: 400,
          report: {
            registryRequestId: "r-9",
            "detailed-message": "The schema is used by dataset(s) d1.",
          },
          detail: "The schema is used by dataset(s) d1.",
        });
      await xdmSchema.delete(SCHEMA_ID, { ...xdmSchemaInputs(), ...schemaOutputs() });
      await assert.rejects(
        xdmSchema.delete(SCHEMA_ID, { ...xdmSchemaInputs(), ...schemaOutputs() }),
        (error: Error) => {
          assert.equal(
            error.message,
            `Deleting XdmSchema "Mailchimp email activity" (${SCHEMA_ID}) failed: The schema is used by dataset(s) d1. (400 XDM-1532-400) DELETE ${REGISTRY}/tenant/schemas/${ENCODED}, request id r-9.`,
          );
          return true;
        },
      );
      api.done();
    });

    it("a create whose answer was lost adopts the schema of that title made since it started", async () => {
      const api = platform()
        .post(`${REGISTRY}/tenant/schemas`)
        .reply(502, "bad gateway")
        .get(`${REGISTRY}/tenant/schemas`)
        .query({ orderby: "title", property: `title==${xdmSchemaInputs().title}` })
        .reply(200, {
          results: [
            {
              $id: SCHEMA_ID,
              "meta:altId": "_acme.schemas.x",
              version: "1.0",
              title: xdmSchemaInputs().title,
            },
          ],
          _links: { next: null },
        });
      const now = Date.now();
      const created = storedSchema({
        "meta:registryMetadata": { "repo:createdDate": now, "repo:lastModifiedDate": now },
      });
      const reads = registryReads()
        .get(`${REGISTRY}/tenant/schemas/${ENCODED}`)
        .twice()
        .reply(200, created);
      const result = await xdmSchema.create(xdmSchemaInputs());
      assert.equal(result.id, SCHEMA_ID);
      api.done();
      reads.done();
    });
  });

  describe("MappingSet", () => {
    it("check: a known sourceType, a non-empty destination, each destination once, at least one mapping", async () => {
      const { failures } = await mappingSet.check(
        {},
        {
          outputSchema: SCHEMA_ID,
          mappings: [
            { sourceType: "CONSTANT", source: "x", destination: "eventType" },
            { source: "email_id", destination: "" },
          ],
        },
      );
      assert.deepEqual(failures, [
        {
          property: "mappings.0.sourceType",
          reason:
            'MappingSet mappings.0.sourceType must be "ATTRIBUTE" (a source field), "EXPRESSION" (a Data Prep expression) or "STATIC" (a constant)',
        },
        {
          property: "mappings.1.destination",
          reason:
            "MappingSet mappings.1.destination must not be empty: the XDM field path the value goes to, such as `_id`",
        },
      ]);
      const repeated = await mappingSet.check(
        {},
        {
          outputSchema: SCHEMA_ID,
          mappings: [
            { source: "email_id", destination: "_id" },
            { source: "id", destination: "_id" },
          ],
        },
      );
      assert.deepEqual(repeated.failures, [
        {
          property: "mappings.1.destination",
          reason:
            "MappingSet mappings.1.destination maps to _id again (mappings[0] already does): Data Prep fills each destination once",
        },
      ]);
      assert.deepEqual(
        (await mappingSet.check({}, { outputSchema: SCHEMA_ID, mappings: [] })).failures,
        [{ property: "mappings", reason: "MappingSet mappings must list at least one mapping" }],
      );
    });

    it("create POSTs the current body (xed-full schemaRef) and reads the set back", async () => {
      const inputs = mappingSetInputs();
      const api = platform()
        .post(`${DATA_PREP}/mappingSets`, {
          outputSchema: {
            schemaRef: {
              id: SCHEMA_ID,
              contentType: "application/vnd.adobe.xed-full+json;version=1",
            },
          },
          mappings: inputs.mappings,
        })
        .reply(200, {
          id: MAPPING_ID,
          version: 0,
          createdDate: 1614901255000,
          modifiedDate: 1614901255000,
        })
        .get(`${DATA_PREP}/mappingSets/${MAPPING_ID}`)
        .reply(200, storedMappingSet());
      assert.deepEqual(await mappingSet.create(inputs), {
        id: MAPPING_ID,
        outs: {
          ...inputs,
          version: 0,
          createdDate: 1614901255000,
          modifiedDate: 1614901255000,
          ...LOCATION,
        },
      });
      api.done();
    });

    it("update is a PUT of the whole set; the version output moves", async () => {
      const news = mappingSetInputs();
      news.mappings.push({
        sourceType: "ATTRIBUTE",
        source: "campaign_id",
        destination: "eventType",
      });
      const answer = { ...storedMappingSet(1), mappings: news.mappings };
      const api = platform()
        .put(`${DATA_PREP}/mappingSets/${MAPPING_ID}`, {
          outputSchema: {
            schemaRef: {
              id: SCHEMA_ID,
              contentType: "application/vnd.adobe.xed-full+json;version=1",
            },
          },
          mappings: news.mappings,
        })
        .reply(200, answer)
        .get(`${DATA_PREP}/mappingSets/${MAPPING_ID}`)
        .reply(200, answer);
      const result = await mappingSet.update(
        MAPPING_ID,
        { ...mappingSetInputs(), version: 0 },
        news,
      );
      assert.equal(result.outs.version, 1);
      assert.deepEqual(result.outs.mappings, news.mappings);
      api.done();
    });

    it("read takes the latest, and the known version by number when Data Prep answers an older one", async () => {
      const api = platform()
        .get(`${DATA_PREP}/mappingSets/${MAPPING_ID}`)
        .reply(200, storedMappingSet(0))
        .get(`${DATA_PREP}/mappingSets/${MAPPING_ID}`)
        .query({ version: "2" })
        .reply(200, storedMappingSet(2));
      const read = await mappingSet.read(MAPPING_ID, { ...mappingSetInputs(), version: 2 });
      assert.equal(read.props?.version, 2);
      assert.deepEqual(read.inputs, { ...mappingSetInputs(), ...LOCATION });
      api.done();
    });

    it("delete: a DELETE Data Prep answers 405 leaves the set, drops it with a warning naming it", async () => {
      const api = platform()
        .delete(`${DATA_PREP}/mappingSets/${MAPPING_ID}`)
        .reply(405, { title: "Method Not Allowed", status: 405 })
        .get(`${DATA_PREP}/mappingSets/${MAPPING_ID}`)
        .reply(200, storedMappingSet(3));
      await mappingSet.delete(MAPPING_ID, { ...mappingSetInputs(), version: 3 });
      assert.deepEqual(warnings, [
        `MappingSet ${MAPPING_ID} (version 3, into ${SCHEMA_ID}) was left in Adobe Experience Platform and removed from the stack: Data Prep has no DELETE for mapping sets (https://experienceleague.adobe.com/en/docs/experience-platform/data-prep/api/mapping-set). It stays in the sandbox, unused once no dataflow names it.`,
      ]);
      api.done();
    });

    it("delete: no warning when the DELETE worked, or when a 404 means the set is gone", async () => {
      const api = platform()
        .delete(`${DATA_PREP}/mappingSets/${MAPPING_ID}`)
        .reply(204)
        .delete(`${DATA_PREP}/mappingSets/${MAPPING_ID}`)
        .reply(404, "Not Found")
        .get(`${DATA_PREP}/mappingSets/${MAPPING_ID}`)
        .reply(404, { title: "Not Found", status: 404 });
      await mappingSet.delete(MAPPING_ID, mappingSetInputs());
      await mappingSet.delete(MAPPING_ID, mappingSetInputs());
      assert.deepEqual(warnings, []);
      api.done();
    });
  });

  describe("Dataset profileEnabled", () => {
    const profileTags = { unifiedProfile: ["enabled:true"], unifiedIdentity: ["enabled:true"] };

    it("create sends the profile tags; read gives profileEnabled back, not the tags", async () => {
      const inputs = { ...datasetInputs(), profileEnabled: true };
      const { profileEnabled: _flag, ...payload } = inputs;
      const api = platform()
        .post(`${CATALOG}/dataSets`, { ...payload, tags: profileTags })
        .reply(201, ["@/dataSets/5c8c3c555033b814b69f947f"])
        .get(`${CATALOG}/dataSets/5c8c3c555033b814b69f947f`)
        .reply(200, {
          "5c8c3c555033b814b69f947f": {
            ...payload,
            tags: profileTags,
            version: "1.0.0",
            imsOrg: ORG,
          },
        });
      const result = await dataset.create(inputs);
      assert.deepEqual(result.outs, { ...inputs, version: "1.0.0", imsOrg: ORG, ...LOCATION });
      api.done();
    });

    it("update PATCHes the tags when profileEnabled changes", async () => {
      const olds = { ...datasetInputs(), profileEnabled: false, version: "1.0.0" };
      const news = { ...datasetInputs(), profileEnabled: true };
      const api = platform()
        .patch(`${CATALOG}/dataSets/5c8c3c555033b814b69f947f`, { tags: profileTags })
        .reply(200, ["@/dataSets/5c8c3c555033b814b69f947f"])
        .get(`${CATALOG}/dataSets/5c8c3c555033b814b69f947f`)
        .reply(200, { "5c8c3c555033b814b69f947f": { ...datasetInputs(), tags: profileTags } });
      const result = await dataset.update("5c8c3c555033b814b69f947f", olds, news);
      assert.equal(result.outs.profileEnabled, true);
      api.done();
    });

    it("check refuses it when the schema is readable and not enabled for Profile", async () => {
      const inputs = { ...datasetInputs(), profileEnabled: true };
      const reads = registryReads()
        .get(`${REGISTRY}/tenant/schemas/${ENCODED}`)
        .reply(200, storedSchema())
        .get(`${REGISTRY}/tenant/schemas/${ENCODED}`)
        .reply(200, storedSchema({ "meta:immutableTags": ["union"] }));
      assert.deepEqual((await dataset.check({}, inputs)).failures, [
        {
          property: "profileEnabled",
          reason: `Dataset profileEnabled needs a schema enabled for Profile, and ${SCHEMA_ID} is not: set profileEnabled: true on its XdmSchema first (Catalog refuses the dataset's profile tags otherwise).`,
        },
      ]);
      assert.equal((await dataset.check({}, inputs)).failures, undefined);
      reads.done();
    });

    it("check refuses profileEnabled next to a profile tag, naming both", async () => {
      const { failures } = await dataset.check(
        {},
        { ...datasetInputs(), profileEnabled: false, tags: { unifiedProfile: ["enabled:true"] } },
      );
      assert.deepEqual(failures, [
        {
          property: "tags.unifiedProfile",
          reason:
            "Dataset tags.unifiedProfile conflicts with profileEnabled, which sets this tag: set one of them, not both",
        },
      ]);
    });
  });

  describe("Dataflow with a Mapping", () => {
    const mapping = (mappingVersion: unknown, mappingId: unknown = MAPPING_ID) => ({
      name: "Mapping",
      params: { mappingId, mappingVersion },
    });

    it("check needs a mappingId and a whole mappingVersion", async () => {
      const { failures } = await dataflow.check(
        {},
        { ...dataflowInputs(), transformations: [mapping("latest", "")] },
      );
      assert.deepEqual(failures, [
        {
          property: "transformations.0.params.mappingId",
          reason:
            "Dataflow transformations.0.params.mappingId is required for a Mapping: pass a MappingSet's `id`",
        },
        {
          property: "transformations.0.params.mappingVersion",
          reason:
            'Dataflow transformations.0.params.mappingVersion must be a whole number for a Mapping (got "latest"): pass the MappingSet\'s `version`',
        },
      ]);
      assert.equal(
        (await dataflow.check({}, { ...dataflowInputs(), transformations: [mapping("2")] }))
          .failures,
        undefined,
      );
    });

    it("a new mapping version is one PATCH of /transformations/0 with If-Match, in place", async () => {
      const olds = {
        ...dataflowInputs(),
        transformations: [mapping(0)],
        etag: ETAG,
        state: "enabled",
      };
      const news = { ...dataflowInputs(), transformations: [mapping(1)] };
      assert.deepEqual((await dataflow.diff(FLOW_ID, olds, news)).replaces, []);
      const { enabled: _local, ...payload } = news;
      const patch = nock(PLATFORM, { reqheaders: { ...ADOBE_HEADERS, "if-match": ETAG } })
        .patch(`${FLOW}/flows/${FLOW_ID}`, [
          { op: "replace", path: "/transformations/0", value: mapping(1) as never },
        ])
        .reply(200, { id: FLOW_ID, etag: NEW_ETAG });
      const api = platform()
        .get(`${FLOW}/flows/${FLOW_ID}`)
        .reply(200, {
          items: [{ ...payload, id: FLOW_ID, etag: NEW_ETAG, state: "enabled" }],
        });
      const result = await dataflow.update(FLOW_ID, olds, news);
      assert.deepEqual(result.outs.transformations, [mapping(1)]);
      patch.done();
      api.done();
    });

    it("read takes a mappingVersion echoed as a string for the declared integer", async () => {
      const declared = { ...dataflowInputs(), transformations: [mapping(0)], etag: ETAG };
      const { enabled: _local, ...payload } = declared;
      const api = platform()
        .get(`${FLOW}/flows/${FLOW_ID}`)
        .reply(200, {
          items: [{ ...payload, id: FLOW_ID, transformations: [mapping("0")], state: "enabled" }],
        });
      const read = await dataflow.read(FLOW_ID, declared);
      assert.deepEqual(read.inputs?.transformations, [mapping(0)]);
      api.done();
    });
  });
});
