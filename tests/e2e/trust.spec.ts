/**
 * End to end, under the real engine: what a team meets once a stack lives in CI (issue 8).
 * Members the program does not declare stay the UI's; objects remember the sandbox they live in;
 * rotated credentials and credentials kept in plain-text config get a message with the fix.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { CLIENT_SECRET, describeRequest, E2E, PipelineStack, stateResources } from "./harness";

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

  describe("credentials in plain-text stack config", () => {
    it("preview and up refuse aep:clientSecret set without --secret, before any call, and store nothing", async () => {
      const pipeline = await PipelineStack.create(e2e);
      await pipeline.stack.setConfig("aep:clientSecret", { value: CLIENT_SECRET });
      const command = "`pulumi config set --secret aep:clientSecret <value>`";
      const expected =
        "`aep:clientSecret` is set in plain text in the stack config, so Pulumi would store it " +
        `unencrypted in the state and its history: store it as a secret with ${command}, then ` +
        "run this command again.";
      const holdingSecret = () =>
        e2e
          .backendFiles()
          .filter(({ text }) => text.includes(CLIENT_SECRET))
          .map(({ file }) => path.relative(e2e.backendDir, file));
      const failure = (run: Promise<unknown>) =>
        run.then(
          () => assert.fail("the operation must fail"),
          (error: unknown) => error as Error,
        );

      const preview = await failure(pipeline.preview());
      assert.ok(preview.message.includes(expected), preview.message);
      assert.deepEqual(holdingSecret(), [], "preview wrote the value nowhere");

      const up = await failure(pipeline.up());
      assert.ok(up.message.includes(expected), up.message);
      assert.deepEqual(e2e.emulator.requests(), [], "no call at all, not even for a token");
      assert.deepEqual(await stateResources(pipeline.stack), [], "nothing was created");
      // The engine writes the stack config into the update's history record before the program
      // runs: only `preview` can keep the value out of the backend entirely.
      assert.deepEqual(
        holdingSecret().map((file) => path.dirname(file)),
        [`.pulumi/history/aep-e2e/${pipeline.stack.name}`],
        "the state and its backups never hold the value",
      );

      await pipeline.stack.setConfig("aep:clientSecret", { value: CLIENT_SECRET, secret: true });
      const created = await pipeline.up();
      // The failed up had recorded the stack and the component, which hold no setting.
      assert.deepEqual(created.summary.resourceChanges, { create: 5, same: 2 });
      assert.equal(holdingSecret().length, 1, "only that history record, from before");
    });

    it("names aep:accessToken too", async () => {
      const pipeline = await PipelineStack.create(e2e);
      await pipeline.stack.setConfig("aep:accessToken", { value: "plain-token-8d1e" });
      const failure = await pipeline.preview().then(
        () => assert.fail("preview must fail"),
        (error: unknown) => error as Error,
      );
      assert.match(
        failure.message,
        /`aep:accessToken` is set in plain text in the stack config.*`pulumi config set --secret aep:accessToken <value>`/,
      );
      assert.deepEqual(e2e.emulator.requests(), []);
    });
  });
});
