// The provider methods against the real emulator while it misbehaves: lost answers, throttling,
// outages. What matters is the end state: no leaked or duplicated object, nothing overwritten,
// and an error that says what happened when the provider cannot finish.
import assert from "node:assert/strict";
import { configureClient, resetClientForTests } from "../../provider/client";
import { startEmulator, type EmulatorHandle } from "../../provider/emulator";
import { base, dataflow, dataset, source, target } from "../../provider/runtime";
import {
  baseConnectionInputs,
  dataflowInputs,
  datasetInputs,
  sourceConnectionInputs,
  targetConnectionInputs,
} from "../fixtures/inputs";
import { Api } from "../emulator/helpers";

const FLOW = "/data/foundation/flowservice";
const ORG = "FAULTS00000000000000000@AdobeOrg";

describe("provider methods against a faulty emulator", () => {
  let emulator: EmulatorHandle;

  before(async () => {
    emulator = await startEmulator({ port: 0 });
  });
  after(async () => {
    resetClientForTests();
    await emulator.close();
  });
  beforeEach(() => {
    emulator.reset();
    resetClientForTests({ retry: { baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 5 } });
    configureClient(
      new Map([
        ["aep:platformUrl", emulator.url],
        ["aep:imsUrl", emulator.url],
        ["aep:clientId", "faults"],
        ["aep:clientSecret", "faults-secret"],
        ["aep:orgId", ORG],
      ]),
    );
  });

  const writes = (path: string) =>
    emulator.requests().filter((r) => r.method !== "GET" && r.path.startsWith(`${FLOW}${path}`));

  it("adopts the connection a create made when its answer was lost, instead of leaking it", async () => {
    emulator.inject({ method: "POST", path: `${FLOW}/connections`, drop: "after" });
    const created = await base.create(baseConnectionInputs());
    const stored = emulator.objects("connections");
    assert.equal(stored.length, 1, "exactly one base connection exists");
    assert.equal(created.id, stored[0]?.id);
    assert.equal(writes("/connections").length, 1, "the create was not sent twice");
  });

  it("retries a create that was throttled before it was processed", async () => {
    emulator.inject({
      method: "POST",
      path: `${FLOW}/connections`,
      status: 429,
      retryAfter: "0",
      count: 2,
    });
    const created = await base.create(baseConnectionInputs());
    assert.deepEqual(
      emulator.objects("connections").map((o) => o.id),
      [created.id],
    );
    assert.deepEqual(
      writes("/connections").map((r) => r.status),
      [429, 429, 201],
    );
  });

  it("fails a create that hit a server error without creating anything, and says so", async () => {
    emulator.inject({ method: "POST", path: `${FLOW}/connections`, status: 503 });
    await assert.rejects(base.create(baseConnectionInputs()), (error: Error) => {
      assert.match(
        error.message,
        /^Creating BaseConnection "Mailchimp base connection" failed: .*\(503 /,
      );
      return true;
    });
    assert.equal(emulator.objects("connections").length, 0);
  });

  it("finishes an update whose answer was lost: the retried PATCH meets 412 and sees its own change", async () => {
    const created = await base.create(baseConnectionInputs());
    emulator.inject({ method: "PATCH", path: `${FLOW}/connections/${created.id}`, drop: "after" });
    const news = { ...baseConnectionInputs(), name: "Renamed" };
    const updated = await base.update(created.id, created.outs, news);
    assert.equal(updated.outs?.name, "Renamed");
    assert.equal(emulator.objects("connections")[0]?.name, "Renamed");
    assert.deepEqual(
      writes(`/connections/${created.id}`).map((r) => r.status),
      [0, 412],
      "the first PATCH was applied with its answer dropped; the retry was refused as stale",
    );
    assert.equal(updated.outs?.etag, emulator.objects("connections")[0]?.etag);
  });

  it("refuses to overwrite an out-of-band edit, and leaves it in place", async () => {
    const created = await base.create(baseConnectionInputs());
    emulator.editOutOfBand("connections", created.id, { description: "edited in the UI" });
    await assert.rejects(
      base.update(created.id, created.outs, { ...baseConnectionInputs(), name: "Renamed" }),
      {
        message: new RegExp(
          `was changed outside Pulumi \\(description differs from the last known state\\)`,
        ),
      },
    );
    const stored = emulator.objects("connections")[0];
    assert.equal(stored?.name, "Mailchimp base connection");
    assert.equal(stored?.description, "edited in the UI");
  });

  it("keeps a dataflow's id when disabling it right after create fails", async () => {
    const flowInputs = { ...dataflowInputs(), ...(await connectionsForAFlow()), enabled: false };
    emulator.inject({
      method: "POST",
      path: "^/data/foundation/flowservice/flows/[^/]+/action",
      status: 500,
      count: 10,
    });
    let failure: (Error & { id?: string }) | undefined;
    await dataflow.create(flowInputs).catch((error: Error) => (failure = error));
    const flows = emulator.objects("flows");
    assert.equal(flows.length, 1);
    assert.equal(
      failure?.id,
      flows[0]?.id,
      "the engine gets the id, so the flow stays in the state",
    );
    assert.match(
      failure?.message ?? "",
      /^Finishing the creation of Dataflow "Mailchimp campaign dataflow" \(/,
    );
  });

  /** A real source and target connection (and what they need) for a flow to point at. */
  async function connectionsForAFlow() {
    const baseConnection = await base.create(baseConnectionInputs());
    // Catalog needs the dataset's schema to exist in the sandbox's Schema Registry.
    const registry = await Api.connect(emulator, ORG);
    const schemaId = await registry.tutorialSchemaId();
    const data = await dataset.create({
      ...datasetInputs(),
      schemaRef: { ...datasetInputs().schemaRef, id: schemaId },
    });
    const src = await source.create({
      ...sourceConnectionInputs(),
      baseConnectionId: baseConnection.id,
    });
    const tgt = await target.create({
      ...targetConnectionInputs(),
      params: { dataSetId: data.id },
    });
    return { sourceConnectionIds: [src.id], targetConnectionIds: [tgt.id] };
  }
});
