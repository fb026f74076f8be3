/**
 * The Mailchimp Campaign tutorial, step by step, as Adobe documents it: base connection → explore →
 * source connection → XDM schema → dataset → Data Lake target → flow → runs → update → disable/enable → delete
 * (https://experienceleague.adobe.com/en/docs/experience-platform/sources/api-tutorials/create/marketing-automation/mailchimp-campaign).
 */
import assert from "node:assert/strict";
import { connectionSpecIds, flowSpecIds } from "../../provider/resources/specCatalog";
import {
  assertNotFound,
  basicAuthConnection,
  CAMPAIGN_SOURCE_PARAMS,
  campaignSourceConnection,
  CATALOG,
  dataLakeTarget,
  ETAG_PATTERN,
  everyFifteenMinutes,
  flowBody,
  HOUR,
  REGISTRY,
  startOfMinute,
  UUID_PATTERN,
  XED,
  useEmulator,
} from "./helpers";

describe("emulator: Mailchimp Campaign tutorial, end to end", () => {
  const { emulator, api } = useEmulator({ reset: false });
  const ids: Record<string, string> = {};
  let flowEtag = "";
  let startSeconds = 0;

  it("1. creates a base connection with basic authentication", async () => {
    const reply = await api.post("/connections", basicAuthConnection());
    assert.equal(reply.status, 201);
    assert.deepEqual(Object.keys(reply.body), ["id", "etag"]);
    assert.match(reply.body.id, UUID_PATTERN);
    assert.match(reply.body.etag, ETAG_PATTERN);
    assert.equal(
      reply.headers.get("location"),
      `/data/foundation/flowservice/connections/${reply.body.id}`,
    );
    ids.base = reply.body.id;
  });

  it("2. explores the campaign with the tutorial's sourceParams", async () => {
    const reply = await api.get(
      `/connections/${ids.base}/explore?objectType=rest&object=json&fileType=json&preview=true&sourceParams=${CAMPAIGN_SOURCE_PARAMS}`,
    );
    assert.equal(reply.status, 200);
    assert.ok(Array.isArray(reply.body.data) && reply.body.data.length > 0);
    for (const row of reply.body.data) {
      assert.equal(row.campaign_id, "c66a200cda");
      assert.match(row.list_id, /^[0-9a-f]{10}$/);
      assert.match(row.email_id, /^[0-9a-f]{32}$/);
      assert.match(row.email_address, /@example\.com$/);
      assert.ok(row.activity.length >= 1);
      assert.deepEqual(Object.keys(row.activity[0]).sort(), ["action", "ip", "timestamp"]);
    }
  });

  it("3. creates the source connection for the campaign", async () => {
    const { id } = await api.create(
      "sourceConnections",
      campaignSourceConnection(ids.base as string),
    );
    ids.source = id;
  });

  it("4. creates the target XDM schema, then the dataset in Catalog", async () => {
    const schema = await api.createSchema("Mailchimp campaign email activity");
    ids.schema = String(schema.$id);
    const reply = await api.request("POST", `${CATALOG}/dataSets`, {
      json: {
        name: "Mailchimp campaign activity",
        schemaRef: { id: ids.schema, contentType: "application/vnd.adobe.xed+json;version=1" },
      },
    });
    assert.equal(reply.status, 201);
    assert.equal(reply.body.length, 1);
    assert.match(reply.body[0], /^@\/dataSets\/[0-9a-f]{24}$/);
    ids.dataSet = reply.body[0].slice("@/dataSets/".length);
  });

  it("5. creates the Data Lake target connection", async () => {
    const { id } = await api.create(
      "targetConnections",
      dataLakeTarget(ids.dataSet as string, ids.schema),
    );
    ids.target = id;
  });

  it("6. creates a flow that runs every 15 minutes", async () => {
    startSeconds = startOfMinute(emulator);
    const created = await api.create(
      "flows",
      flowBody(ids.source as string, ids.target as string, everyFifteenMinutes(startSeconds)),
    );
    ids.flow = created.id;
    flowEtag = created.etag;
    const flow = await api.object("flows", created.id);
    assert.equal(flow.state, "enabled");
    assert.deepEqual(flow.flowSpec, { id: flowSpecIds.restStorageToAep, version: "1.0" });
    assert.deepEqual(flow.scheduleParams, {
      startTime: String(startSeconds),
      frequency: "minute",
      interval: "15",
    });
    assert.deepEqual(flow.inheritedAttributes, {
      properties: { isSourceFlow: true },
      sourceConnections: [
        {
          id: ids.source,
          connectionSpec: { id: connectionSpecIds.mailchimpCampaign, version: "1.0" },
          baseConnection: {
            id: ids.base,
            connectionSpec: { id: connectionSpecIds.mailchimpCampaign, version: "1.0" },
          },
        },
      ],
      targetConnections: [
        { id: ids.target, connectionSpec: { id: connectionSpecIds.dataLake, version: "1.0" } },
      ],
    });
    assert.equal(flow.runs, `/runs?property=flowId==${created.id}`);
  });

  it("7. produces a run per 15-minute slot as the clock advances, newest first", async () => {
    const created = Number((await api.object("flows", ids.flow as string)).createdAt);
    // To one second after the +60 minute slot.
    emulator.advanceClock(startSeconds * 1000 + HOUR + 1000 - emulator.now());
    const reply = await api.get(`/runs?property=flowId==${ids.flow}`);
    assert.equal(reply.status, 200);
    const runs = reply.body.items;
    // Slots at +0 (the start had passed: it runs when the flow is created), +15, +30, +45, +60.
    assert.equal(runs.length, 5);
    const starts = runs.map(
      (run: { metrics: { durationSummary: { startedAtUTC: number } } }) =>
        run.metrics.durationSummary.startedAtUTC,
    );
    assert.deepEqual(starts, [
      ...[60, 45, 30, 15].map((minutes) => startSeconds * 1000 + minutes * 60_000),
      created,
    ]);
    // The +60 run has just begun: copying, no end, no counts yet.
    const [running, finished] = runs;
    assert.equal(running.metrics.statusSummary.status, "inProgress");
    assert.deepEqual(running.metrics.durationSummary, { startedAtUTC: starts[0] });
    assert.deepEqual(
      running.activities.map((activity: Record<string, unknown>) => [
        activity.name,
        activity.statusSummary,
      ]),
      [["Copy Activity", { status: "inProgress" }]],
    );
    assert.equal(finished.flowId, ids.flow);
    assert.deepEqual(finished.flowSpec, { id: flowSpecIds.restStorageToAep, version: "1.0" });
    assert.match(finished.etag, ETAG_PATTERN);
    assert.equal(finished.metrics.statusSummary.status, "success");
    assert.deepEqual(finished.metrics.statusSummary.errors, []);
    assert.deepEqual(
      finished.activities.map((activity: Record<string, unknown>) => activity.name),
      ["Copy Activity", "Promotion Activity"],
    );
    // lastRunDetails is the newest finished run, not the one still going.
    const flow = await api.object("flows", ids.flow as string);
    assert.deepEqual(flow.lastRunDetails, {
      id: finished.id,
      state: "success",
      startedAtUTC: finished.metrics.durationSummary.startedAtUTC,
      completedAtUTC: finished.metrics.durationSummary.completedAtUTC,
    });
    assert.deepEqual((await api.get(`/runs/${finished.id}`)).body, { items: [finished] });
  });

  it("8. changes the schedule with If-Match", async () => {
    const stale = flowEtag;
    const reply = await api.patch(
      `/flows/${ids.flow}`,
      [
        { op: "replace", path: "/scheduleParams/frequency", value: "hour" },
        { op: "replace", path: "/scheduleParams/interval", value: 1 },
      ],
      stale,
    );
    assert.equal(reply.status, 200);
    assert.deepEqual(Object.keys(reply.body), ["id", "etag"]);
    assert.equal(reply.body.id, ids.flow);
    assert.notEqual(reply.body.etag, stale);
    flowEtag = reply.body.etag;
    const flow = await api.object("flows", ids.flow as string);
    assert.deepEqual(flow.scheduleParams, {
      startTime: String(startSeconds),
      frequency: "hour",
      interval: "1",
    });
    assert.equal(flow.etag, flowEtag);
    assert.equal(flow.version, flowEtag);
    const retried = await api.patch(
      `/flows/${ids.flow}`,
      [{ op: "replace", path: "/name", value: "late" }],
      stale,
    );
    assert.equal(retried.status, 412);
  });

  it("9. disables and re-enables the flow", async () => {
    const disabled = await api.post(`/flows/${ids.flow}/action?op=disable`);
    assert.equal(disabled.status, 200);
    assert.equal((await api.object("flows", ids.flow as string)).state, "disabled");
    const runsBefore = (await api.get(`/runs?property=flowId==${ids.flow}`)).body.items.length;
    emulator.advanceClock(3 * HOUR);
    assert.equal(
      (await api.get(`/runs?property=flowId==${ids.flow}`)).body.items.length,
      runsBefore,
    );
    const enabled = await api.post(`/flows/${ids.flow}/action?op=enable`);
    assert.equal(enabled.status, 200);
    assert.notEqual(enabled.body.etag, disabled.body.etag);
    assert.equal((await api.object("flows", ids.flow as string)).state, "enabled");
    emulator.advanceClock(HOUR);
    assert.equal(
      (await api.get(`/runs?property=flowId==${ids.flow}`)).body.items.length,
      runsBefore + 1,
    );
  });

  it("10. refuses to delete the base connection while the flow uses it", async () => {
    const reply = await api.delete(`/connections/${ids.base}`);
    assert.equal(reply.status, 400);
    assert.equal(reply.body.type, "https://ns.adobe.com/aep/errors/FLOW-1418-400");
  });

  it("11. deletes the flow, then its connections, the dataset and the schema", async () => {
    const flowDeleted = await api.delete(`/flows/${ids.flow}`);
    assert.equal(flowDeleted.status, 204);
    assert.equal(flowDeleted.text, "");
    assert.deepEqual((await api.get(`/runs?property=flowId==${ids.flow}`)).body.items, []);
    for (const [collection, id] of [
      ["sourceConnections", ids.source],
      ["targetConnections", ids.target],
      ["connections", ids.base],
    ] as const) {
      const reply = await api.delete(`/${collection}/${id}`);
      assert.equal(reply.status, 204, reply.text);
    }
    const dataSetDeleted = await api.request("DELETE", `${CATALOG}/dataSets/${ids.dataSet}`);
    assert.equal(dataSetDeleted.status, 200);
    assert.deepEqual(dataSetDeleted.body, [`@/dataSets/${ids.dataSet}`]);
    const schemaDeleted = await api.request(
      "DELETE",
      `${REGISTRY}/tenant/schemas/${encodeURIComponent(ids.schema as string)}`,
    );
    assert.equal(schemaDeleted.status, 204, schemaDeleted.text);
  });

  it("12. answers 404 in the Flow Service problem format afterwards", async () => {
    for (const [collection, id] of [
      ["flows", ids.flow],
      ["sourceConnections", ids.source],
      ["targetConnections", ids.target],
      ["connections", ids.base],
    ] as const) {
      assertNotFound(await api.get(`/${collection}/${id}`), collection, id as string);
    }
    assertNotFound(await api.delete(`/flows/${ids.flow}`), "flows", ids.flow as string);
    assert.equal((await api.request("GET", `${CATALOG}/dataSets/${ids.dataSet}`)).status, 404);
    const schema = await api.request(
      "GET",
      `${REGISTRY}/tenant/schemas/${encodeURIComponent(ids.schema as string)}`,
      { headers: { accept: XED } },
    );
    assert.equal(schema.status, 404);
  });
});
