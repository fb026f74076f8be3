// The exact HTTP calls of the Schema Registry, Data Prep and spec endpoints, and how their
// answers are read where Adobe's samples disagree.
import assert from "node:assert/strict";
import nock from "nock";
import { FlowServiceError } from "../../../provider/client";
import { schemaDates } from "../../../provider/client/schemaRegistry";
import {
  FLOW,
  imsToken,
  PLATFORM,
  platformHeaders,
  platformJson,
  platformNoBody,
  rejection,
  testClient,
} from "./helpers";

const REGISTRY = "/data/foundation/schemaregistry";
const DATA_PREP = "/data/foundation/conversion";
const SCHEMA_ID =
  "https://ns.adobe.com/acme/schemas/570630b91eb9d5cf5db0436756abb110d02912917a67da2d";
const ENCODED_SCHEMA_ID = encodeURIComponent(SCHEMA_ID);
const MAPPING_SET_ID = "e7c80e4c0d8f4a98a7d400b4e178b635";
const FLOW_SPEC_ID = "6499120c-0b15-42dc-936e-847ea3c24d72";

/** A platform scope whose `Accept` is `accept` instead of `application/json`. */
function platformAccepting(accept: string): nock.Scope {
  return nock(PLATFORM, {
    reqheaders: { ...platformHeaders(), accept },
    badheaders: ["content-type"],
  });
}

const schema = {
  $id: SCHEMA_ID,
  "meta:altId": "_acme.schemas.570630b91eb9d5cf5db0436756abb110d02912917a67da2d",
  version: "1.0",
  title: "Mailchimp Email Activity",
  allOf: [{ $ref: "https://ns.adobe.com/xdm/context/experienceevent" }],
  "meta:registryMetadata": {
    "repo:createdDate": 1602872911226,
    "repo:lastModifiedDate": 1603381419889,
  },
};

