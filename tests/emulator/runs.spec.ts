/**
 * Flow runs as "Monitor dataflows" documents them
 * (https://experienceleague.adobe.com/en/docs/experience-platform/dataflows/api/monitor): the run
 * object and its activities, records derived from what the source holds, durations on the
 * emulator clock, the admin control that makes a run fail or partially succeed with Adobe's
 * codes, and the `/runs` filters, sorting and paging of "Sorting and filtering responses"
 * (https://experienceleague.adobe.com/en/docs/experience-platform/dataflows/api/sort-and-filter).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startEmulator, type EmulatorHandle } from "../../provider/emulator";
import { sourceRecords } from "../../provider/emulator/explore";
import { connectionSpecIds } from "../../provider/resources/specCatalog";
import {
  Api,
  call,
  CAMPAIGN_SOURCE_PARAMS,
  everyFifteenMinutes,
  MINUTE,
  startOfMinute,
  UUID_PATTERN,
  type Pipeline,
} from "./helpers";

/** Emulated durations (runs.ts): copy 8 s + 150 ms a record, 200 ms hand-over, promotion 5 s + 100 ms a record. */
const copyMs = (records: number) => 8_000 + 150 * records;
const runMs = (records: number) => copyMs(records) + 200 + 5_000 + 100 * records;

