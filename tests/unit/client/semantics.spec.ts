// What the client makes of Adobe's answers: paging, "not found", deletes that were already done,
// Catalog's response shapes.
import assert from "node:assert/strict";
import { FlowServiceError } from "../../../provider/client";
import {
  CATALOG,
  CONNECTION_ID,
  DATASET_ID,
  ETAG_1,
  FLOW,
  FLOW_ID,
  imsToken,
  networkError,
  platformJson,
  platformNoBody,
  rejection,
  testClient,
} from "./helpers";

const flowPath = `${FLOW}/flows/${FLOW_ID}`;
const notFound = {
  type: "https://ns.adobe.com/aep/errors/FLOW-1439-404",
  title: "Resource not found",
  status: 404,
  report: { "detailed-message": "The requested flows resource is not found." },
};

function connection(n: number) {
  return { id: `conn-${n}`, etag: `"etag-${n}"`, name: `connection ${n}` };
}

describe("client: response semantics", () => {
  describe("list", () => {
    it("follows _links.next until there is none, keeping the order", async () => {
      const ims = imsToken();
      const api = platformNoBody()
        .get(`${FLOW}/connections`)
        .query({ property: "name==demo" })
        .reply(200, {
          items: [connection(1), connection(2)],
          _links: {
            next: { href: "/connections?continuationToken=page2&property=name%3D%3Ddemo" },
          },
        })
        // A next link that already carries the service base path is used as is.
        .get(`${FLOW}/connections`)
        .query({ continuationToken: "page2", property: "name==demo" })
        .reply(200, {
          items: [connection(3)],
          _links: { next: { href: `${FLOW}/connections?continuationToken=page3` } },
        })
        .get(`${FLOW}/connections`)
        .query({ continuationToken: "page3" })
        .reply(200, { items: [connection(4)], _links: {} });
      const { client } = testClient();
      assert.deepEqual(await client.list("connections", { property: ["name==demo"] }), [
        connection(1),
        connection(2),
        connection(3),
        connection(4),
      ]);
      ims.done();
      api.done();
    });

    it("an empty list with no _links is an empty array", async () => {
      const ims = imsToken();
      const api = platformNoBody().get(`${FLOW}/flows`).reply(200, { items: [] });
      const { client } = testClient();
      assert.deepEqual(await client.list("flows"), []);
      ims.done();
      api.done();
    });

    it("refuses a next link to another host (the token must not follow it)", async () => {
      const ims = imsToken();
      const api = platformNoBody()
        .get(`${FLOW}/flows`)
        .reply(200, {
          items: [connection(1)],
          _links: { next: { href: "https://elsewhere.example.test/flows?continuationToken=x" } },
        });
      const { client } = testClient();
      const error = await rejection(client.list("flows"));
      assert.ok(error instanceof FlowServiceError);
      assert.equal(error.code, "UNEXPECTED_RESPONSE");
      assert.match(error.message, /answered without a next link on the same host/);
      ims.done();
      api.done();
    });

    it("stops with an error when a next link repeats", async () => {
      const ims = imsToken();
      const page = {
        items: [connection(1)],
        _links: { next: { href: "/flows?continuationToken=same" } },
      };
      const api = platformNoBody()
        .get(`${FLOW}/flows`)
        .reply(200, page)
        .get(`${FLOW}/flows`)
        .query({ continuationToken: "same" })
        .reply(200, page);
      const { client } = testClient();
      const error = await rejection(client.list("flows"));
      assert.ok(error instanceof FlowServiceError);
      assert.match(error.message, /answered without a next link that moves forward/);
      ims.done();
      api.done();
    });
  });

  describe("get", () => {
    it("resolves undefined on a Flow Service 404", async () => {
      const ims = imsToken();
      const api = platformNoBody().get(flowPath).reply(404, notFound);
      const { client } = testClient();
      assert.equal(await client.get("flows", FLOW_ID), undefined);
      ims.done();
      api.done();
    });

    it("resolves undefined on an empty items envelope", async () => {
      const ims = imsToken();
      const api = platformNoBody().get(flowPath).reply(200, { items: [] });
      const { client } = testClient();
      assert.equal(await client.get("flows", FLOW_ID), undefined);
      ims.done();
      api.done();
    });

    it("throws on a 404 naming a missing sandbox (not proof the object is gone)", async () => {
      const ims = imsToken();
      const api = platformNoBody()
        .get(flowPath)
        .reply(404, {
          type: "https://ns.adobe.com/aep/errors/FLOW-2101-404",
          title: "Sandbox not found",
          report: { "detailed-message": "Sandbox dev not found." },
        });
      const { client } = testClient();
      const error = await rejection(client.get("flows", FLOW_ID));
      assert.ok(error instanceof FlowServiceError);
      assert.equal(error.code, "FLOW-2101-404");
      assert.match(error.message, /Check the sandbox `aep:sandboxName` \(AEP_SANDBOX_NAME\)\.$/);
      ims.done();
      api.done();
    });

    it("throws on an HTML 404 (a wrong aep:platformUrl, not a missing object)", async () => {
      const ims = imsToken();
      const api = platformNoBody().get(flowPath).reply(404, "<html><h1>Not Found</h1></html>");
      const { client } = testClient();
      const error = await rejection(client.get("flows", FLOW_ID));
      assert.ok(error instanceof FlowServiceError);
      assert.equal(error.status, 404);
      ims.done();
      api.done();
    });
  });

  describe("delete", () => {
    it("resolves false when the first attempt finds nothing (404)", async () => {
      const ims = imsToken();
      const api = platformNoBody().delete(flowPath).reply(404, notFound);
      const { client } = testClient();
      assert.equal(await client.delete("flows", FLOW_ID), false);
      ims.done();
      api.done();
    });

    it("resolves true when a retry finds nothing: the lost first attempt deleted it", async () => {
      const ims = imsToken();
      const api = platformNoBody()
        .delete(`${FLOW}/connections/${CONNECTION_ID}`)
        .replyWithError(networkError("ECONNRESET", "socket hang up"))
        .delete(`${FLOW}/connections/${CONNECTION_ID}`)
        .reply(404, notFound);
      const { client } = testClient();
      assert.equal(await client.delete("connections", CONNECTION_ID), true);
      ims.done();
      api.done();
    });

    it("other failures are thrown", async () => {
      const ims = imsToken();
      const api = platformNoBody()
        .delete(`${FLOW}/connections/${CONNECTION_ID}`)
        .reply(400, {
          type: "https://ns.adobe.com/aep/errors/FLOW-1418-400",
          title: "Bad request",
          report: { "detailed-message": "The connection is used by a flow." },
        });
      const { client } = testClient();
      const error = await rejection(client.delete("connections", CONNECTION_ID));
      assert.ok(error instanceof FlowServiceError);
      assert.equal(error.code, "FLOW-1418-400");
      ims.done();
      api.done();
    });
  });

  describe("Catalog", () => {
    const path = `${CATALOG}/dataSets/${DATASET_ID}`;
    const catalogNotFound = { title: "Not Found", status: 404, detail: "No dataSets found" };

    it("getDataset resolves undefined on 404 and on an empty object", async () => {
      const ims = imsToken();
      const api = platformNoBody().get(path).reply(404, catalogNotFound).get(path).reply(200, {});
      const { client } = testClient();
      assert.equal(await client.getDataset(DATASET_ID), undefined);
      assert.equal(await client.getDataset(DATASET_ID), undefined);
      ims.done();
      api.done();
    });

    it("deleteDataset: 200 [] and 404 mean it was already gone", async () => {
      const ims = imsToken();
      const api = platformNoBody()
        .delete(path)
        .reply(200, [])
        .delete(path)
        .reply(404, catalogNotFound);
      const { client } = testClient();
      assert.equal(await client.deleteDataset(DATASET_ID), false);
      assert.equal(await client.deleteDataset(DATASET_ID), false);
      ims.done();
      api.done();
    });

    it("deleteDataset: 200 [] after a retry means the lost first attempt deleted it", async () => {
      const ims = imsToken();
      const api = platformNoBody().delete(path).reply(503).delete(path).reply(200, []);
      const { client } = testClient();
      assert.equal(await client.deleteDataset(DATASET_ID), true);
      ims.done();
      api.done();
    });

    it("createDataset rejects an answer without a dataset reference", async () => {
      const ims = imsToken();
      const api = platformJson().post(`${CATALOG}/dataSets`, { name: "d" }).reply(201, []);
      const { client } = testClient();
      const error = await rejection(client.createDataset({ name: "d" }));
      assert.ok(error instanceof FlowServiceError);
      assert.equal(error.code, "UNEXPECTED_RESPONSE");
      assert.equal(error.status, 201);
      ims.done();
      api.done();
    });
  });

  it("an etag-less object from get is an error (PATCH could not follow)", async () => {
    const ims = imsToken();
    const api = platformNoBody()
      .get(flowPath)
      .reply(200, { items: [{ id: FLOW_ID }] });
    const { client } = testClient();
    const error = await rejection(client.get("flows", FLOW_ID));
    assert.ok(error instanceof FlowServiceError);
    assert.equal(error.code, "UNEXPECTED_RESPONSE");
    ims.done();
    api.done();
  });

  it("get keeps every field of the object", async () => {
    const ims = imsToken();
    const full = {
      id: FLOW_ID,
      etag: ETAG_1,
      state: "enabled",
      scheduleParams: { interval: "15" },
    };
    const api = platformNoBody()
      .get(flowPath)
      .reply(200, { items: [full] });
    const { client } = testClient();
    assert.deepEqual(await client.get("flows", FLOW_ID), full);
    ims.done();
    api.done();
  });
});
