/**
 * End to end, under the real Pulumi engine against the emulator: create, no-op, in-place updates,
 * replacement, enable/disable and destroy of the example pipeline (the package's DataLakePipeline
 * component and its five children). Every test checks both sides: the emulator's objects and
 * request log, and the stack's state and outputs.
 */
import assert from "node:assert/strict";
import {
  CHILD_NAMES,
  deploymentResources,
  describeRequest,
  useE2E,
  MAILCHIMP_PASSWORD,
  PIPELINE,
  PipelineStack,
  PROJECT,
  ROTATED_PASSWORD,
  stateResource,
  stateResources,
  versions,
  TYPES,
  outputValues,
} from "./harness";

describe("e2e: pipeline lifecycle under the Pulumi engine", function () {
  this.timeout(180_000);
  const e2e = useE2E();

  /** Deploys the example with the base arguments and returns it with the emulator's objects. */
  async function deployed() {
    const pipeline = await PipelineStack.create(e2e);
    await pipeline.up();
    e2e.emulator.clearRequests();
    return {
      pipeline,
      dataset: e2e.only("dataSets"),
      base: e2e.only("connections"),
      source: e2e.only("sourceConnections"),
      target: e2e.only("targetConnections"),
      flow: e2e.only("flows"),
    };
  }

  it("up creates the dataset and the four Flow Service objects, wired by id", async () => {
    const pipeline = await PipelineStack.create(e2e);
    const result = await pipeline.up();
    // The stack, the component and its five children.
    assert.deepEqual(result.summary.resourceChanges, { create: 7 });

    const dataset = e2e.only("dataSets");
    const base = e2e.only("connections");
    const source = e2e.only("sourceConnections");
    const target = e2e.only("targetConnections");
    const flow = e2e.only("flows");
    assert.equal(source.baseConnectionId, base.id);
    assert.deepEqual(source.params, { campaignId: "c66a200cda" });
    assert.equal((target.params as Record<string, unknown>).dataSetId, dataset.id);
    assert.deepEqual(flow.sourceConnectionIds, [source.id]);
    assert.deepEqual(flow.targetConnectionIds, [target.id]);
    assert.equal(flow.state, "enabled");
    assert.equal(flow.name, "e2e Mailchimp campaign to data lake");
    assert.deepEqual(
      { ...(flow.scheduleParams as object) },
      { startTime: "1893456000", frequency: "minute", interval: "15" },
    );
    assert.equal(
      (base.auth as { params: { password: string } }).params.password,
      MAILCHIMP_PASSWORD,
    );

    // One create call per object, nothing else written.
    assert.deepEqual(e2e.apiWrites().map(describeRequest).sort(), [
      "POST /connections",
      "POST /flows",
      "POST /sourceConnections",
      "POST /targetConnections",
      "POST catalog:/dataSets",
    ]);

    // The stack's outputs and state name exactly these objects.
    assert.deepEqual(await outputValues(pipeline.stack), {
      datasetId: dataset.id,
      baseConnectionId: base.id,
      sourceConnectionId: source.id,
      targetConnectionId: target.id,
      dataflowId: flow.id,
    });
    const pairs: Array<[string, Record<string, unknown>]> = [
      [TYPES.dataset, dataset],
      [TYPES.baseConnection, base],
      [TYPES.sourceConnection, source],
      [TYPES.targetConnection, target],
      [TYPES.dataflow, flow],
    ];
    for (const [type, object] of pairs) {
      const resource = await stateResource(pipeline.stack, type);
      assert.equal(resource.id, object.id, type);
      assert.equal(resource.outputs?.name, object.name, type);
      if (type !== TYPES.dataset) assert.equal(resource.outputs?.etag, object.etag, type);
    }
    const flowState = await stateResource(pipeline.stack, TYPES.dataflow);
    assert.equal(flowState.outputs?.state, "enabled");
    assert.equal(flowState.outputs?.enabled, true);

    // The engine holds them as the component's children: each URN has the component's type in
    // its parent chain, each `parent` is the component, whose own parent is the stack.
    const prefix = `urn:pulumi:${pipeline.stack.name}::${PROJECT}::`;
    const componentUrn = `${prefix}${PIPELINE.type}::${PIPELINE.name}`;
    const all = await deploymentResources(pipeline.stack);
    const component = all.filter((r) => r.type === PIPELINE.type);
    assert.deepEqual(
      component.map((r) => [r.urn, r.parent]),
      [[componentUrn, `${prefix}pulumi:pulumi:Stack::${PROJECT}-${pipeline.stack.name}`]],
    );
    assert.deepEqual(
      (await stateResources(pipeline.stack)).map((r) => [r.urn, r.parent]).sort(),
      Object.entries(CHILD_NAMES)
        .map(([key, name]) => [
          `${prefix}${PIPELINE.type}$${TYPES[key as keyof typeof TYPES]}::${name}`,
          componentUrn,
        ])
        .sort(),
    );
  });

  it("with nothing changed, preview and up report no changes and write nothing", async () => {
    const { pipeline } = await deployed();
    const before = await stateResources(pipeline.stack);

    const preview = await pipeline.preview();
    assert.deepEqual(preview.changeSummary, { same: 7 });
    const up = await pipeline.up();
    assert.deepEqual(up.summary.resourceChanges, { same: 7 });

    assert.deepEqual(e2e.apiWrites().map(describeRequest), []);
    const after = await stateResources(pipeline.stack);
    assert.deepEqual(versions(after), versions(before));
  });

  it("a rename, a schedule change and a credential rotation are PATCHes with If-Match", async () => {
    const { pipeline, base, flow } = await deployed();
    const idsBefore = await outputValues(pipeline.stack);
    pipeline.set({
      names: { dataflow: "e2e campaign flow, renamed" },
      intervalMinutes: 30,
      mailchimpPassword: ROTATED_PASSWORD,
    });

    const preview = await pipeline.preview();
    assert.deepEqual(preview.changeSummary, { update: 2, same: 5 });
    assert.deepEqual(e2e.apiWrites(), [], "preview writes nothing");
    const up = await pipeline.up();
    assert.deepEqual(up.summary.resourceChanges, { update: 2, same: 5 });

    const writes = e2e.apiWrites();
    assert.deepEqual(writes.map(describeRequest).sort(), [
      `PATCH /connections/${String(base.id)}`,
      `PATCH /flows/${String(flow.id)}`,
    ]);
    const basePatch = writes.find((r) => r.path.endsWith(`/connections/${String(base.id)}`))!;
    assert.equal(basePatch.headers["if-match"], base.etag);
    // The emulator's request log redacts the password; the stored object below holds the new one.
    assert.deepEqual(basePatch.body, [
      {
        op: "replace",
        path: "/auth/params",
        value: { username: "e2e-mailchimp-user", password: "[REDACTED]" },
      },
    ]);
    const flowPatch = writes.find((r) => r.path.endsWith(`/flows/${String(flow.id)}`))!;
    assert.equal(flowPatch.headers["if-match"], flow.etag);
    assert.deepEqual(flowPatch.body, [
      { op: "replace", path: "/name", value: "e2e campaign flow, renamed" },
      { op: "replace", path: "/scheduleParams/interval", value: 30 },
    ]);

    // Same ids; the emulator holds the new values; the state holds the new etags.
    assert.deepEqual(await outputValues(pipeline.stack), idsBefore);
    const flowAfter = e2e.only("flows");
    const baseAfter = e2e.only("connections");
    assert.equal(flowAfter.name, "e2e campaign flow, renamed");
    assert.equal(String((flowAfter.scheduleParams as { interval: unknown }).interval), "30");
    assert.equal(
      (baseAfter.auth as { params: { password: string } }).params.password,
      ROTATED_PASSWORD,
    );
    assert.equal(
      (await stateResource(pipeline.stack, TYPES.dataflow)).outputs?.etag,
      flowAfter.etag,
    );
    assert.equal(
      (await stateResource(pipeline.stack, TYPES.baseConnection)).outputs?.etag,
      baseAfter.etag,
    );
    assert.notEqual(flowAfter.etag, flow.etag);
  });

  it("a new campaignId replaces the source connection and the dataflow, leaving nothing behind", async () => {
    const { pipeline, base, source, target, flow } = await deployed();
    pipeline.set({ campaignId: "b7e1f04a2c" });

    const preview = await pipeline.preview();
    assert.deepEqual(preview.changeSummary, { replace: 2, same: 5 });
    const up = await pipeline.up();
    assert.deepEqual(up.summary.resourceChanges, { replace: 2, same: 5 });

    const newSource = e2e.only("sourceConnections");
    const newFlow = e2e.only("flows");
    assert.notEqual(newSource.id, source.id);
    assert.notEqual(newFlow.id, flow.id);
    assert.deepEqual(newSource.params, { campaignId: "b7e1f04a2c" });
    assert.equal(newSource.baseConnectionId, base.id);
    assert.deepEqual(newFlow.sourceConnectionIds, [newSource.id]);
    assert.deepEqual(newFlow.targetConnectionIds, [target.id]);
    assert.equal(e2e.only("connections").id, base.id);
    assert.equal(e2e.only("targetConnections").id, target.id);

    // Create-before-delete: the new objects first, then the old flow before its source.
    const writes = e2e.apiWrites().map(describeRequest);
    assert.deepEqual(writes, [
      "POST /sourceConnections",
      "POST /flows",
      `DELETE /flows/${String(flow.id)}`,
      `DELETE /sourceConnections/${String(source.id)}`,
    ]);

    const outputs = await outputValues(pipeline.stack);
    assert.equal(outputs.sourceConnectionId, newSource.id);
    assert.equal(outputs.dataflowId, newFlow.id);
    assert.equal((await stateResource(pipeline.stack, TYPES.sourceConnection)).id, newSource.id);
    assert.equal((await stateResource(pipeline.stack, TYPES.dataflow)).id, newFlow.id);
  });

  it("enabled: false disables the dataflow and true enables it again, with the flow action", async () => {
    const { pipeline, flow } = await deployed();

    pipeline.set({ enabled: false });
    const disable = await pipeline.up();
    assert.deepEqual(disable.summary.resourceChanges, { update: 1, same: 6 });
    assert.deepEqual(e2e.apiWrites().map(describeRequest), [
      `POST /flows/${String(flow.id)}/action?op=disable`,
    ]);
    assert.equal(e2e.only("flows").state, "disabled");
    let state = await stateResource(pipeline.stack, TYPES.dataflow);
    assert.equal(state.outputs?.enabled, false);
    assert.equal(state.outputs?.state, "disabled");
    assert.equal(state.id, flow.id);

    e2e.emulator.clearRequests();
    pipeline.set({ enabled: true });
    const enable = await pipeline.up();
    assert.deepEqual(enable.summary.resourceChanges, { update: 1, same: 6 });
    assert.deepEqual(e2e.apiWrites().map(describeRequest), [
      `POST /flows/${String(flow.id)}/action?op=enable`,
    ]);
    assert.equal(e2e.only("flows").state, "enabled");
    state = await stateResource(pipeline.stack, TYPES.dataflow);
    assert.equal(state.outputs?.enabled, true);
    assert.equal(state.outputs?.state, "enabled");
  });

  it("destroy deletes every object and leaves the emulator and the state empty", async () => {
    const { pipeline, dataset, base, source, target, flow } = await deployed();
    const result = await pipeline.destroy();
    assert.deepEqual(result.summary.resourceChanges, { delete: 7 });

    assert.deepEqual(e2e.counts(), {
      dataSets: 0,
      connections: 0,
      sourceConnections: 0,
      targetConnections: 0,
      flows: 0,
    });
    assert.deepEqual(e2e.apiWrites().map(describeRequest).sort(), [
      `DELETE /connections/${String(base.id)}`,
      `DELETE /flows/${String(flow.id)}`,
      `DELETE /sourceConnections/${String(source.id)}`,
      `DELETE /targetConnections/${String(target.id)}`,
      `DELETE catalog:/dataSets/${String(dataset.id)}`,
    ]);
    assert.deepEqual(await stateResources(pipeline.stack), []);
    assert.deepEqual(
      (await deploymentResources(pipeline.stack)).filter((r) => r.type === PIPELINE.type),
      [],
      "the component left the state too",
    );
  });
});