describe("client: Schema Registry calls", () => {
  it("createSchema POSTs /tenant/schemas and returns the schema of the 201", async () => {
    const ims = imsToken();
    const body = { title: schema.title, type: "object", allOf: schema.allOf };
    const api = platformJson().post(`${REGISTRY}/tenant/schemas`, body).reply(201, schema);
    const { client } = testClient();
    assert.deepEqual(await client.createSchema(body), schema);
    ims.done();
    api.done();
  });

  it("getSchema GETs the URL-encoded $id with the versioned xed Accept; 404 is undefined", async () => {
    const ims = imsToken();
    const api = platformAccepting("application/vnd.adobe.xed+json; version=1")
      .get(`${REGISTRY}/tenant/schemas/${ENCODED_SCHEMA_ID}`)
      .reply(200, schema)
      .get(`${REGISTRY}/tenant/schemas/${ENCODED_SCHEMA_ID}`)
      .reply(404, {
        type: "http://ns.adobe.com/aep/errors/XDM-1012-404",
        title: "Resource Not Found",
        status: 404,
        report: { registryRequestId: "r-1", "detailed-message": "not found", "sub-errors": [] },
        detail: "not found",
      });
    const { client } = testClient();
    assert.deepEqual(await client.getSchema(SCHEMA_ID), schema);
    assert.equal(await client.getSchema(SCHEMA_ID), undefined);
    ims.done();
    api.done();
  });

  it("patchSchema sends the JSON Patch as application/json without If-Match, and does not replay it after a 5xx", async () => {
    const ims = imsToken();
    const operations = [
      {
        op: "add" as const,
        path: "/allOf/-",
        value: { $ref: "https://ns.adobe.com/xdm/context/experienceevent-marketing" },
      },
    ];
    const api = nock(PLATFORM, {
      reqheaders: { ...platformHeaders(), "content-type": "application/json" },
      badheaders: ["if-match"],
    })
      .patch(`${REGISTRY}/tenant/schemas/${ENCODED_SCHEMA_ID}`, operations)
      .reply(200, { ...schema, version: "1.1" })
      .patch(`${REGISTRY}/tenant/schemas/${ENCODED_SCHEMA_ID}`, operations)
      .reply(503, { title: "Service Unavailable" });
    const { client, retries } = testClient();
    assert.equal((await client.patchSchema(SCHEMA_ID, operations)).version, "1.1");
    const error = await rejection(client.patchSchema(SCHEMA_ID, operations));
    assert.ok(error instanceof FlowServiceError);
    assert.equal(error.status, 503);
    assert.deepEqual(retries, []);
    ims.done();
    api.done();
  });

  it("deleteSchema: 204 is true, 404 false", async () => {
    const ims = imsToken();
    const notFound = {
      type: "http://ns.adobe.com/aep/errors/XDM-1012-404",
      title: "Resource Not Found",
      status: 404,
      detail: "gone",
    };
    const api = platformNoBody()
      .delete(`${REGISTRY}/tenant/schemas/${ENCODED_SCHEMA_ID}`)
      .reply(204)
      .delete(`${REGISTRY}/tenant/schemas/${ENCODED_SCHEMA_ID}`)
      .reply(404, notFound);
    const { client } = testClient();
    assert.equal(await client.deleteSchema(SCHEMA_ID), true);
    assert.equal(await client.deleteSchema(SCHEMA_ID), false);
    ims.done();
    api.done();
  });

  it("listSchemas sends the unversioned xed-id Accept and follows the absolute next link", async () => {
    const ims = imsToken();
    const summary = (title: string) => ({
      $id: `https://ns.adobe.com/acme/schemas/${title}`,
      "meta:altId": `_acme.schemas.${title}`,
      version: "1.0",
      title,
    });
    const api = platformAccepting("application/vnd.adobe.xed-id+json")
      .get(`${REGISTRY}/tenant/schemas`)
      .query({ orderby: "title", property: "title==Hotels" })
      .reply(200, {
        results: [summary("a")],
        _page: { orderby: "title", next: "a", count: 1 },
        _links: {
          next: {
            href: `${PLATFORM}${REGISTRY}/tenant/schemas?orderby=title&property=title%3D%3DHotels&start=a`,
          },
        },
      })
      .get(`${REGISTRY}/tenant/schemas`)
      .query({ orderby: "title", property: "title==Hotels", start: "a" })
      .reply(200, { results: [summary("b")], _links: { next: null } });
    const { client } = testClient();
    assert.deepEqual(await client.listSchemas({ property: ["title==Hotels"] }), [
      summary("a"),
      summary("b"),
    ]);
    ims.done();
    api.done();
  });

  it("reports the registry's error body: code, message and registryRequestId", async () => {
    const ims = imsToken();
    const api = platformJson()
      .post(`${REGISTRY}/tenant/schemas`)
      .reply(400, {
        type: "http://ns.adobe.com/aep/errors/XDM-1521-400",
        title: "Title not unique",
        status: 400,
        report: {
          registryRequestId: "a15996b5-5133-4cec-9bf7-7d1207904ae3",
          timestamp: "06-01-2021 04:11:06",
          "detailed-message": "Object titles must be unique.",
          "sub-errors": [],
        },
        detail: "Object titles must be unique.",
      });
    const { client } = testClient();
    const error = await rejection(client.createSchema({ title: "x" }));
    assert.ok(error instanceof FlowServiceError);
    assert.equal(error.code, "XDM-1521-400");
    assert.equal(error.requestId, "a15996b5-5133-4cec-9bf7-7d1207904ae3");
    assert.equal(
      error.message,
      "Object titles must be unique. (400 XDM-1521-400) POST /data/foundation/schemaregistry/tenant/schemas, request id a15996b5-5133-4cec-9bf7-7d1207904ae3.",
    );
    ims.done();
    api.done();
  });

  it("schemaDates reads repo:createdDate (current) and repo:createDate (2019)", () => {
    assert.deepEqual(schemaDates(schema), { createdAt: 1602872911226, updatedAt: 1603381419889 });
    assert.deepEqual(
      schemaDates({
        "meta:registryMetadata": {
          "repo:createDate": 1552088461236,
          "repo:lastModifiedDate": 1552088649634,
        },
      }),
      { createdAt: 1552088461236, updatedAt: 1552088649634 },
    );
  });
});

