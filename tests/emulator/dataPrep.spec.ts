/**
 * Data Prep mapping sets and the flows that use them, written from the mapping set endpoint guide
 * (https://experienceleague.adobe.com/en/docs/experience-platform/data-prep/api/mapping-set), the
 * Mailchimp Members tutorial's flow with a Mapping
 * (https://experienceleague.adobe.com/en/docs/experience-platform/sources/api-tutorials/create/marketing-automation/mailchimp-members)
 * and "Update dataflows"
 * (https://experienceleague.adobe.com/en/docs/experience-platform/sources/api-tutorials/update-dataflows).
 */
import assert from "node:assert/strict";
import {
  assertProblem,
  CAMPAIGN_MAPPINGS,
  DATA_PREP,
  everyFifteenMinutes,
  flowBody,
  mappingSetBody,
  ORG,
  type Pipeline,
  type Reply,
  UUID_PATTERN,
  useEmulator,
} from "./helpers";

const HEX32 = /^[0-9a-f]{32}$/;

function assertDataPrepError(reply: Reply, status: number, title: string, detail: string): void {
  assert.equal(reply.status, status, reply.text);
  assert.deepEqual(reply.body, {
    type: `https://ns.adobe.com/aep/errors/DPREP-${status}`,
    title,
    status,
    detail,
    "request-id": reply.headers.get("x-request-id"),
  });
  assert.match(String(reply.body["request-id"]), UUID_PATTERN);
}

