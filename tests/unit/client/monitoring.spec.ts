// The exact calls behind runs, explore and specs (what the command line and waitForFirstRun use):
// the path with its query string exactly as sent, and what the client makes of the answer.
import assert from "node:assert/strict";
import { FLOW, FLOW_ID, imsToken, platformNoBody, rejection, testClient } from "./helpers";
import { FlowServiceError } from "../../../provider/client";

const RUN_ID = "9830305a-985f-47d0-b030-5a985fd7d004";
const CONNECTION_ID = "9601747c-6874-4c02-bb00-5732a8c43086";
const run = (id: string, status = "success") => ({
  id,
  flowId: FLOW_ID,
  etag: '"b8003af1-0000-0200-0000-5f2b09f10000"',
  metrics: { statusSummary: { status } },
});

/** Intercepts GETs under `path` with any query, records each path+query as sent, answers `bodies` in turn. */
function recordGets(path: string, bodies: unknown[]) {
  const sent: string[] = [];
  const scope = platformNoBody()
    .get(path)
    .query(true)
    .times(bodies.length)
    .reply(200, (request: unknown) => {
      // nock 15 hands the reply callback a fetch Request.
      const url = new URL((request as { url: string }).url);
      sent.push(`${url.pathname}${url.search}`);
      return bodies[sent.length - 1] as Record<string, unknown>;
    });
  return { sent, scope };
}

describe("client: runs, explore and specs", () => {
  it("listRuns with a limit sends the filters, newest first, and reads one page only", async () => {
    const ims = imsToken();
    const { sent, scope } = recordGets(`${FLOW}/runs`, [
      { items: [run("r-1", "failed")], _links: { next: { href: "/runs?continuationToken=abc" } } },
    ]);
    const { client } = testClient();
    const runs = await client.listRuns({
      flowId: FLOW_ID,
      statuses: ["FAILED", "partial_success"],
      startedAfter: 1700000000000.6,
      limit: 1,
    });
    assert.deepEqual(
      runs.map((r) => r.id),
      ["r-1"],
    );
    assert.deepEqual(sent, [
      `${FLOW}/runs?property=flowId%3D%3D${FLOW_ID}` +
        "&property=metrics.statusSummary.status%3D%3Dfailed%2CpartialSuccess" +
        "&property=metrics.durationSummary.startedAtUTC%3E1700000000000&orderby=-createdAt&limit=1",
    ]);
    ims.done();
    scope.done();
  });

  it("listRuns without a limit follows _links.next to the last page, in the given order", async () => {
    const ims = imsToken();
    const { sent, scope } = recordGets(`${FLOW}/runs`, [
      { items: [run("r-1")], _links: { next: { href: "/runs?continuationToken=abc" } } },
      { items: [run("r-2")], _links: {} },
    ]);
    const { client } = testClient();
    const runs = await client.listRuns({ flowId: FLOW_ID, orderby: "createdAt" });
    assert.deepEqual(
      runs.map((r) => r.id),
      ["r-1", "r-2"],
    );
    assert.deepEqual(sent, [
      `${FLOW}/runs?property=flowId%3D%3D${FLOW_ID}&orderby=createdAt`,
      `${FLOW}/runs?continuationToken=abc`,
    ]);
    ims.done();
    scope.done();
  });

  it("getRun unwraps {items: [run]}, and answers undefined on Adobe's 404", async () => {
    const ims = imsToken();
    const api = platformNoBody()
      .get(`${FLOW}/runs/${RUN_ID}`)
      .reply(200, { items: [{ ...run(RUN_ID), etag: undefined }] })
      .get(`${FLOW}/runs/missing`)
      .reply(404, {
        type: "https://ns.adobe.com/aep/errors/FLOW-1439-404",
        title: "Resource not found",
        status: 404,
      });
    const { client } = testClient();
    // A run without an etag is still a run (only instances need one, for If-Match).
    assert.deepEqual(await client.getRun(RUN_ID), { ...run(RUN_ID), etag: "" });
    assert.equal(await client.getRun("missing"), undefined);
    ims.done();
    api.done();
  });

  it("explore encodes sourceParams as the tutorial does: base64 of the compact JSON", async () => {
    const ims = imsToken();
    const preview = { data: [{ campaign_id: "c66a200cda" }] };
    const { sent, scope } = recordGets(`${FLOW}/connections/${CONNECTION_ID}/explore`, [
      preview,
      [{ type: "rest", name: "Mailchimp Campaign", path: "json" }],
    ]);
    const { client } = testClient();
    assert.deepEqual(
      await client.explore(CONNECTION_ID, {
        objectType: "rest",
        object: "json",
        fileType: "json",
        preview: true,
        sourceParams: { campaignId: "c66a200cda" },
      }),
      preview,
    );
    assert.deepEqual(await client.explore(CONNECTION_ID, { objectType: "root" }), [
      { type: "rest", name: "Mailchimp Campaign", path: "json" },
    ]);
    assert.deepEqual(sent, [
      `${FLOW}/connections/${CONNECTION_ID}/explore?objectType=rest&object=json&fileType=json&preview=true` +
        "&sourceParams=eyJjYW1wYWlnbklkIjoiYzY2YTIwMGNkYSJ9",
      `${FLOW}/connections/${CONNECTION_ID}/explore?objectType=root`,
    ]);
    ims.done();
    scope.done();
  });

  it("explore refuses an answer that is neither an array nor an object", async () => {
    const ims = imsToken();
    const api = platformNoBody()
      .get(`${FLOW}/connections/${CONNECTION_ID}/explore`)
      .query({ objectType: "root" })
      .reply(200, "7", { "content-type": "application/json" });
    const { client } = testClient();
    const error = await rejection(client.explore(CONNECTION_ID, { objectType: "root" }));
    assert.ok(error instanceof FlowServiceError);
    assert.equal(error.code, "UNEXPECTED_RESPONSE");
    assert.match(error.message, /answered without a JSON array or object/);
    ims.done();
    api.done();
  });

  it("lists and reads specs (no etag), with filters, orderby and limit in the query", async () => {
    const ims = imsToken();
    const spec = { id: "c8ce8c8c-37fb-4162-9fbf-c2f181e04a7a", name: "mailchimp-campaign" };
    const { sent, scope } = recordGets(`${FLOW}/connectionSpecs`, [{ items: [spec], _links: {} }]);
    const one = platformNoBody()
      .get(`${FLOW}/flowSpecs/6499120c-0b15-42dc-936e-847ea3c24d72`)
      .reply(200, {
        items: [{ id: "6499120c-0b15-42dc-936e-847ea3c24d72", name: "RestStorageToAEP" }],
      });
    const { client } = testClient();
    assert.deepEqual(
      await client.list("connectionSpecs", {
        property: ['name=="mailchimp-campaign"'],
        orderby: "name",
        limit: 50,
      }),
      [{ ...spec, etag: "" }],
    );
    assert.deepEqual(sent, [
      `${FLOW}/connectionSpecs?property=name%3D%3D%22mailchimp-campaign%22&orderby=name&limit=50`,
    ]);
    assert.equal(
      (await client.getSpec("flowSpecs", "6499120c-0b15-42dc-936e-847ea3c24d72"))?.name,
      "RestStorageToAEP",
    );
    ims.done();
    scope.done();
    one.done();
  });
});
