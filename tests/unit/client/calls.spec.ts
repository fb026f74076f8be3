// The exact HTTP call behind every client method: method, path, query, headers, JSON body.
import assert from "node:assert/strict";
import nock from "nock";
import {
  CATALOG,
  CONNECTION_ID,
  DATASET_ID,
  ETAG_1,
  ETAG_2,
  FLOW,
  FLOW_ID,
  IMS,
  imsToken,
  PLATFORM,
  platformHeaders,
  platformJson,
  platformNoBody,
  testClient,
  USER_AGENT,
} from "./helpers";

const connectionBody = {
  name: "Mailchimp members",
  auth: { specName: "Basic Authentication", params: { username: "user", password: "pw" } },
  connectionSpec: { id: "c8ce8c8c-0000-0000-0000-000000000000", version: "1.0" },
};

describe("client: exact calls", () => {
  it("create POSTs the JSON body with every Adobe header and returns {id, etag}", async () => {
    const ims = imsToken();
    const api = platformJson()
      .post(`${FLOW}/connections`, connectionBody)
      .reply(201, { id: CONNECTION_ID, etag: ETAG_1 });
    const { client } = testClient();
    assert.deepEqual(await client.create("connections", connectionBody), {
      id: CONNECTION_ID,
      etag: ETAG_1,
    });
    ims.done();
    api.done();
  });

  it("every call, IMS included, names the package and its version as the User-Agent; userAgent replaces it", async () => {
    // As package.json says, so Adobe's logs and the emulator's request log tell copies apart.
    assert.match(USER_AGENT, /^pulumi-aep-flow\/\d+\.\d+\.\d+/);
    const ims = imsToken();
    const api = platformNoBody()
      .get(`${FLOW}/flows/${FLOW_ID}`)
      .reply(200, { items: [{ id: FLOW_ID, etag: ETAG_1 }] });
    await testClient().client.get("flows", FLOW_ID);
    ims.done();
    api.done();

    const custom = "acme-pipelines/2.0 pulumi-aep-flow";
    const customIms = nock(IMS, { reqheaders: { "user-agent": custom } })
      .post("/ims/token/v3")
      .reply(200, { access_token: "t", token_type: "bearer", expires_in: 86399 });
    const customApi = nock(PLATFORM, {
      reqheaders: { ...platformHeaders("t"), "user-agent": custom },
    })
      .get(`${FLOW}/flows/${FLOW_ID}`)
      .reply(200, { items: [{ id: FLOW_ID, etag: ETAG_1 }] });
    await testClient(undefined, { userAgent: custom }).client.get("flows", FLOW_ID);
    customIms.done();
    customApi.done();
  });

  it("get unwraps the {items: [...]} envelope, with no Content-Type on a GET", async () => {
    const ims = imsToken();
    const flow = { id: FLOW_ID, etag: ETAG_1, name: "members flow", state: "enabled" };
    const api = platformNoBody()
      .get(`${FLOW}/flows/${FLOW_ID}`)
      .reply(200, { items: [flow] });
    const { client } = testClient();
    assert.deepEqual(await client.get("flows", FLOW_ID), flow);
    ims.done();
    api.done();
  });

  it("patch sends the JSON Patch array with If-Match, quotes kept", async () => {
    const ims = imsToken();
    const operations = [
      { op: "replace" as const, path: "/name", value: "renamed" },
      { op: "remove" as const, path: "/description" },
    ];
    const api = platformJson()
      .matchHeader("if-match", ETAG_1)
      .patch(`${FLOW}/sourceConnections/${CONNECTION_ID}`, operations)
      .reply(200, { id: CONNECTION_ID, etag: ETAG_2 });
    const { client } = testClient();
    assert.deepEqual(await client.patch("sourceConnections", CONNECTION_ID, operations, ETAG_1), {
      id: CONNECTION_ID,
      etag: ETAG_2,
    });
    ims.done();
    api.done();
  });

  it("delete sends DELETE without a body and resolves true on 204", async () => {
    const ims = imsToken();
    const api = platformNoBody().delete(`${FLOW}/targetConnections/${CONNECTION_ID}`).reply(204);
    const { client } = testClient();
    assert.equal(await client.delete("targetConnections", CONNECTION_ID), true);
    ims.done();
    api.done();
  });

  it("flowAction POSTs /flows/{id}/action?op=... with no body", async () => {
    const ims = imsToken();
    const api = platformNoBody()
      .post(`${FLOW}/flows/${FLOW_ID}/action`, (body) => body === "" || body === undefined)
      .query({ op: "disable" })
      .reply(200, { id: FLOW_ID, etag: ETAG_2 });
    const { client } = testClient();
    assert.deepEqual(await client.flowAction(FLOW_ID, "disable"), { id: FLOW_ID, etag: ETAG_2 });
    ims.done();
    api.done();
  });

  it("list passes every property filter as its own query parameter", async () => {
    const ims = imsToken();
    const runs = [
      { id: "run-1", etag: ETAG_1, flowId: FLOW_ID },
      { id: "run-2", eTag: ETAG_2, flowId: FLOW_ID },
    ];
    const api = platformNoBody()
      .get(`${FLOW}/runs`)
      .query({
        property: [`flowId==${FLOW_ID}`, "metrics.statusSummary.status==failed"],
      })
      .reply(200, { items: runs, _links: {} });
    const { client } = testClient();
    const listed = await client.list("runs", {
      property: [`flowId==${FLOW_ID}`, "metrics.statusSummary.status==failed"],
    });
    // Runs spell it `eTag` in the spec: normalized to `etag`.
    assert.deepEqual(listed, [runs[0], { ...runs[1], etag: ETAG_2 }]);
    ims.done();
    api.done();
  });

  it("ids are encoded as one path segment", async () => {
    const ims = imsToken();
    const api = platformNoBody()
      .get(`${FLOW}/connections/a%2Fb%3Fc`)
      .reply(200, { items: [{ id: "a/b?c", etag: ETAG_1 }] });
    const { client } = testClient();
    assert.deepEqual(await client.get("connections", "a/b?c"), { id: "a/b?c", etag: ETAG_1 });
    ims.done();
    api.done();
  });

  describe("Catalog", () => {
    const datasetBody = {
      name: "Loyalty members",
      schemaRef: {
        id: "https://ns.adobe.com/tenant/schemas/719c4e19184402c27595e65b931a142b",
        contentType: "application/vnd.adobe.xed+json;version=1",
      },
    };

    it("createDataset POSTs /dataSets and parses the id out of ['@/dataSets/<id>']", async () => {
      const ims = imsToken();
      const api = platformJson()
        .post(`${CATALOG}/dataSets`, datasetBody)
        .reply(201, [`@/dataSets/${DATASET_ID}`]);
      const { client } = testClient();
      assert.equal(await client.createDataset(datasetBody), DATASET_ID);
      ims.done();
      api.done();
    });

    it("getDataset unwraps { '<id>': {...} }", async () => {
      const ims = imsToken();
      const dataset = { name: "Loyalty members", files: `@/dataSetFiles?dataSetId=${DATASET_ID}` };
      const api = platformNoBody()
        .get(`${CATALOG}/dataSets/${DATASET_ID}`)
        .reply(200, { [DATASET_ID]: dataset });
      const { client } = testClient();
      assert.deepEqual(await client.getDataset(DATASET_ID), dataset);
      ims.done();
      api.done();
    });

    it("updateDataset PATCHes the partial object", async () => {
      const ims = imsToken();
      const api = platformJson()
        .patch(`${CATALOG}/dataSets/${DATASET_ID}`, { description: "new" })
        .reply(200, [`@/dataSets/${DATASET_ID}`]);
      const { client } = testClient();
      assert.equal(await client.updateDataset(DATASET_ID, { description: "new" }), undefined);
      ims.done();
      api.done();
    });

    it("listDatasets pages by start/limit until a short page and keeps exact name matches", async () => {
      const ims = imsToken();
      const page = (first: number, count: number) =>
        Object.fromEntries(
          Array.from({ length: count }, (_, i) => [
            `ds${String(first + i).padStart(22, "0")}`,
            { name: i === 0 ? "Loyalty members" : "Loyalty members (copy)" },
          ]),
        );
      const api = platformNoBody()
        .get(`${CATALOG}/dataSets`)
        .query({ name: "Loyalty members", limit: "100", start: "0" })
        .reply(200, page(0, 100))
        .get(`${CATALOG}/dataSets`)
        .query({ name: "Loyalty members", limit: "100", start: "100" })
        .reply(200, page(100, 3));
      const { client } = testClient();
      const found = await client.listDatasets({ name: "Loyalty members" });
      assert.deepEqual(
        found.map((dataset) => dataset.id),
        [`ds${"0".repeat(22)}`, `ds${"100".padStart(22, "0")}`],
      );
      ims.done();
      api.done();
    });

    it("deleteDataset resolves true on 200 ['@/dataSets/<id>']", async () => {
      const ims = imsToken();
      const api = platformNoBody()
        .delete(`${CATALOG}/dataSets/${DATASET_ID}`)
        .reply(200, [`@/dataSets/${DATASET_ID}`]);
      const { client } = testClient();
      assert.equal(await client.deleteDataset(DATASET_ID), true);
      ims.done();
      api.done();
    });
  });
});
