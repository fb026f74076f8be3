/**
 * End to end: what happens when Experience Platform changes behind Pulumi's back (refresh after
 * out-of-band edits and deletes), and adopting an object created outside Pulumi with `import`.
 */
import assert from "node:assert/strict";
import { BaseConnection, connectionSpecIds } from "../../provider";
import {
  apiHeaders,
  describeRequest,
  useE2E,
  PipelineStack,
  stateResource,
  stateResources,
  TYPES,
  outputValues,
} from "./harness";

describe("e2e: drift, refresh and import", function () {
  this.timeout(180_000);
  const e2e = useE2E();

  it("refresh shows an out-of-band edit as drift, and the next up restores the declared values", async () => {
    const pipeline = await PipelineStack.create(e2e);
    await pipeline.up();
    const flow = e2e.only("flows");
    e2e.emulator.editOutOfBand("flows", String(flow.id), {
      name: "Renamed in the Experience Platform UI",
    });
    const edited = e2e.only("flows");
    e2e.emulator.clearRequests();

    const refresh = await pipeline.refresh();
    assert.deepEqual(refresh.summary.resourceChanges, { update: 1, same: 6 });
    assert.deepEqual(e2e.apiWrites(), [], "refresh writes nothing");
    let state = await stateResource(pipeline.stack, TYPES.dataflow);
    assert.equal(state.outputs?.name, "Renamed in the Experience Platform UI");
    assert.equal(state.inputs?.name, "Renamed in the Experience Platform UI");
    assert.equal(state.outputs?.etag, edited.etag);

    const preview = await pipeline.preview();
    assert.deepEqual(preview.changeSummary, { update: 1, same: 6 });
    const up = await pipeline.up();
    assert.deepEqual(up.summary.resourceChanges, { update: 1, same: 6 });
    const writes = e2e.apiWrites();
    assert.deepEqual(writes.map(describeRequest), [`PATCH /flows/${String(flow.id)}`]);
    assert.equal(writes[0]?.headers["if-match"], edited.etag);
    assert.deepEqual(writes[0]?.body, [
      { op: "replace", path: "/name", value: "e2e Mailchimp campaign to data lake" },
    ]);
    assert.equal(e2e.only("flows").name, "e2e Mailchimp campaign to data lake");
    state = await stateResource(pipeline.stack, TYPES.dataflow);
    assert.equal(state.outputs?.name, "e2e Mailchimp campaign to data lake");
    assert.equal(state.outputs?.etag, e2e.only("flows").etag);

    const after = await pipeline.preview();
    assert.deepEqual(after.changeSummary, { same: 7 });
  });

  it("refresh drops an object deleted out of band from the state, and the next up recreates it", async () => {
    const pipeline = await PipelineStack.create(e2e);
    await pipeline.up();
    const flow = e2e.only("flows");
    const source = e2e.only("sourceConnections");
    const target = e2e.only("targetConnections");
    e2e.emulator.deleteOutOfBand("flows", String(flow.id));
    e2e.emulator.clearRequests();

    const refresh = await pipeline.refresh();
    assert.deepEqual(refresh.summary.resourceChanges, { delete: 1, same: 6 });
    assert.deepEqual(e2e.apiWrites(), []);
    const types = (await stateResources(pipeline.stack)).map((r) => r.type);
    assert.ok(!types.includes(TYPES.dataflow), `the dataflow left the state: ${types.join(", ")}`);
    assert.equal(types.length, 4);

    const up = await pipeline.up();
    assert.deepEqual(up.summary.resourceChanges, { create: 1, same: 6 });
    assert.deepEqual(e2e.apiWrites().map(describeRequest), ["POST /flows"]);
    const recreated = e2e.only("flows");
    assert.notEqual(recreated.id, flow.id);
    assert.deepEqual(recreated.sourceConnectionIds, [source.id]);
    assert.deepEqual(recreated.targetConnectionIds, [target.id]);
    assert.equal(recreated.name, flow.name);
    assert.equal((await outputValues(pipeline.stack)).dataflowId, recreated.id);
    assert.equal((await stateResource(pipeline.stack, TYPES.dataflow)).id, recreated.id);
  });

  it("the import resource option cannot adopt an object: the engine fails it, and nothing changes", async () => {
    // Pulumi 3.274's engine sends an import's Read without the resource's inputs, so the dynamic
    // provider host has no `__provider` to load (pulumi/pulumi#16175). This test pins that exact
    // failure; when an engine release makes `import` work, it fails and the README must change.
    const declared = {
      name: "Mailchimp account created in the UI",
      connectionSpec: { id: connectionSpecIds.mailchimpCampaign, version: "1.0" },
      auth: {
        specName: "Basic Authentication",
        params: { username: "ui-user", password: "ui-api-key-5be0c1" },
      },
    };
    const id = await createThroughApi(e2e.emulator.url, "connections", declared);
    const existing = e2e.only("connections");
    e2e.emulator.clearRequests();

    const stack = await e2e.newStack(async () => {
      const account = new BaseConnection("adopted-account", declared, { import: id });
      return { id: account.id };
    });
    const failure = await stack.up({ color: "never" }).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    assert.ok(failure, "up with { import } must fail with this engine");
    assert.match(
      failure.message,
      /pulumi-nodejs:dynamic\/aep:BaseConnection adopted-account \*\*importing failed\*\* error: code must be a string, not undefined/,
    );
    assert.deepEqual(e2e.apiWrites(), [], "nothing was written");
    assert.deepEqual(e2e.only("connections"), existing, "the object is untouched");
    assert.deepEqual(await stateResources(stack), [], "nothing entered the state");
  });
});

/** Creates an object the way a script or the UI would: a Flow Service POST. */
async function createThroughApi(
  baseUrl: string,
  collection: "connections",
  body: Record<string, unknown>,
): Promise<string> {
  const response = await fetch(`${baseUrl}/data/foundation/flowservice/${collection}`, {
    method: "POST",
    headers: { ...(await apiHeaders(baseUrl)), "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  assert.equal(response.status, 201, await response.clone().text());
  return ((await response.json()) as { id: string }).id;
}