describe("emulator Data Prep", () => {
  const { emulator, api } = useEmulator({ reset: false });
  let schemaId: string;

  describe("mapping sets", () => {
    beforeEach(async () => {
      emulator.reset();
      schemaId = await api.tutorialSchemaId();
    });

    const dataPrep = (method: string, path: string, json?: unknown): Promise<Reply> =>
      api.request(method, `${DATA_PREP}${path}`, { json });

    it("creates with 200 and only the identity: 32-hex id, version 0, ms dates", async () => {
      const before = emulator.now();
      const reply = await dataPrep("POST", "/mappingSets", mappingSetBody(schemaId));
      assert.equal(reply.status, 200, reply.text);
      assert.deepEqual(Object.keys(reply.body), [
        "id",
        "version",
        "createdDate",
        "modifiedDate",
        "createdBy",
        "modifiedBy",
      ]);
      assert.match(reply.body.id, HEX32);
      assert.equal(reply.body.version, 0);
      assert.ok(reply.body.createdDate >= before);
      assert.equal(reply.body.modifiedDate, reply.body.createdDate);
      assert.equal(reply.body.createdBy, "contract-test-client");
    });

    it("reads the set with ids on every mapping and ATTRIBUTE as text/x.schema-path", async () => {
      const id = await api.createMappingSet(schemaId, [
        { sourceType: "ATTRIBUTE", source: "email_id", destination: "_id", name: "id" },
        { sourceType: "EXPRESSION", source: "now()", destination: "timestamp" },
        { sourceType: "STATIC", source: "directMarketing.emailOpened", destination: "eventType" },
      ]);
      const reply = await dataPrep("GET", `/mappingSets/${id}`);
      assert.equal(reply.status, 200, reply.text);
      const set = reply.body;
      assert.equal(set.id, id);
      assert.equal(set.version, 0);
      assert.equal(set.status, "DRAFT");
      assert.equal(set.xdmSchema, schemaId);
      const schemaRef = {
        id: schemaId,
        contentType: "application/vnd.adobe.xed-full+json;version=1",
      };
      assert.deepEqual(set.schemaRef, schemaRef);
      assert.deepEqual(set.outputSchema.schemaRef, schemaRef);
      assert.match(set.outputSchema.id, HEX32);
      assert.equal(set.xdmVersion, "application/vnd.adobe.xed-full+json;version=1");
      assert.deepEqual(
        set.mappings.map((mapping: Record<string, unknown>) => [
          mapping.sourceType,
          mapping.source,
          mapping.destination,
          mapping.version,
        ]),
        [
          ["text/x.schema-path", "email_id", "_id", 0],
          ["text/x.aep-xl", "now()", "timestamp", 0],
          ["STATIC", "directMarketing.emailOpened", "eventType", 0],
        ],
      );
      for (const mapping of set.mappings) {
        assert.match(mapping.id, HEX32);
      }
      assert.equal(set.mappings[0].name, "id");
    });

    it("accepts the legacy body of the sources tutorials (xdmSchema as meta:altId, sourceAttribute)", async () => {
      const altId = (await api.createSchema("Members"))["meta:altId"];
      const reply = await dataPrep("POST", "/mappingSets", {
        version: 0,
        xdmSchema: altId,
        xdmVersion: "1.0",
        mappings: [
          {
            destinationXdmPath: "_id",
            sourceAttribute: "id",
            identity: false,
            version: 0,
          },
        ],
      });
      assert.equal(reply.status, 200, reply.text);
      const set = (await dataPrep("GET", `/mappingSets/${reply.body.id}`)).body;
      assert.match(set.xdmSchema, /^https:\/\/ns\.adobe\.com\/[^/]+\/schemas\/[0-9a-f]+$/);
      assert.deepEqual([set.mappings[0].source, set.mappings[0].destination], ["id", "_id"]);
    });

    it("refuses an unknown schema, a bad sourceType, an empty or a repeated destination", async () => {
      const missing =
        "https://ns.adobe.com/acme/schemas/89abc189258b1cb1a816d8f2b2341a6d98000ed8f4008305";
      const cases: Array<[unknown, string]> = [
        [mappingSetBody(missing), `The output schema ${missing} does not exist in this sandbox.`],
        [
          mappingSetBody(schemaId, [{ sourceType: "CONSTANT", source: "x", destination: "_id" }]),
          'mappings[0].sourceType must be ATTRIBUTE, EXPRESSION or STATIC (got "CONSTANT").',
        ],
        [
          mappingSetBody(schemaId, [{ sourceType: "ATTRIBUTE", source: "x", destination: " " }]),
          "mappings[0].destination must be a non-empty string.",
        ],
        [
          mappingSetBody(schemaId, [
            { sourceType: "ATTRIBUTE", source: "a", destination: "_id" },
            { sourceType: "ATTRIBUTE", source: "b", destination: "_id" },
          ]),
          "mappings[1] and mappings[0] both map to '_id'; a destination can be mapped once.",
        ],
      ];
      for (const [body, detail] of cases) {
        assertDataPrepError(
          await dataPrep("POST", "/mappingSets", body),
          400,
          "Bad Request",
          detail,
        );
      }
    });

    it("makes a new version with each PUT; every version stays readable", async () => {
      const id = await api.createMappingSet(schemaId);
      const first = (await dataPrep("GET", `/mappingSets/${id}`)).body;
      emulator.advanceClock(1000);
      const added = [
        ...CAMPAIGN_MAPPINGS,
        { sourceType: "ATTRIBUTE", source: "campaign_id", destination: "eventType" },
      ];
      const reply = await dataPrep("PUT", `/mappingSets/${id}`, mappingSetBody(schemaId, added));
      assert.equal(reply.status, 200, reply.text);
      assert.equal(reply.body.version, 1);
      assert.equal(reply.body.createdDate, first.createdDate);
      assert.ok(reply.body.modifiedDate > first.modifiedDate);
      assert.equal(reply.body.status, undefined);
      assert.equal(reply.body.mappings.length, 3);
      assert.equal(reply.body.outputSchema.id, first.outputSchema.id);
      const firstIds = new Set(first.mappings.map((mapping: { id: string }) => mapping.id));
      assert.ok(reply.body.mappings.every((mapping: { id: string }) => !firstIds.has(mapping.id)));
      assert.equal((await dataPrep("GET", `/mappingSets/${id}`)).body.version, 1);
      assert.deepEqual((await dataPrep("GET", `/mappingSets/${id}?version=0`)).body, first);
      assertDataPrepError(
        await dataPrep("GET", `/mappingSets/${id}?version=5`),
        404,
        "Not Found",
        `Mapping set ${id} has no version 5 (versions 0 to 1).`,
      );
    });

    it("lists with limit and start (both required), and the mappings sub-resource as a bare array", async () => {
      const first = await api.createMappingSet(schemaId);
      const second = await api.createMappingSet(schemaId);
      assertDataPrepError(
        await dataPrep("GET", "/mappingSets?limit=10"),
        400,
        "Bad Request",
        "The query parameters 'limit' (a positive integer) and 'start' (an offset, 0 for the first page) are required.",
      );
      const page = await dataPrep("GET", "/mappingSets?limit=1&start=1");
      assert.equal(page.status, 200);
      assert.deepEqual(page.body._page, { count: 1, limit: 1 });
      assert.equal(page.body.data[0].id, second);
      assert.equal(page.body.data[0].mappings[0].sourceAttribute, "email_id");
      const mappings = await dataPrep("GET", `/mappingSets/${first}/mappings`);
      assert.ok(Array.isArray(mappings.body));
      assert.deepEqual(
        mappings.body.map((mapping: Record<string, unknown>) => [
          mapping.source,
          mapping.destinationXdmPath,
          mapping.identity,
          mapping.functionVersion,
        ]),
        [
          ["email_id", "_id", false, 1],
          ["activity[0].timestamp", "timestamp", false, 1],
        ],
      );
      const elsewhere = await api
        .in(ORG, "dev")
        .request("GET", `${DATA_PREP}/mappingSets/${first}`);
      assert.equal(elsewhere.status, 404);
    });

    it("saves an edit made in the UI (editOutOfBand) as a new version", async () => {
      const id = await api.createMappingSet(schemaId);
      emulator.editOutOfBand("mappingSets", id, {
        mappings: [{ sourceType: "text/x.schema-path", source: "email_id", destination: "_id" }],
      });
      const latest = (await dataPrep("GET", `/mappingSets/${id}`)).body;
      assert.equal(latest.version, 1);
      assert.deepEqual(
        latest.mappings.map((mapping: { destination: string }) => mapping.destination),
        ["_id"],
      );
      assert.equal((await dataPrep("GET", `/mappingSets/${id}?version=0`)).body.mappings.length, 2);
    });

    it("has no DELETE: 405, and the set stays", async () => {
      const id = await api.createMappingSet(schemaId);
      const reply = await dataPrep("DELETE", `/mappingSets/${id}`);
      assertDataPrepError(
        reply,
        405,
        "Method Not Allowed",
        `Mapping sets cannot be deleted: Data Prep has no DELETE for ${id}. Leave it in place (a flow keeps the version it names).`,
      );
      assert.equal(reply.headers.get("allow"), "GET, PUT");
      assert.equal((await dataPrep("GET", `/mappingSets/${id}`)).status, 200);
      assertDataPrepError(
        await dataPrep("GET", "/mappingSets/0123456789abcdef0123456789abcdef"),
        404,
        "Not Found",
        "Mapping set 0123456789abcdef0123456789abcdef was not found.",
      );
    });
  });

  describe("flows with a Mapping transformation", () => {
    let pipeline: Pipeline;

    beforeEach(async () => {
      emulator.reset();
      pipeline = await api.createPipeline();
      schemaId = await api.tutorialSchemaId();
    });

    const mappingFlow = (mappingId: string, mappingVersion: unknown): Record<string, unknown> => ({
      ...flowBody(pipeline.sourceId, pipeline.targetId, everyFifteenMinutes(0)),
      name: "MailChimp Members dataflow",
      transformations: [{ name: "Mapping", params: { mappingId, mappingVersion } }],
    });

    it("takes the Members tutorial's flow and echoes mappingVersion as sent, integer or string", async () => {
      const mappingId = await api.createMappingSet(schemaId);
      for (const version of [0, "0"]) {
        const { id } = await api.create("flows", mappingFlow(mappingId, version));
        assert.deepEqual((await api.object("flows", id)).transformations, [
          { name: "Mapping", params: { mappingId, mappingVersion: version } },
        ]);
      }
    });

    it("refuses an unknown mapping set (1419), version (1412) and a schema other than the target's (1425)", async () => {
      const mappingId = await api.createMappingSet(schemaId);
      assertProblem(
        await api.post("/flows", mappingFlow("0123456789abcdef0123456789abcdef", 0)),
        400,
        "1419",
        "Error validating mapping 0123456789abcdef0123456789abcdef, version 0: the mapping set does not exist in this sandbox.",
      );
      assertProblem(
        await api.post("/flows", mappingFlow(mappingId, 3)),
        400,
        "1412",
        `Invalid Mapping Version in request: mapping set ${mappingId} has no version 3.`,
      );
      assertProblem(
        await api.post("/flows", mappingFlow(mappingId, "latest")),
        400,
        "1412",
        `Invalid Mapping Version in request: transformations[0] needs params.mappingId (a mapping set id) and params.mappingVersion (an integer version, got "latest").`,
      );
      const other = (await api.createSchema("Another schema")).$id as string;
      const otherMapping = await api.createMappingSet(other);
      assertProblem(
        await api.post("/flows", mappingFlow(otherMapping, 0)),
        400,
        "1425",
        `The schema of target connection ${pipeline.targetId} (${schemaId}) and the schema of mapping ${otherMapping} version 0 (${other}) must have the same id and version.`,
      );
    });

    it("moves a flow to a new mapping version with a PATCH of the whole element and If-Match", async () => {
      const mappingId = await api.createMappingSet(schemaId);
      const created = await api.create("flows", mappingFlow(mappingId, 0));
      const put = await api.request("PUT", `${DATA_PREP}/mappingSets/${mappingId}`, {
        json: mappingSetBody(schemaId),
      });
      assert.equal(put.body.version, 1);
      const moved = await api.patch(
        `/flows/${created.id}`,
        [
          {
            op: "replace",
            path: "/transformations/0",
            value: { name: "Mapping", params: { mappingId, mappingVersion: 1 } },
          },
        ],
        created.etag,
      );
      assert.equal(moved.status, 200, moved.text);
      assert.notEqual(moved.body.etag, created.etag);
      assert.deepEqual((await api.object("flows", created.id)).transformations, [
        { name: "Mapping", params: { mappingId, mappingVersion: 1 } },
      ]);
      const tooFar = await api.patch(
        `/flows/${created.id}`,
        [{ op: "replace", path: "/transformations/0/params/mappingVersion", value: 2 }],
        moved.body.etag,
      );
      assertProblem(
        tooFar,
        400,
        "1412",
        `Invalid Mapping Version in request: mapping set ${mappingId} has no version 2.`,
      );
    });
  });
});