describe("client: Data Prep calls", () => {
  const body = {
    outputSchema: {
      schemaRef: { id: SCHEMA_ID, contentType: "application/vnd.adobe.xed-full+json;version=1" },
    },
    mappings: [{ sourceType: "ATTRIBUTE", source: "email_id", destination: "_id" }],
  };

  it("createMappingSet POSTs /mappingSets and reads the 200 {id, version}", async () => {
    const ims = imsToken();
    const api = platformJson().post(`${DATA_PREP}/mappingSets`, body).reply(200, {
      id: MAPPING_SET_ID,
      version: 0,
      createdDate: 1614901254724,
      modifiedDate: 1614901254724,
      createdBy: "u",
      modifiedBy: "u",
    });
    const { client } = testClient();
    assert.deepEqual(await client.createMappingSet(body), { id: MAPPING_SET_ID, version: 0 });
    ims.done();
    api.done();
  });

  it("getMappingSet names the version, maps media-type sourceTypes back and reads ISO or ms dates", async () => {
    const ims = imsToken();
    const api = platformNoBody()
      .get(`${DATA_PREP}/mappingSets/${MAPPING_SET_ID}`)
      .query({ version: "2" })
      .reply(200, {
        id: MAPPING_SET_ID,
        version: "2",
        createdDate: "2020-11-25T19:40:24.180Z",
        modifiedDate: 1614909614227,
        schemaRef: { id: SCHEMA_ID, contentType: "1.0" },
        mappings: [
          {
            id: "m1",
            version: 0,
            sourceType: "text/x.schema-path",
            source: "email_id",
            destination: "_id",
            name: "id",
          },
          {
            id: "m2",
            version: 0,
            sourceType: "text/x.aep-xl",
            source: "now()",
            destination: "timestamp",
          },
          { sourceAttribute: "campaign_id", destinationXdmPath: "eventType", sourceType: "STATIC" },
        ],
      });
    const { client } = testClient();
    const set = await client.getMappingSet(MAPPING_SET_ID, 2);
    assert.ok(set !== undefined);
    assert.equal(set.version, 2);
    assert.equal(set.xdmSchema, SCHEMA_ID);
    assert.equal(set.createdDate, Date.parse("2020-11-25T19:40:24.180Z"));
    assert.equal(set.modifiedDate, 1614909614227);
    assert.deepEqual(set.mappings, [
      { sourceType: "ATTRIBUTE", source: "email_id", destination: "_id", name: "id" },
      { sourceType: "EXPRESSION", source: "now()", destination: "timestamp" },
      { sourceType: "STATIC", source: "campaign_id", destination: "eventType" },
    ]);
    ims.done();
    api.done();
  });

  it("listMappingSets pages by offset until a page is empty, and reads each set like a GET", async () => {
    const ims = imsToken();
    const stored = (id: string) => ({
      id,
      version: 1,
      createdDate: 1614901254724,
      xdmSchema: SCHEMA_ID,
      // Listings carry the legacy mirror fields next to each mapping.
      mappings: [
        {
          sourceType: "text/x.schema-path",
          source: "email_id",
          destination: "_id",
          sourceAttribute: "email_id",
          destinationXdmPath: "_id",
          identity: false,
        },
      ],
    });
    const path = `${DATA_PREP}/mappingSets`;
    const api = platformNoBody()
      .get(path)
      .query({ limit: "100", start: "0" })
      // `_page.count` is no total (Adobe's sample says 0 next to its items): not used.
      .reply(200, { data: [stored("a"), stored("b")], _page: { count: 0, limit: 100 } })
      .get(path)
      .query({ limit: "100", start: "2" })
      .reply(200, { data: [stored("c")], _page: { count: 1, limit: 100 } })
      .get(path)
      .query({ limit: "100", start: "3" })
      .reply(200, { data: [], _page: { count: 0, limit: 100 } });
    const { client } = testClient();
    const sets = await client.listMappingSets();
    assert.deepEqual(
      sets.map((set) => [set.id, set.version, set.xdmSchema, set.createdDate, set.mappings]),
      ["a", "b", "c"].map((id) => [
        id,
        1,
        SCHEMA_ID,
        1614901254724,
        [{ sourceType: "ATTRIBUTE", source: "email_id", destination: "_id" }],
      ]),
    );
    ims.done();
    api.done();
  });

  it("updateMappingSet PUTs the full body and is not replayed after a 5xx (each PUT is a version)", async () => {
    const ims = imsToken();
    const api = platformJson()
      .put(`${DATA_PREP}/mappingSets/${MAPPING_SET_ID}`, body)
      .reply(502, "bad gateway");
    const { client, retries } = testClient();
    const error = await rejection(client.updateMappingSet(MAPPING_SET_ID, body));
    assert.ok(error instanceof FlowServiceError);
    assert.equal(error.status, 502);
    assert.equal(error.method, "PUT");
    assert.deepEqual(retries, []);
    ims.done();
    api.done();
  });

  it("deleteMappingSet: 2xx is deleted; 405 and any 404 (even not JSON) are not-deletable", async () => {
    const ims = imsToken();
    const path = `${DATA_PREP}/mappingSets/${MAPPING_SET_ID}`;
    const api = platformNoBody()
      .delete(path)
      .reply(200)
      .delete(path)
      .reply(405, { title: "Method Not Allowed" })
      .delete(path)
      .reply(404, "<html>Not Found</html>");
    const { client } = testClient();
    assert.equal(await client.deleteMappingSet(MAPPING_SET_ID), "deleted");
    assert.equal(await client.deleteMappingSet(MAPPING_SET_ID), "not-deletable");
    assert.equal(await client.deleteMappingSet(MAPPING_SET_ID), "not-deletable");
    ims.done();
    api.done();
  });
});

