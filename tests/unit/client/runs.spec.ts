// Reading runs: status spellings and the summary of a run, over payloads shaped like the samples of
// "Monitor dataflows" (https://experienceleague.adobe.com/en/docs/experience-platform/dataflows/api/monitor).
import assert from "node:assert/strict";
import {
  describeRunErrors,
  runPhase,
  statusFilterValue,
  summarizeRun,
} from "../../../provider/client/runs";

/** A failed run as Adobe prints it: no run-level end, sizes unknown (-1), errors at two levels. */
const failedRun = {
  id: "d9024c32-2174-4271-824c-322174627101",
  flowId: "cf4fce79-8822-456d-8fce-798822556dc6",
  metrics: {
    durationSummary: { startedAtUTC: 1597434147190 },
    sizeSummary: { inputBytes: -1 },
    fileSummary: { inputFileCount: -1 },
    statusSummary: {
      status: "failed",
      errors: [
        {
          code: "CONNECTOR-2001-500",
          message: "Error in processing (parsing, validation or transformation) the copied data.",
        },
      ],
    },
  },
  activities: [
    {
      id: "promotionActivity",
      durationSummary: { startedAtUTC: 1597434147190, completedAtUTC: 1597434157212 },
      statusSummary: {
        status: "failed",
        errors: [
          {
            code: "CONNECTOR-2001-500",
            message: "Error in processing (parsing, validation or transformation) the copied data.",
          },
        ],
        extensions: {
          errors: [
            { code: "133", message: "We are unable to locate any files uploaded for this batch." },
          ],
        },
      },
    },
  ],
};

/** A successful run that still lost a record: Adobe reports it as success, with the errors. */
const successWithErrors = {
  id: "9830305a-985f-47d0-b030-5a985fd7d004",
  flowId: "c9cef9cb-c934-4467-8ef9-cbc934546741",
  metrics: {
    durationSummary: { startedAtUTC: 1596656058198, completedAtUTC: 1596656113306 },
    recordSummary: { inputRecordCount: 100, outputRecordCount: 99, failedRecordCount: 1 },
    statusSummary: {
      status: "success",
      errors: [{ code: "CONNECTOR-2001-500", message: "Error occurred at promotion activity." }],
    },
  },
};

describe("client: reading runs", () => {
  it("compares statuses without case or underscores; only terminal ones end a run", () => {
    const cases: Array<[string | undefined, string]> = [
      ["success", "succeeded"],
      ["Success", "succeeded"],
      ["COMPLETED", "succeeded"],
      ["failed", "failed"],
      ["Failed", "failed"],
      ["FAILURE", "failed"],
      ["partialSuccess", "partial"],
      ["PARTIAL_SUCCESS", "partial"],
      ["partial_failure", "partial"],
      ["inProgress", "running"],
      ["IN_PROGRESS", "running"],
      ["scheduled", "running"],
      ["queued", "running"],
      ["somethingNew", "running"],
      [undefined, "running"],
    ];
    for (const [status, phase] of cases) assert.equal(runPhase(status), phase, String(status));
  });

  it("writes filter values in the spelling run objects carry", () => {
    assert.equal(statusFilterValue("Failed"), "failed");
    assert.equal(statusFilterValue("IN_PROGRESS"), "inProgress");
    assert.equal(statusFilterValue("partialsuccess"), "partialSuccess");
    assert.equal(statusFilterValue("queued"), "queued");
  });

  it("summarizes a failed run: end from its activity, unknown counts, errors of both levels once", () => {
    assert.deepEqual(summarizeRun(failedRun), {
      id: failedRun.id,
      flowId: failedRun.flowId,
      status: "failed",
      phase: "failed",
      startedAt: 1597434147190,
      completedAt: 1597434157212,
      recordsRead: undefined,
      recordsWritten: undefined,
      recordsFailed: undefined,
      errors: [
        {
          code: "CONNECTOR-2001-500",
          message: "Error in processing (parsing, validation or transformation) the copied data.",
        },
        { code: "133", message: "We are unable to locate any files uploaded for this batch." },
      ],
    });
  });

  it("summarizes a success that lost records, and a run still going (no end)", () => {
    const summary = summarizeRun(successWithErrors);
    assert.deepEqual(
      [
        summary.phase,
        summary.completedAt,
        summary.recordsRead,
        summary.recordsWritten,
        summary.recordsFailed,
      ],
      ["succeeded", 1596656113306, 100, 99, 1],
    );
    assert.equal(
      describeRunErrors(summary.errors),
      "CONNECTOR-2001-500: Error occurred at promotion activity",
    );
    const running = summarizeRun({
      id: "r",
      metrics: { durationSummary: { startedAtUTC: 5 }, statusSummary: { status: "inProgress" } },
      activities: [{ durationSummary: { startedAtUTC: 5, completedAtUTC: 9 } }],
    });
    assert.deepEqual(
      [running.phase, running.completedAt, running.errors],
      ["running", undefined, []],
    );
  });

  it("describes at most three errors and counts the rest", () => {
    const errors = ["A", "B", "C", "D", "E"].map((code) => ({ code, message: code.toLowerCase() }));
    assert.equal(describeRunErrors(errors), "A: a; B: b; C: c (and 2 more)");
  });
});
