/**
 * End to end, under the real engine: what a team meets once a stack lives in CI (issue 8).
 * Members the program does not declare stay the UI's; objects remember the sandbox they live in;
 * rotated credentials and credentials kept in plain-text config get a message with the fix.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { startEmulator } from "../../provider/emulator";
import type { Collection, EmulatorHandle } from "../../provider/emulator/types";
import {
  apiHeaders,
  CLIENT_ID,
  CLIENT_SECRET,
  describeRequest,
  useE2E,
  ORG_ID,
  PIPELINE_COLLECTIONS,
  PipelineStack,
  SANDBOX,
  stateResources,
} from "./harness";

describe("e2e: trust (issue 8)", function () {
  this.timeout(300_000);
  const e2e = useE2E();

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

  describe("each object remembers where it lives", () => {
    it("moving a stack to another sandbox and back replaces every object; refresh in between drops nothing", async () => {
      const holdings = (sandboxName: string) => holdingsIn(e2e.emulator.url, sandboxName);
      const sandboxesCalled = () => [
        ...new Set(
          e2e.emulator
            .requests()
            // Flow Service and Catalog: the test program's own schema lookup goes to the
            // configured sandbox (harness.ts, pipelineProgram).
            .filter((r) => /^\/data\/foundation\/(flowservice|catalog)\//.test(r.path))
            .map((r) => r.headers["x-sandbox-name"]),
        ),
      ];
      const pipeline = await PipelineStack.create(e2e);
      await pipeline.up();
      const first = await holdings(SANDBOX);
      assert.deepEqual(
        Object.values(first).map((ids) => ids.length),
        [1, 1, 1, 1, 1],
      );
      assert.deepEqual(await holdings("dev"), EMPTY);
      const objects = async () =>
        (await stateResources(pipeline.stack))
          .map(({ urn, id, inputs, outputs }) => ({ urn, id, inputs, outputs }))
          .sort((a, b) => a.urn.localeCompare(b.urn));
      const recorded = await objects();

      await pipeline.stack.setConfig("aep:sandboxName", { value: "dev" });
      e2e.emulator.clearRequests();
      // With the settings recorded at the last up, then with the program's (the new sandbox).
      const plain = await pipeline.refresh();
      assert.deepEqual(plain.summary.resourceChanges, { same: 7 });
      await pipeline.stack.refresh({ color: "never", runProgram: true });
      // (That one counts "5 updated": the engine rewrites its own dependency records.)
      assert.deepEqual(e2e.apiWrites(), [], "refresh writes nothing");
      assert.deepEqual(sandboxesCalled(), [SANDBOX], "every read went to the recorded sandbox");
      assert.deepEqual(await objects(), recorded, "ids, inputs and outputs are as they were");

      const preview = await pipeline.stack.preview({ color: "never" });
      assert.deepEqual(preview.changeSummary, { replace: 5, same: 2 });
      for (const child of ["dataset", "base", "source", "target", "flow"]) {
        assert.match(
          preview.stdout,
          new RegExp(` \\+- \\S+ mailchimp-${child} replace \\[diff: ~([a-zA-Z]+,)*sandboxName`),
          "the CLI names the reason",
        );
      }

      await moveTo("dev", first);
      await pipeline.stack.setConfig("aep:sandboxName", { value: SANDBOX });
      await moveTo(SANDBOX, await holdings("dev"));
      const after = await pipeline.preview();
      assert.deepEqual(after.changeSummary, { same: 7 });

      /** `up` after the config moved: every object is created in `to` and deleted where it was. */
      async function moveTo(to: string, previous: Holdings): Promise<void> {
        const from = to === SANDBOX ? "dev" : SANDBOX;
        e2e.emulator.clearRequests();
        const up = await pipeline.up();
        assert.deepEqual(up.summary.resourceChanges, { replace: 5, same: 2 });
        const moved = await holdings(to);
        assert.deepEqual(await holdings(from), EMPTY, `${from} is empty`);
        assert.deepEqual(
          Object.values(moved).map((ids) => ids.length),
          [1, 1, 1, 1, 1],
        );
        const writes = e2e.apiWrites();
        const sandbox = (method: string) => [
          ...new Set(
            writes.filter((w) => w.method === method).map((w) => w.headers["x-sandbox-name"]),
          ),
        ];
        assert.deepEqual(sandbox("POST"), [to]);
        assert.deepEqual(sandbox("DELETE"), [from], "the old objects are deleted where they were");
        const state = await stateResources(pipeline.stack);
        assert.deepEqual(
          state.map((r) => r.id).sort(),
          Object.values(moved).flat().sort(),
          "the state holds the new sandbox's ids",
        );
        assert.ok(
          state.every((r) => r.outputs?.sandboxName === to && r.outputs?.imsOrgId === ORG_ID),
        );
        for (const ids of Object.values(previous)) {
          for (const id of ids) assert.ok(!state.some((r) => r.id === id), `${id} left the state`);
        }
      }
    });
  });

  describe("a rotated client secret", () => {
    let folder: string;
    let emulator: EmulatorHandle | undefined;
    /** An emulator that accepts only `clientSecret`, keeping its objects in a file across restarts. */
    const accepting = async (clientSecret: string, port = 0) => {
      await emulator?.close();
      emulator = await startEmulator({
        port,
        stateFile: path.join(folder, "emulator.json"),
        clientId: CLIENT_ID,
        clientSecret,
      });
      return emulator;
    };
    beforeEach(() => {
      folder = mkdtempSync(path.join(tmpdir(), "aep-rotation-"));
    });
    afterEach(async () => {
      await emulator?.close();
      emulator = undefined;
      rmSync(folder, { recursive: true, force: true });
    });

    it("refresh and destroy name the recorded settings and the fix; --run-program works", async () => {
      const ROTATED = "e2e-client-secret-rotated-51d0";
      const first = await accepting(CLIENT_SECRET);
      const pipeline = await PipelineStack.create(e2e);
      await pipeline.stack.setAllConfig({
        "aep:platformUrl": { value: first.url },
        "aep:imsUrl": { value: first.url },
      });
      await pipeline.up();
      // The credential is rotated in the Developer Console, then in the stack config.
      const rotated = await accepting(ROTATED, first.port);
      await pipeline.stack.setConfig("aep:clientSecret", { value: ROTATED, secret: true });
      assert.equal(rotated.objects("flows").length, 1);

      const fix =
        "Unless the program ran, `pulumi refresh`, `pulumi destroy` and `pulumi up --refresh` use " +
        "the settings recorded in the state at the last `pulumi up`, not the current stack config: " +
        "after changing a credential, run `pulumi up` first, or pass `--run-program` (`pulumi " +
        "refresh --run-program`, `pulumi destroy --run-program`), which uses the current stack config.";
      for (const operation of [() => pipeline.refresh(), () => pipeline.destroy()]) {
        const failure = await operation().then(
          () => assert.fail("the operation must fail"),
          (error: unknown) => error as Error,
        );
        assert.match(failure.message, /IMS refused the OAuth Server-to-Server credential/);
        assert.ok(failure.message.includes(fix), failure.message);
      }
      assert.equal(rotated.objects("flows").length, 1, "nothing was deleted");

      const refreshed = await pipeline.stack.refresh({ color: "never", runProgram: true });
      assert.equal(refreshed.summary.result, "succeeded");
      await pipeline.stack.destroy({ color: "never", runProgram: true });
      for (const collection of PIPELINE_COLLECTIONS) {
        assert.deepEqual(rotated.objects(collection), [], `${collection} is empty`);
      }
      assert.deepEqual(await stateResources(pipeline.stack), []);

      // The other fix: a plain `up` records the new settings, and then every command uses them.
      await pipeline.up();
      assert.deepEqual((await pipeline.refresh()).summary.resourceChanges, { same: 7 });
      await pipeline.destroy();
      assert.deepEqual(rotated.objects("flows"), []);
    });
  });
});

type Holdings = Record<string, string[]>;
const EMPTY: Holdings = Object.fromEntries(PIPELINE_COLLECTIONS.map((c) => [c, []]));

/** Ids of the objects each pipeline collection holds in one sandbox, asked through the API. */
async function holdingsIn(baseUrl: string, sandboxName: string): Promise<Holdings> {
  const headers = await apiHeaders(baseUrl, sandboxName);
  const ids = async (collection: Collection): Promise<string[]> => {
    const catalog = collection === "dataSets";
    const url = catalog
      ? `${baseUrl}/data/foundation/catalog/dataSets`
      : `${baseUrl}/data/foundation/flowservice/${collection}`;
    const response = await fetch(url, { headers });
    assert.equal(response.status, 200, await response.clone().text());
    const body = (await response.json()) as Record<string, unknown>;
    // Catalog answers `{ "<id>": {...} }`, Flow Service `{ items: [{ id, ... }] }`.
    if (catalog) return Object.keys(body).sort();
    return (body.items as Array<{ id: string }>).map((item) => item.id).sort();
  };
  const entries = await Promise.all(
    PIPELINE_COLLECTIONS.map(async (c) => [c, await ids(c)] as const),
  );
  return Object.fromEntries(entries);
}
