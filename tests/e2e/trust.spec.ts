/**
 * End to end, under the real engine: what a team meets once a stack lives in CI (issue 8).
 * Members the program does not declare stay the UI's; objects remember the sandbox they live in;
 * rotated credentials and credentials kept in plain-text config get a message with the fix.
 */
import assert from "node:assert/strict";
import { describeRequest, E2E, PipelineStack } from "./harness";

describe("e2e: trust (issue 8)", function () {
  this.timeout(300_000);
  let e2e: E2E;

  before(async () => {
    e2e = await E2E.start();
  });
  after(async () => {
    await e2e?.close();
  });
  beforeEach(() => {
    e2e.reset();
  });

  describe("only declared members are owned", () => {
    it("a description added out of band neither blocks an update nor is removed by up --refresh", async () => {
      const pipeline = await PipelineStack.create(e2e);
      await pipeline.up();
      const flowId = String(e2e.only("flows").id);
      const staleEtag = e2e.only("flows").etag;
      // The example declares no description for its dataflow: someone adds one in the UI.
      e2e.emulator.editOutOfBand("flows", flowId, { description: "Added in the UI" });
      const freshEtag = e2e.only("flows").etag;
      e2e.emulator.clearRequests();

      pipeline.set({ names: { dataflow: "e2e renamed dataflow" } });
      const up = await pipeline.up();
      assert.deepEqual(up.summary.resourceChanges, { update: 1, same: 6 });
      const writes = e2e.apiWrites();
      assert.deepEqual(
        writes.map((w) => `${describeRequest(w)} ${w.headers["if-match"]} ${w.status}`),
        [
          `PATCH /flows/${flowId} ${String(staleEtag)} 412`,
          `PATCH /flows/${flowId} ${String(freshEtag)} 200`,
        ],
        "one PATCH with the etag of the state, then one with the etag read back",
      );
      const rename = [{ op: "replace", path: "/name", value: "e2e renamed dataflow" }];
      assert.deepEqual(writes[1]?.body, rename);
      assert.equal(e2e.only("flows").name, "e2e renamed dataflow");
      assert.equal(e2e.only("flows").description, "Added in the UI");

      e2e.emulator.clearRequests();
      const refreshed = await pipeline.stack.up({ color: "never", refresh: true });
      assert.deepEqual(refreshed.summary.resourceChanges, { same: 7 });
      assert.deepEqual(e2e.apiWrites(), [], "up --refresh writes nothing");
      assert.equal(e2e.only("flows").description, "Added in the UI", "the description stays");

      const preview = await pipeline.preview();
      assert.deepEqual(preview.changeSummary, { same: 7 });
    });
  });
});