describe("emulator runs", () => {
  let emulator: EmulatorHandle;
  let api: Api;
  let pipeline: Pipeline;
  /** The flow's first slot, ms: ten minutes ahead, so the test arms outcomes before it. */
  let firstSlot: number;
  /** The records the campaign source holds for slot `n` of the flow. */
  const windowRows = (n: number) =>
    sourceRecords(connectionSpecIds.mailchimpCampaign, { campaignId: "c66a200cda" }, n);

  before(async () => {
    emulator = await startEmulator({ port: 0 });
  });
  beforeEach(async () => {
    emulator.reset();
    api = await Api.connect(emulator);
    const start = startOfMinute(emulator) + 600;
    firstSlot = start * 1000;
    pipeline = await api.createPipeline(everyFifteenMinutes(start));
  });
  after(() => emulator.close());

  /** Moves the clock to `at` (ms epoch). */
  const advanceTo = (at: number) => emulator.advanceClock(Math.max(0, at - emulator.now()));
  const runs = async (query = "") =>
    (await api.get(`/runs?property=flowId==${pipeline.flowId}${query}`)).body.items;
  const admin = (flowId: string, body: unknown) =>
    call(emulator.url, "POST", `/__emulator/flows/${flowId}/nextRun`, { json: body });

  describe("a run's life", () => {
    it("copies, then promotes, then succeeds, with the records the source holds for the slot", async () => {
      const rows = windowRows(0);
      const inputBytes = Buffer.byteLength(JSON.stringify(rows));
      const copyEnd = firstSlot + copyMs(rows.length);
      const end = firstSlot + runMs(rows.length);

      assert.deepEqual(await runs(), []);
      advanceTo(firstSlot + 1000);
      const [copying] = await runs();
      assert.match(copying.id, UUID_PATTERN);
      assert.equal(copying.createdAt, firstSlot);
      assert.deepEqual(copying.metrics, {
        durationSummary: { startedAtUTC: firstSlot },
        statusSummary: { status: "inProgress", errors: [] },
      });
      assert.deepEqual(
        copying.activities.map((a: Record<string, unknown>) => [a.name, a.statusSummary]),
        [["Copy Activity", { status: "inProgress" }]],
      );
      assert.deepEqual(copying.activities[0].sourceInfo[0].id, pipeline.sourceId);

      advanceTo(copyEnd + 500);
      const [promoting] = await runs();
      assert.equal(promoting.metrics.statusSummary.status, "inProgress");
      assert.notEqual(promoting.etag, copying.etag);
      const [copy, promotion] = promoting.activities;
      assert.deepEqual(copy.durationSummary, { startedAtUTC: firstSlot, completedAtUTC: copyEnd });
      assert.deepEqual(copy.recordSummary, {
        inputRecordCount: rows.length,
        outputRecordCount: rows.length,
      });
      assert.deepEqual(copy.statusSummary, { status: "success", extensions: { type: "one-time" } });
      assert.deepEqual(promotion.statusSummary, { status: "inProgress" });

      advanceTo(end);
      const [done] = await runs();
      assert.equal(done.id, copying.id);
      assert.equal(done.updatedAt, end);
      assert.deepEqual(done.metrics.durationSummary, {
        startedAtUTC: firstSlot,
        completedAtUTC: end,
      });
      assert.deepEqual(done.metrics.recordSummary, {
        inputRecordCount: rows.length,
        outputRecordCount: rows.length,
        failedRecordCount: 0,
      });
      assert.deepEqual(done.metrics.sizeSummary, {
        inputBytes,
        outputBytes: Math.round(inputBytes * 0.7),
      });
      assert.deepEqual(done.metrics.statusSummary, {
        status: "success",
        errors: [],
        activityRefs: [done.activities[1].id],
      });
      assert.deepEqual(done.activities[1].targetInfo, [
        {
          id: pipeline.targetId,
          type: "TargetConnection",
          reference: { type: "Batch", ids: [done.activities[1].targetInfo[0].reference.ids[0]] },
        },
      ]);
      assert.match(done.activities[1].targetInfo[0].reference.ids[0], /^[0-9A-HJKMNP-TV-Z]{26}$/);
      assert.deepEqual((await api.object("flows", pipeline.flowId)).lastRunDetails, {
        id: done.id,
        state: "success",
        startedAtUTC: firstSlot,
        completedAtUTC: end,
      });
      // The handle shows runs as the API does at this moment.
      assert.deepEqual(emulator.objects("runs"), [done]);
    });

    it("reads what explore previews: the first run's window starts with the preview rows", async () => {
      const preview = await api.get(
        `/connections/${pipeline.baseId}/explore?objectType=rest&object=json&preview=true&sourceParams=${CAMPAIGN_SOURCE_PARAMS}`,
      );
      assert.deepEqual(preview.body.data, windowRows(0).slice(0, 3));
      // Each window holds 20 to 100 rows, and the windows differ.
      const counts = [0, 1, 2, 3].map((n) => windowRows(n).length);
      assert.ok(
        counts.every((count) => count >= 20 && count <= 100),
        String(counts),
      );
      assert.notDeepEqual(windowRows(1), windowRows(0));
      advanceTo(firstSlot + 3 * 15 * MINUTE + runMs(100));
      const byStart = (await runs("&orderby=createdAt")).map(
        (run: Record<string, any>) => run.metrics.recordSummary.inputRecordCount,
      );
      assert.deepEqual(byStart, counts);
    });

    it("runs a flow whose start has passed when it is created, not at the slot in the past", async () => {
      const start = startOfMinute(emulator) - 300;
      const late = await api.createPipeline(everyFifteenMinutes(start));
      const created = Number((await api.object("flows", late.flowId)).createdAt);
      const [run] = (await api.get(`/runs?property=flowId==${late.flowId}`)).body.items;
      assert.equal(run.metrics.durationSummary.startedAtUTC, created);
    });

    it("fails the copy when the source connection is gone (CONNECTOR-1001-500)", async () => {
      emulator.deleteOutOfBand("sourceConnections", pipeline.sourceId);
      advanceTo(firstSlot + MINUTE);
      const [run] = await runs();
      assert.deepEqual(run.metrics, {
        durationSummary: { startedAtUTC: firstSlot },
        sizeSummary: { inputBytes: -1 },
        fileSummary: { inputFileCount: -1 },
        statusSummary: {
          status: "failed",
          errors: [
            { code: "CONNECTOR-1001-500", message: "Error in copying data from the source." },
          ],
          activityRefs: [run.activities[0].id],
        },
      });
      assert.equal(run.activities.length, 1);
      assert.equal(run.updatedAt, firstSlot + copyMs(0));
    });
  });

  describe("the next-run control", () => {
    it("fails the next run in promotion with CONNECTOR-2001-500, then runs normally again", async () => {
      emulator.nextRun(pipeline.flowId, { outcome: "failed" });
      const records = windowRows(0).length;
      advanceTo(firstSlot + runMs(records));
      const [failed] = await runs();
      // Adobe's failed-run sample: no run-level end, the activities say when they ended.
      assert.deepEqual(failed.metrics.durationSummary, { startedAtUTC: firstSlot });
      assert.deepEqual(failed.metrics.recordSummary, {
        inputRecordCount: records,
        outputRecordCount: 0,
        failedRecordCount: records,
      });
      assert.deepEqual(failed.metrics.statusSummary.errors, [
        {
          code: "CONNECTOR-2001-500",
          message: "Error in processing (parsing, validation or transformation) the copied data.",
        },
      ]);
      assert.equal(failed.metrics.statusSummary.status, "failed");
      assert.deepEqual(failed.activities[1].statusSummary.extensions, {
        errors: [
          { code: "MAPPER-3700-400", recordCount: records, message: "Mapper Transform Error" },
        ],
      });
      assert.deepEqual((await api.object("flows", pipeline.flowId)).lastRunDetails, {
        id: failed.id,
        state: "failed",
        startedAtUTC: firstSlot,
        completedAtUTC: firstSlot + runMs(records),
      });
      advanceTo(firstSlot + 15 * MINUTE + runMs(100));
      const [next] = await runs();
      assert.equal(next.metrics.statusSummary.status, "success");
    });

    it("fails the copy stage with CONNECTOR-1001-500 and the errors given", async () => {
      const errors = [
        { code: "CONNECTOR-1001-500", message: "Mailchimp answered 401 Unauthorized." },
      ];
      emulator.nextRun(pipeline.flowId, { outcome: "failed", stage: "copy", errors });
      advanceTo(firstSlot + MINUTE);
      const [run] = await runs();
      assert.equal(run.metrics.statusSummary.status, "failed");
      assert.equal(run.metrics.statusSummary.errors[0].code, "CONNECTOR-1001-500");
      assert.deepEqual(run.activities[0].statusSummary.extensions, { errors });
    });

    it("partially succeeds: success with failed records and Adobe's row-error codes", async () => {
      emulator.nextRun(pipeline.flowId, { outcome: "partialSuccess", failedRecords: 3 });
      const records = windowRows(0).length;
      advanceTo(firstSlot + runMs(records));
      const [run] = await runs();
      assert.equal(run.metrics.statusSummary.status, "success");
      assert.deepEqual(run.metrics.recordSummary, {
        inputRecordCount: records,
        outputRecordCount: records - 3,
        failedRecordCount: 3,
      });
      assert.deepEqual(run.metrics.statusSummary.errors, [
        { code: "CONNECTOR-2001-500", message: "Error occurred at promotion activity." },
      ]);
      assert.deepEqual(run.activities[1].statusSummary.extensions.errors, [
        {
          code: "INGEST-1212-400",
          message: `Encountered 3 errors in the data. Successfully ingested ${records - 3} rows. Review the associated diagnostic files for additional details.`,
        },
        { code: "MAPPER-3700-400", recordCount: 3, message: "Mapper Transform Error" },
      ]);
    });

    it("is an admin API: count, 201 with what was armed, 404 and 400 in the admin format", async () => {
      const armed = await admin(pipeline.flowId, { outcome: "failed", count: 2 });
      assert.equal(armed.status, 201, armed.text);
      assert.deepEqual(armed.body, { flowId: pipeline.flowId, outcome: "failed", count: 2 });
      advanceTo(firstSlot + 2 * 15 * MINUTE + runMs(100));
      const statuses = (await runs("&orderby=createdAt")).map(
        (run: Record<string, any>) => run.metrics.statusSummary.status,
      );
      assert.deepEqual(statuses, ["failed", "failed", "success"]);

      const unknown = await admin("55555555-5555-5555-5555-555555555555", { outcome: "failed" });
      assert.equal(unknown.status, 404);
      assert.deepEqual(unknown.body, {
        error: "No flows object with id 55555555-5555-5555-5555-555555555555.",
      });
      const cases: Array<[unknown, string]> = [
        [{ outcome: "broken" }, "'outcome' must be one of success, failed, partialSuccess."],
        [
          { outcome: "success", stage: "copy" },
          "'stage' applies to outcome failed and must be copy or promotion.",
        ],
        [
          { outcome: "failed", failedRecords: 2 },
          "'failedRecords' applies to outcome partialSuccess and must be a positive integer.",
        ],
        [
          { outcome: "failed", errors: [{ code: 1 }] },
          "'errors' must be a non-empty array of {code, message} strings.",
        ],
        [{ outcome: "failed", count: 0 }, "'count' must be a positive integer."],
      ];
      for (const [body, message] of cases) {
        const reply = await admin(pipeline.flowId, body);
        assert.equal(reply.status, 400);
        assert.deepEqual(reply.body, { error: `Invalid next run: ${message}` });
      }
      assert.throws(
        () => emulator.nextRun("nope", { outcome: "failed" }),
        /^Error: nextRun: no flows object with id nope$/,
      );
    });

    it("is forgotten on reset", async () => {
      emulator.nextRun(pipeline.flowId, { outcome: "failed" });
      emulator.reset();
      api = await Api.connect(emulator);
      pipeline = await api.createPipeline(everyFifteenMinutes(firstSlot / 1000));
      advanceTo(firstSlot + runMs(100));
      assert.equal((await runs())[0].metrics.statusSummary.status, "success");
    });
  });

  describe("listing", () => {
    beforeEach(async () => {
      // Slots 0..3: the second fails; the fourth is still copying at the end.
      emulator.nextRun(pipeline.flowId, { outcome: "success" });
      advanceTo(firstSlot + runMs(100));
      emulator.nextRun(pipeline.flowId, { outcome: "failed" });
      advanceTo(firstSlot + 3 * 15 * MINUTE + 1000);
    });

    const statusesOf = (items: Array<Record<string, any>>) =>
      items.map((run) => run.metrics.statusSummary.status);

    it("filters on the status in any spelling Adobe's pages use", async () => {
      for (const spelling of ["failed", "Failed", "FAILED"]) {
        assert.deepEqual(
          statusesOf(await runs(`&property=metrics.statusSummary.status==${spelling}`)),
          ["failed"],
          spelling,
        );
      }
      assert.deepEqual(
        statusesOf(await runs("&property=metrics.statusSummary.status==IN_PROGRESS")),
        ["inProgress"],
      );
      assert.deepEqual(
        statusesOf(await runs("&property=metrics.statusSummary.status==success,inprogress")),
        ["inProgress", "success", "success"],
      );
      assert.deepEqual(statusesOf(await runs("&property=metrics.statusSummary.status!=Success")), [
        "inProgress",
        "failed",
      ]);
    });

    it("filters on a start window, sorts, pages with the filters kept, and counts", async () => {
      const window = await runs(
        `&property=metrics.durationSummary.startedAtUTC>${firstSlot}&property=metrics.durationSummary.startedAtUTC<${firstSlot + 45 * MINUTE}`,
      );
      assert.deepEqual(
        window.map((run: Record<string, any>) => run.createdAt),
        [firstSlot + 30 * MINUTE, firstSlot + 15 * MINUTE],
      );
      const oldest = await runs("&orderby=createdAt&limit=1");
      assert.equal(oldest[0].createdAt, firstSlot);

      const first = await api.get(
        `/runs?property=flowId==${pipeline.flowId}&property=metrics.statusSummary.status==Success&limit=1`,
      );
      assert.equal(first.body.items.length, 1);
      assert.match(first.body._links.next.href, /^\/runs\?continuationToken=/);
      const second = await api.get(first.body._links.next.href);
      assert.deepEqual(statusesOf([...first.body.items, ...second.body.items]), [
        "success",
        "success",
      ]);
      assert.deepEqual(second.body._links, {});
      const counted = await api.get(
        `/runs?property=flowId==${pipeline.flowId}&property=metrics.statusSummary.status==failed&count=true`,
      );
      assert.deepEqual(counted.body, { count: 1 });
    });
  });

  it("finishes, after a restart, the runs that were going when the emulator stopped", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "aep-runs-"));
    const stateFile = path.join(dir, "state.json");
    try {
      const first = await startEmulator({ port: 0, stateFile });
      const firstApi = await Api.connect(first);
      const start = startOfMinute(first) + 600;
      const flow = await firstApi.createPipeline(everyFifteenMinutes(start));
      first.advanceClock(start * 1000 + 1000 - first.now());
      await first.close();

      const second = await startEmulator({ port: 0, stateFile });
      try {
        const secondApi = await Api.connect(second);
        assert.equal("lastRunDetails" in (await secondApi.object("flows", flow.flowId)), false);
        second.advanceClock(runMs(100));
        const details = (await secondApi.object("flows", flow.flowId)).lastRunDetails as Record<
          string,
          unknown
        >;
        assert.equal(details.state, "success");
        assert.equal(details.startedAtUTC, start * 1000);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
