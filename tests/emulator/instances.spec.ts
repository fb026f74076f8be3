/**
 * Envelopes, system fields, secret masking, create validation and referential rules of the four
 * Flow Service instance collections.
 */
import assert from "node:assert/strict";
import { connectionSpecIds, flowSpecIds } from "../../provider/resources/specCatalog";
import {
  assertNotFound,
  assertProblem,
  basicAuthConnection,
  campaignSourceConnection,
  CLIENT_ID,
  dataLakeTarget,
  ETAG_PATTERN,
  everyFifteenMinutes,
  flowBody,
  ORG,
  SANDBOX,
  startOfMinute,
  UUID_PATTERN,
  useEmulator,
} from "./helpers";

const SYSTEM_FIELDS = [
  "id",
  "createdAt",
  "updatedAt",
  "createdBy",
  "updatedBy",
  "createdClient",
  "updatedClient",
  "sandboxId",
  "sandboxName",
  "imsOrgId",
  "state",
  "version",
  "etag",
];

describe("emulator instances", () => {
  const { emulator, api } = useEmulator();

  describe("envelopes and system fields", () => {
    it("wraps GET by id in {items:[...]} with every system field", async () => {
      const before = emulator.now();
      const { id, etag } = await api.create("connections", basicAuthConnection());
      const reply = await api.get(`/connections/${id}`);
      assert.equal(reply.status, 200);
      assert.deepEqual(Object.keys(reply.body), ["items"]);
      const connection = reply.body.items[0];
      for (const field of SYSTEM_FIELDS) {
        assert.ok(field in connection, `missing ${field}`);
      }
      assert.equal(connection.id, id);
      assert.equal(connection.etag, etag);
      assert.equal(connection.version, etag);
      assert.match(connection.etag, ETAG_PATTERN);
      assert.ok(connection.createdAt >= before && connection.createdAt <= emulator.now());
      assert.equal(connection.updatedAt, connection.createdAt);
      assert.equal(connection.createdBy, CLIENT_ID);
      assert.equal(connection.updatedBy, CLIENT_ID);
      assert.equal(connection.createdClient, CLIENT_ID);
      assert.equal(connection.updatedClient, CLIENT_ID);
      assert.equal(connection.sandboxName, SANDBOX);
      assert.equal(connection.imsOrgId, ORG);
      assert.match(connection.sandboxId, UUID_PATTERN);
      assert.equal(connection.state, "enabled");
      assert.equal(connection.name, "Mailchimp base connection with basic authentication");
      assert.deepEqual(connection.connectionSpec, {
        id: connectionSpecIds.mailchimpCampaign,
        version: "1.0",
      });
    });

    it("gives source connections inheritedAttributes.baseConnection and a create lastOperation", async () => {
      const base = await api.create("connections", basicAuthConnection());
      const { id } = await api.create("sourceConnections", campaignSourceConnection(base.id));
      const source = await api.object("sourceConnections", id);
      assert.equal(source.baseConnectionId, base.id);
      assert.deepEqual(source.data, { format: "json" });
      assert.deepEqual(source.params, { campaignId: "c66a200cda" });
      assert.deepEqual(source.inheritedAttributes, {
        baseConnection: {
          id: base.id,
          connectionSpec: { id: connectionSpecIds.mailchimpCampaign, version: "1.0" },
        },
      });
      assert.deepEqual(source.lastOperation, {
        started: source.createdAt,
        updated: 0,
        operation: "create",
      });
    });

    it("stores target connections as sent, without lastOperation", async () => {
      const dataSetId = await api.createDataSet();
      const { id } = await api.create("targetConnections", dataLakeTarget(dataSetId));
      const target = await api.object("targetConnections", id);
      assert.deepEqual(target.params, { dataSetId });
      assert.deepEqual(target.connectionSpec, { id: connectionSpecIds.dataLake, version: "1.0" });
      assert.equal((target.data as { format: string }).format, "parquet_xdm");
      assert.equal("lastOperation" in target, false);
    });

    it("gives flows runs, labels, transformations and no lastRunDetails before a run", async () => {
      const start = startOfMinute(emulator) + 3600;
      const pipeline = await api.createPipeline(everyFifteenMinutes(start));
      const flow = await api.object("flows", pipeline.flowId);
      assert.equal(flow.runs, `/runs?property=flowId==${pipeline.flowId}`);
      assert.deepEqual(flow.labels, []);
      assert.deepEqual(flow.transformations, []);
      assert.deepEqual(flow.sourceConnectionIds, [pipeline.sourceId]);
      assert.deepEqual(flow.targetConnectionIds, [pipeline.targetId]);
      assert.deepEqual(flow.lastOperation, {
        started: flow.createdAt,
        updated: 0,
        operation: "create",
      });
      assert.equal("lastRunDetails" in flow, false);
    });
  });

  describe("secret masking", () => {
    it("masks format:password auth params on GET and list, and keeps them in objects()", async () => {
      const { id } = await api.create("connections", basicAuthConnection());
      const params = {
        authorizationTestUrl: "https://login.mailchimp.com/oauth2/metadata",
        username: "mailchimp-user",
        password: "********",
      };
      assert.deepEqual((await api.object("connections", id)).auth, {
        specName: "Basic Authentication",
        params,
      });
      assert.deepEqual((await api.get("/connections")).body.items[0].auth.params, params);
      const stored = emulator.objects("connections")[0] as {
        auth: { params: { password: string } };
      };
      assert.equal(stored.auth.params.password, "mailchimp-api-key-123");
    });

    it("masks the OAuth access token", async () => {
      const { id } = await api.create(
        "connections",
        basicAuthConnection({
          auth: { specName: "oAuth2RefreshCode", params: { accessToken: "live-token" } },
        }),
      );
      assert.deepEqual((await api.object("connections", id)).auth, {
        specName: "oAuth2RefreshCode",
        params: { accessToken: "********" },
      });
    });
  });

  describe("create validation", () => {
    it("names a missing required field", async () => {
      const cases: Array<[string, Record<string, unknown>, string]> = [
        ["connections", { ...basicAuthConnection(), name: undefined }, "name"],
        [
          "connections",
          { ...basicAuthConnection(), auth: { specName: "Basic Authentication" } },
          "auth.params",
        ],
        ["connections", { ...basicAuthConnection(), connectionSpec: {} }, "connectionSpec.id"],
        [
          "sourceConnections",
          { name: "s", connectionSpec: { id: connectionSpecIds.mailchimpCampaign } },
          "data",
        ],
        ["targetConnections", { connectionSpec: { id: connectionSpecIds.dataLake } }, "data"],
        [
          "flows",
          { name: "f", flowSpec: { id: flowSpecIds.restStorageToAep }, targetConnectionIds: ["x"] },
          "sourceConnectionIds",
        ],
      ];
      for (const [collection, body, field] of cases) {
        const reply = await api.post(`/${collection}`, body);
        assertProblem(
          reply,
          400,
          "1100",
          `Required field '${field}' is missing in the request body.`,
        );
      }
    });

    it("refuses an empty body (1405) and a non-object body", async () => {
      assertProblem(await api.post("/connections"), 400, "1405", "The request body is empty.");
      assertProblem(
        await api.post("/connections", [1]),
        400,
        "1100",
        "The request body must be a JSON object.",
      );
    });

    it("refuses state in a create body (1410)", async () => {
      const reply = await api.post("/connections", { ...basicAuthConnection(), state: "enabled" });
      assertProblem(
        reply,
        400,
        "1410",
        "The attribute 'state' cannot be set when creating an entity.",
      );
    });

    it("refuses an unknown connection spec (1413)", async () => {
      const reply = await api.post(
        "/connections",
        basicAuthConnection({ connectionSpec: { id: "00000000-0000-0000-0000-000000000000" } }),
      );
      assertProblem(
        reply,
        400,
        "1413",
        "Connection spec ID '00000000-0000-0000-0000-000000000000' is not valid: no connection spec with this ID exists.",
      );
    });

    it("matches the auth specName on the authSpec name or type, ignoring case (else 1415)", async () => {
      for (const specName of [
        "Basic Authentication",
        "basicauthentication",
        "BASIC AUTHENTICATION",
      ]) {
        await api.create(
          "connections",
          basicAuthConnection({ auth: { specName, params: { username: "u", password: "p" } } }),
        );
      }
      for (const specName of ["OAuth2 Refresh Code", "oAuth2RefreshCode"]) {
        await api.create(
          "connections",
          basicAuthConnection({ auth: { specName, params: { accessToken: "t" } } }),
        );
      }
      const reply = await api.post(
        "/connections",
        basicAuthConnection({
          auth: { specName: "Access Key", params: { username: "u", password: "p" } },
        }),
      );
      assertProblem(
        reply,
        400,
        "1415",
        `The auth spec 'Access Key' could not be found for the connection spec ID ${connectionSpecIds.mailchimpCampaign}.`,
      );
    });

    it("validates auth params against the authSpec schema (unknown keys allowed)", async () => {
      const missing = await api.post(
        "/connections",
        basicAuthConnection({
          auth: { specName: "Basic Authentication", params: { username: "u" } },
        }),
      );
      assertProblem(
        missing,
        400,
        "1100",
        "Invalid auth.params: 'auth.params.password' is required.",
      );
      const wrongType = await api.post(
        "/connections",
        basicAuthConnection({
          auth: { specName: "Basic Authentication", params: { username: 7, password: "p" } },
        }),
      );
      assertProblem(
        wrongType,
        400,
        "1100",
        "Invalid auth.params: 'auth.params.username' must be of type string.",
      );
      await api.create(
        "connections",
        basicAuthConnection({
          auth: {
            specName: "Basic Authentication",
            params: { username: "u", password: "p", host: "x" },
          },
        }),
      );
    });

    it("validates source params against the sourceSpec (campaignId, listId)", async () => {
      const campaignBase = await api.create("connections", basicAuthConnection());
      const noCampaign = await api.post("/sourceConnections", {
        ...campaignSourceConnection(campaignBase.id),
        params: {},
      });
      assertProblem(noCampaign, 400, "1100", "Invalid params: 'params.campaignId' is required.");
      const membersBase = await api.create(
        "connections",
        basicAuthConnection({
          connectionSpec: { id: connectionSpecIds.mailchimpMembers, version: "1.0" },
        }),
      );
      const members = {
        ...campaignSourceConnection(membersBase.id),
        connectionSpec: { id: connectionSpecIds.mailchimpMembers, version: "1.0" },
      };
      assertProblem(
        await api.post("/sourceConnections", members),
        400,
        "1100",
        "Invalid params: 'params.listId' is required.",
      );
      await api.create("sourceConnections", { ...members, params: { listId: "10c097ca71" } });
    });

    it("requires the Data Lake target's dataSetId", async () => {
      const reply = await api.post("/targetConnections", { ...dataLakeTarget("x"), params: {} });
      assertProblem(reply, 400, "1100", "Invalid params: 'params.dataSetId' is required.");
    });

    it("refuses unknown flow specs, swapped connection ids and unknown transformations", async () => {
      const base = await api.create("connections", basicAuthConnection());
      const source = await api.create("sourceConnections", campaignSourceConnection(base.id));
      const target = await api.create(
        "targetConnections",
        dataLakeTarget(await api.createDataSet()),
      );
      const swapped = await api.post(
        "/flows",
        flowBody(target.id, source.id, everyFifteenMinutes(0)),
      );
      assertProblem(
        swapped,
        400,
        "1100",
        `The source connection '${target.id}' does not exist in this sandbox.`,
      );
      const unknownSpec = await api.post("/flows", {
        ...flowBody(source.id, target.id, everyFifteenMinutes(0)),
        flowSpec: { id: "nope" },
      });
      assertProblem(
        unknownSpec,
        400,
        "1413",
        "Flow spec ID 'nope' is not valid: no flow spec with this ID exists.",
      );
      const badTransformation = await api.post("/flows", {
        ...flowBody(source.id, target.id, everyFifteenMinutes(0)),
        transformations: [{ name: "Copy", params: {} }],
      });
      assertProblem(
        badTransformation,
        400,
        "1100",
        "'transformations[0].name' must be one of Mapping for flow spec RestStorageToAEP.",
      );
    });

    it("refuses a flow using a connection spec the flow spec does not list", async () => {
      const base = await api.create("connections", basicAuthConnection());
      const source = await api.create("sourceConnections", campaignSourceConnection(base.id));
      const dataSetId = await api.createDataSet();
      const target = await api.create("targetConnections", dataLakeTarget(dataSetId));
      const reply = await api.post(
        "/flows",
        flowBody(source.id, target.id, everyFifteenMinutes(0)),
      );
      assert.equal(reply.status, 201);
      // The API cannot create such a target, so change its spec out of band.
      emulator.editOutOfBand("targetConnections", target.id, {
        connectionSpec: { id: connectionSpecIds.mailchimpCampaign },
      });
      const refused = await api.post(
        "/flows",
        flowBody(source.id, target.id, everyFifteenMinutes(0)),
      );
      assertProblem(
        refused,
        400,
        "1100",
        `The flow spec RestStorageToAEP (${flowSpecIds.restStorageToAep}) does not accept target connections of connection spec ${connectionSpecIds.mailchimpCampaign} (${target.id}).`,
      );
    });
  });

  describe("referential rules", () => {
    it("needs an existing base connection of the same spec for a source connection", async () => {
      const missing = await api.post(
        "/sourceConnections",
        campaignSourceConnection("11111111-1111-1111-1111-111111111111"),
      );
      assertProblem(
        missing,
        400,
        "1100",
        "The base connection '11111111-1111-1111-1111-111111111111' does not exist in this sandbox.",
      );
      const noBase = { ...campaignSourceConnection("x"), baseConnectionId: undefined };
      assertProblem(
        await api.post("/sourceConnections", noBase),
        400,
        "1100",
        "Required field 'baseConnectionId' is missing in the request body.",
      );
      const membersBase = await api.create(
        "connections",
        basicAuthConnection({ connectionSpec: { id: connectionSpecIds.mailchimpMembers } }),
      );
      const mismatch = await api.post(
        "/sourceConnections",
        campaignSourceConnection(membersBase.id),
      );
      assertProblem(
        mismatch,
        400,
        "1100",
        `The base connection '${membersBase.id}' uses connection spec ${connectionSpecIds.mailchimpMembers}, not ${connectionSpecIds.mailchimpCampaign}.`,
      );
    });

    it("needs the Data Lake dataset to exist in the same sandbox", async () => {
      const reply = await api.post(
        "/targetConnections",
        dataLakeTarget("5c8c3c555033b814b69f947f"),
      );
      assertProblem(
        reply,
        400,
        "1100",
        "The dataset '5c8c3c555033b814b69f947f' in 'params.dataSetId' does not exist in this sandbox.",
      );
      const devDataSet = await api.in(ORG, "dev").createDataSet();
      const crossSandbox = await api.post("/targetConnections", dataLakeTarget(devDataSet));
      assert.equal(crossSandbox.status, 400);
    });

    it("needs existing source and target connections for a flow", async () => {
      const base = await api.create("connections", basicAuthConnection());
      const source = await api.create("sourceConnections", campaignSourceConnection(base.id));
      const reply = await api.post(
        "/flows",
        flowBody(source.id, "22222222-2222-2222-2222-222222222222", everyFifteenMinutes(0)),
      );
      assertProblem(
        reply,
        400,
        "1100",
        "The target connection '22222222-2222-2222-2222-222222222222' does not exist in this sandbox.",
      );
    });

    it("refuses to delete a base connection a flow uses (1418)", async () => {
      const pipeline = await api.createPipeline();
      const reply = await api.delete(`/connections/${pipeline.baseId}`);
      assertProblem(
        reply,
        400,
        "1418",
        `The base connection with the ID ${pipeline.baseId} cannot be deleted because it is used by one or more flows (${pipeline.flowId}). Delete those flows first, then delete the base connection.`,
      );
      assert.equal((await api.get(`/connections/${pipeline.baseId}`)).status, 200);
    });

    it("refuses to delete source and target connections a flow uses (1447)", async () => {
      const pipeline = await api.createPipeline();
      assertProblem(
        await api.delete(`/sourceConnections/${pipeline.sourceId}`),
        400,
        "1447",
        `Found active flows containing id ${pipeline.sourceId} (${pipeline.flowId}). Delete those flows before deleting this source connection.`,
      );
      assertProblem(
        await api.delete(`/targetConnections/${pipeline.targetId}`),
        400,
        "1447",
        `Found active flows containing id ${pipeline.targetId} (${pipeline.flowId}). Delete those flows before deleting this target connection.`,
      );
    });

    it("allows deleting a base connection once only unused source connections point at it", async () => {
      const base = await api.create("connections", basicAuthConnection());
      await api.create("sourceConnections", campaignSourceConnection(base.id));
      assert.equal((await api.delete(`/connections/${base.id}`)).status, 204);
      assertNotFound(await api.get(`/connections/${base.id}`), "connections", base.id);
    });
  });
});
