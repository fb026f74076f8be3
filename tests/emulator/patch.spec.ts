/** PATCH (JSON Patch + If-Match), etags, and the flow enable/disable action. */
import assert from "node:assert/strict";
import { connectionSpecIds } from "../../provider/resources/specCatalog";
import {
  assertNotFound,
  assertProblem,
  basicAuthConnection,
  CLIENT_ID,
  ETAG_PATTERN,
  type Pipeline,
  useEmulator,
} from "./helpers";

describe("emulator PATCH and actions", () => {
  const { emulator, api } = useEmulator();
  let pipeline: Pipeline;

  beforeEach(async () => {
    pipeline = await api.createPipeline();
  });

  const etagOf = async (collection: string, id: string): Promise<string> =>
    String((await api.object(collection, id)).etag);

  describe("If-Match and etags", () => {
    it("applies a patch with the quoted etag and answers a new one", async () => {
      const before = await api.object("connections", pipeline.baseId);
      emulator.advanceClock(5000);
      const reply = await api.patch(
        `/connections/${pipeline.baseId}`,
        [
          { op: "replace", path: "/name", value: "Renamed account" },
          { op: "add", path: "/description", value: "new description" },
        ],
        String(before.etag),
      );
      assert.equal(reply.status, 200);
      assert.deepEqual(reply.body, { id: pipeline.baseId, etag: reply.body.etag });
      assert.match(reply.body.etag, ETAG_PATTERN);
      assert.notEqual(reply.body.etag, before.etag);
      const after = await api.object("connections", pipeline.baseId);
      assert.equal(after.name, "Renamed account");
      assert.equal(after.description, "new description");
      assert.equal(after.etag, reply.body.etag);
      assert.equal(after.version, reply.body.etag);
      assert.equal(after.createdAt, before.createdAt);
      assert.ok((after.updatedAt as number) >= (before.updatedAt as number) + 5000);
      assert.equal(after.updatedBy, CLIENT_ID);
    });

    it("400 1403 without If-Match", async () => {
      const reply = await api.patch(`/connections/${pipeline.baseId}`, [
        { op: "replace", path: "/name", value: "x" },
      ]);
      assertProblem(reply, 400, "1403", "The header 'If-Match' is missing in the request.");
    });

    it("412 with the short body for a stale etag", async () => {
      const current = await etagOf("connections", pipeline.baseId);
      const stale = '"00000000-0000-0200-0000-000000000000"';
      const reply = await api.patch(
        `/connections/${pipeline.baseId}`,
        [{ op: "replace", path: "/name", value: "x" }],
        stale,
      );
      assert.equal(reply.status, 412);
      const message = `Supplied version=[${stale}] does not match the current version on entity=[${current}]`;
      assert.deepEqual(reply.body, { errorMessage: message, errorDetails: message });
    });

    it("412 for the right etag without its quotes", async () => {
      const current = await etagOf("connections", pipeline.baseId);
      const unquoted = current.slice(1, -1);
      const reply = await api.patch(
        `/connections/${pipeline.baseId}`,
        [{ op: "replace", path: "/name", value: "x" }],
        unquoted,
      );
      assert.equal(reply.status, 412);
      assert.equal(
        reply.body.errorMessage,
        `Supplied version=[${unquoted}] does not match the current version on entity=[${current}]`,
      );
    });

    it("404 for a missing object, before looking at If-Match", async () => {
      const id = "33333333-3333-3333-3333-333333333333";
      assertNotFound(
        await api.patch(`/flows/${id}`, [{ op: "replace", path: "/name", value: "x" }]),
        "flows",
        id,
      );
    });
  });

  describe("patch bodies", () => {
    let etag: string;
    beforeEach(async () => {
      etag = await etagOf("connections", pipeline.baseId);
    });

    it("needs a JSON array of operations", async () => {
      const object = await api.patch(
        `/connections/${pipeline.baseId}`,
        { op: "replace", path: "/name", value: "x" },
        etag,
      );
      assertProblem(
        object,
        400,
        "1100",
        "The request body must be a JSON Patch array of operations.",
      );
      assertProblem(
        await api.patch(`/connections/${pipeline.baseId}`, [], etag),
        400,
        "1405",
        "The request body is empty: expected a JSON Patch array of operations.",
      );
    });

    it("refuses move, copy and test (1434)", async () => {
      for (const op of ["move", "copy", "test"]) {
        const reply = await api.patch(
          `/connections/${pipeline.baseId}`,
          [{ op, path: "/name", from: "/description", value: "x" }],
          etag,
        );
        assertProblem(
          reply,
          400,
          "1434",
          `Unsupported patch operation '${op}'; supported operations are add, replace and remove.`,
        );
      }
    });

    it("accepts upper-case operations", async () => {
      const reply = await api.patch(
        `/connections/${pipeline.baseId}`,
        [{ op: "REPLACE", path: "/name", value: "Upper" }],
        etag,
      );
      assert.equal(reply.status, 200);
      assert.equal((await api.object("connections", pipeline.baseId)).name, "Upper");
    });

    it("refuses connectionSpec (1414) and paths outside the patchable list (1455)", async () => {
      assertProblem(
        await api.patch(
          `/connections/${pipeline.baseId}`,
          [{ op: "replace", path: "/connectionSpec/id", value: "x" }],
          etag,
        ),
        400,
        "1414",
        "The attribute 'connectionSpec' cannot be updated (path '/connectionSpec/id').",
      );
      assertProblem(
        await api.patch(
          `/connections/${pipeline.baseId}`,
          [{ op: "replace", path: "/state", value: "disabled" }],
          etag,
        ),
        400,
        "1455",
        "The path '/state' cannot be patched on connections; patchable paths are /name, /description, /auth/params and /auth/params/<key>.",
      );
    });

    it("refuses a path that does not resolve (1455) and leaves the object unchanged", async () => {
      const reply = await api.patch(
        `/connections/${pipeline.baseId}`,
        [{ op: "remove", path: "/auth/params/nothing" }],
        etag,
      );
      assertProblem(
        reply,
        400,
        "1455",
        "Error while validating patch instructions: missing field or invalid target at path '/auth/params/nothing'.",
      );
      assert.equal(await etagOf("connections", pipeline.baseId), etag);
    });

    it("replaces all auth params and re-validates them", async () => {
      const replaced = await api.patch(
        `/connections/${pipeline.baseId}`,
        [
          {
            op: "replace",
            path: "/auth/params",
            value: { username: "new-user", password: "new-key" },
          },
        ],
        etag,
      );
      assert.equal(replaced.status, 200);
      const stored = emulator
        .objects("connections")
        .find((object) => object.id === pipeline.baseId) as {
        auth: { params: Record<string, string> };
      };
      assert.deepEqual(stored.auth.params, { username: "new-user", password: "new-key" });
      const invalid = await api.patch(
        `/connections/${pipeline.baseId}`,
        [{ op: "remove", path: "/auth/params/password" }],
        replaced.body.etag,
      );
      assertProblem(
        invalid,
        400,
        "1100",
        "Invalid auth.params: 'auth.params.password' is required.",
      );
      const key = await api.patch(
        `/connections/${pipeline.baseId}`,
        [
          {
            op: "add",
            path: "/auth/params/authorizationTestUrl",
            value: "https://login.mailchimp.com/oauth2/metadata",
          },
        ],
        replaced.body.etag,
      );
      assert.equal(key.status, 200);
    });

    it("keeps required fields required", async () => {
      const reply = await api.patch(
        `/connections/${pipeline.baseId}`,
        [{ op: "remove", path: "/name" }],
        etag,
      );
      assertProblem(reply, 400, "1100", "Required field 'name' is missing in the request body.");
    });
  });

  describe("patchable paths per collection", () => {
    it("source connections: /name, /description, /params/filters; lastOperation records the ops", async () => {
      const etag = await etagOf("sourceConnections", pipeline.sourceId);
      const ops = [
        {
          op: "add",
          path: "/params/filters",
          value: [{ type: "PQL", format: "pql/json", value: {} }],
        },
        { op: "replace", path: "/name", value: "Filtered source" },
      ];
      const reply = await api.patch(`/sourceConnections/${pipeline.sourceId}`, ops, etag);
      assert.equal(reply.status, 200);
      const source = await api.object("sourceConnections", pipeline.sourceId);
      assert.deepEqual(source.lastOperation, {
        started: source.updatedAt,
        updated: source.updatedAt,
        percentCompleted: 100,
        status: { value: "completed", errors: [] },
        ops,
        operation: "update",
      });
      const refused = await api.patch(
        `/sourceConnections/${pipeline.sourceId}`,
        [{ op: "replace", path: "/params/campaignId", value: "x" }],
        reply.body.etag,
      );
      assertProblem(
        refused,
        400,
        "1455",
        "The path '/params/campaignId' cannot be patched on sourceConnections; patchable paths are /name, /description and /params/filters.",
      );
      const spec = await api.patch(
        `/sourceConnections/${pipeline.sourceId}`,
        [{ op: "replace", path: "/connectionSpec", value: {} }],
        reply.body.etag,
      );
      assert.equal(spec.body.type, "https://ns.adobe.com/aep/errors/FLOW-1414-400");
    });

    it("target connections: /params and /params/<key>, re-checked against Catalog", async () => {
      const other = await api.createDataSet("second dataset");
      const etag = await etagOf("targetConnections", pipeline.targetId);
      const reply = await api.patch(
        `/targetConnections/${pipeline.targetId}`,
        [{ op: "replace", path: "/params/dataSetId", value: other }],
        etag,
      );
      assert.equal(reply.status, 200);
      assert.deepEqual((await api.object("targetConnections", pipeline.targetId)).params, {
        dataSetId: other,
      });
      const missing = await api.patch(
        `/targetConnections/${pipeline.targetId}`,
        [{ op: "replace", path: "/params", value: { dataSetId: "000000000000000000000000" } }],
        reply.body.etag,
      );
      assertProblem(
        missing,
        400,
        "1100",
        "The dataset '000000000000000000000000' in 'params.dataSetId' does not exist in this sandbox.",
      );
      const data = await api.patch(
        `/targetConnections/${pipeline.targetId}`,
        [{ op: "replace", path: "/data/format", value: "json" }],
        reply.body.etag,
      );
      assert.equal(data.body.type, "https://ns.adobe.com/aep/errors/FLOW-1455-400");
    });

    it("flows: /name, /description, /transformations/<n>, /labels; not /flowSpec or /sourceConnectionIds", async () => {
      const schemaId = await api.tutorialSchemaId();
      const m1 = await api.createMappingSet(schemaId);
      const m2 = await api.createMappingSet(schemaId);
      const ops = [
        {
          op: "add",
          path: "/transformations/-",
          value: { name: "Mapping", params: { mappingId: m1, mappingVersion: 0 } },
        },
        { op: "replace", path: "/transformations/0/params/mappingId", value: m2 },
        { op: "add", path: "/labels", value: ["core/C12"] },
        { op: "add", path: "/description", value: "described" },
      ];
      const reply = await api.patch(`/flows/${pipeline.flowId}`, ops, pipeline.flowEtag);
      assert.equal(reply.status, 200, reply.text);
      const flow = await api.object("flows", pipeline.flowId);
      assert.deepEqual(flow.transformations, [
        { name: "Mapping", params: { mappingId: m2, mappingVersion: 0 } },
      ]);
      assert.deepEqual(flow.labels, ["core/C12"]);
      assert.equal((flow.lastOperation as { operation: string }).operation, "update");
      assert.deepEqual((flow.lastOperation as { ops: unknown }).ops, ops);
      const sources = await api.patch(
        `/flows/${pipeline.flowId}`,
        [{ op: "replace", path: "/sourceConnectionIds", value: [] }],
        reply.body.etag,
      );
      assert.equal(sources.body.type, "https://ns.adobe.com/aep/errors/FLOW-1455-400");
      const spec = await api.patch(
        `/flows/${pipeline.flowId}`,
        [{ op: "replace", path: "/flowSpec/id", value: "x" }],
        reply.body.etag,
      );
      assertProblem(
        spec,
        400,
        "1414",
        "The attribute 'flowSpec' cannot be updated (path '/flowSpec/id').",
      );
      const badMapping = await api.patch(
        `/flows/${pipeline.flowId}`,
        [{ op: "replace", path: "/transformations/0/name", value: "Copy" }],
        reply.body.etag,
      );
      assertProblem(
        badMapping,
        400,
        "1100",
        "'transformations[0].name' must be one of Mapping for flow spec RestStorageToAEP.",
      );
    });
  });

  describe("flow actions", () => {
    it("disables and enables with a case-insensitive op, each time with a new etag", async () => {
      const disabled = await api.post(`/flows/${pipeline.flowId}/action?op=DISABLE`);
      assert.equal(disabled.status, 200);
      assert.deepEqual(Object.keys(disabled.body), ["id", "etag"]);
      assert.notEqual(disabled.body.etag, pipeline.flowEtag);
      const flow = await api.object("flows", pipeline.flowId);
      assert.equal(flow.state, "disabled");
      assert.equal(flow.etag, disabled.body.etag);
      const enabled = await api.post(`/flows/${pipeline.flowId}/action?op=enable`);
      assert.equal(enabled.status, 200);
      assert.notEqual(enabled.body.etag, disabled.body.etag);
      assert.equal((await api.object("flows", pipeline.flowId)).state, "enabled");
    });

    it("refuses an invalid transition (1422)", async () => {
      assertProblem(
        await api.post(`/flows/${pipeline.flowId}/action?op=enable`),
        400,
        "1422",
        "The action enable cannot be applied on the current state enabled.",
      );
    });

    it("checks If-Match when given and accepts subOp=APPLY", async () => {
      const stale = await api.post(`/flows/${pipeline.flowId}/action?op=disable`, undefined, {
        "if-match": '"stale"',
      });
      assert.equal(stale.status, 412);
      const good = await api.post(
        `/flows/${pipeline.flowId}/action?op=disable&subOp=APPLY`,
        undefined,
        { "if-match": pipeline.flowEtag },
      );
      assert.equal(good.status, 200);
      const progress = await api.post(`/flows/${pipeline.flowId}/action?op=enable&subOp=PROGRESS`);
      assertProblem(
        progress,
        400,
        "1436",
        "Unsupported sub operation PROGRESS received for operation enable.",
      );
    });

    it("accepts a JSON content type with an empty body, refuses unknown ops, 404s unknown flows", async () => {
      const reply = await api.request(
        "POST",
        `/data/foundation/flowservice/flows/${pipeline.flowId}/action?op=disable`,
        {
          headers: { "content-type": "application/json" },
        },
      );
      assert.equal(reply.status, 200);
      assertProblem(
        await api.post(`/flows/${pipeline.flowId}/action?op=pause`),
        400,
        "1100",
        "Invalid op 'pause'; expected one of enable, disable, finalize_update, finalize, publish.",
      );
      const id = "44444444-4444-4444-4444-444444444444";
      assertNotFound(await api.post(`/flows/${id}/action?op=enable`), "flows", id);
    });

    it("has no enable/disable on connections", async () => {
      const { id } = await api.create(
        "connections",
        basicAuthConnection({ connectionSpec: { id: connectionSpecIds.mailchimpCampaign } }),
      );
      assertProblem(
        await api.post(`/connections/${id}/action?op=disable`),
        400,
        "1422",
        "The action disable cannot be applied on the current state enabled.",
      );
    });
  });
});