describe("client: spec lookups", () => {
  it("getSpec GETs /flowSpecs/{id} and reads transformationSpec as transformationSpecs", async () => {
    const ims = imsToken();
    const mapping = [{ name: "Mapping", spec: { type: "object" } }];
    const api = platformNoBody()
      .get(`${FLOW}/flowSpecs/${FLOW_SPEC_ID}`)
      .reply(200, {
        items: [{ id: FLOW_SPEC_ID, name: "RestStorageToAEP", transformationSpec: mapping }],
      })
      .get(`${FLOW}/flowSpecs/unknown`)
      .reply(404, { type: "https://ns.adobe.com/aep/errors/FLOW-1439-404", title: "Not found" });
    const { client } = testClient();
    assert.deepEqual(await client.getSpec("flowSpecs", FLOW_SPEC_ID), {
      id: FLOW_SPEC_ID,
      name: "RestStorageToAEP",
      transformationSpecs: mapping,
    });
    assert.equal(await client.getSpec("flowSpecs", "unknown"), undefined);
    ims.done();
    api.done();
  });

  it("listSpecs passes the property filters and follows _links.next", async () => {
    const ims = imsToken();
    const api = platformNoBody()
      .get(`${FLOW}/connectionSpecs`)
      .query({ property: 'name=="mailchimp-campaign"' })
      .reply(200, {
        items: [{ id: "c8ce8c8c-37fb-4162-9fbf-c2f181e04a7a", name: "mailchimp-campaign" }],
        _links: { next: { href: "/connectionSpecs?continuationToken=t2" } },
      })
      .get(`${FLOW}/connectionSpecs`)
      .query({ continuationToken: "t2" })
      .reply(200, { items: [], _links: {} });
    const { client } = testClient();
    assert.deepEqual(
      await client.listSpecs("connectionSpecs", { property: ['name=="mailchimp-campaign"'] }),
      [{ id: "c8ce8c8c-37fb-4162-9fbf-c2f181e04a7a", name: "mailchimp-campaign" }],
    );
    ims.done();
    api.done();
  });
});
