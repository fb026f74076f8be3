// waitForFirstRun's polling and verdicts over a scripted client and a fake clock: what it asks
// Flow Service, how long it sleeps between polls, and the exact message of each outcome.
import assert from "node:assert/strict";
import type { AepClient, FlowServiceObject, RunsQuery } from "../../../provider/client";
import {
  nextRunTime,
  resolveFirstRunWait,
  waitForFirstRun,
  type Timing,
} from "../../../provider/resources/firstRun";
import { checkInputs } from "../../../provider/resources/validation";
import { Dataflow } from "../../../provider/resources/dataflow";

const FLOW_ID = "2edc08ac-4df5-4fe6-936f-81a19ce92f5c";
const T0 = Date.UTC(2026, 2, 2, 10, 0, 0);
const WATCH = `\`aep-flow runs ${FLOW_ID} --watch\``;

function run(status: string, records?: { read: number; written: number; failed: number }) {
  return {
    id: "run-1",
    etag: "",
    flowId: FLOW_ID,
    metrics: {
      durationSummary: { startedAtUTC: T0 },
      ...(records
        ? {
            recordSummary: {
              inputRecordCount: records.read,
              outputRecordCount: records.written,
              failedRecordCount: records.failed,
            },
          }
        : {}),
      statusSummary: {
        status,
        errors:
          /^fail/i.test(status) || (records?.failed ?? 0) > 0
            ? [{ code: "CONNECTOR-2001-500", message: "Error occurred at promotion activity." }]
            : [],
      },
    },
  } as FlowServiceObject;
}

/** A client answering listRuns with `answers` in turn (the last repeats), and a flow. */
function scripted(
  answers: Array<FlowServiceObject | undefined>,
  flow: Partial<FlowServiceObject> = {},
) {
  const queries: RunsQuery[] = [];
  let gets = 0;
  const client = {
    async listRuns(query: RunsQuery) {
      queries.push(query);
      const answer = answers[Math.min(queries.length - 1, answers.length - 1)];
      return answer === undefined ? [] : [answer];
    },
    async get() {
      gets += 1;
      return {
        id: FLOW_ID,
        etag: "",
        state: "enabled",
        scheduleParams: { startTime: String(T0 / 1000 - 60), frequency: "minute", interval: "15" },
        ...flow,
      };
    },
  } as unknown as AepClient;
  return { client, queries, gets: () => gets };
}

/** A clock that only moves when the wait sleeps; records each sleep. */
function fakeTiming(): Timing & { sleeps: number[] } {
  let now = T0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    async sleep(ms) {
      sleeps.push(ms);
      now += ms;
    },
  };
}

const wait = { timeoutSeconds: 60, maxFailedRecordsPercent: 0 };

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected the wait to fail");
}

describe("waitForFirstRun", () => {
  it("polls the oldest run after the boundary with backoff until it ends, whatever the spelling", async () => {
    for (const status of ["success", "Success", "COMPLETED"]) {
      const { client, queries } = scripted([
        undefined,
        run("scheduled"),
        run("IN_PROGRESS"),
        run("inProgress"),
        run(status),
      ]);
      const timing = fakeTiming();
      // Enabled: the next slot is 14 minutes away, within the hour allowed.
      const result = await waitForFirstRun(
        client,
        FLOW_ID,
        { ...wait, timeoutSeconds: 3600 },
        { event: "enabled", after: T0 - 900_000 },
        timing,
      );
      assert.equal(result.status, status);
      assert.deepEqual(timing.sleeps, [250, 500, 1000, 2000]);
      assert.deepEqual(queries[0], {
        flowId: FLOW_ID,
        startedAfter: T0 - 900_000,
        orderby: "createdAt",
        limit: 1,
      });
    }
  });

  it("caps the delay at 15 s and at the time left", async () => {
    const { client } = scripted([run("inProgress")]);
    const timing = fakeTiming();
    const message = await failure(
      waitForFirstRun(client, FLOW_ID, wait, { event: "created" }, timing),
    );
    assert.deepEqual(timing.sleeps, [250, 500, 1000, 2000, 4000, 8000, 15000, 15000, 14250]);
    assert.equal(
      message,
      `waitForFirstRun: dataflow ${FLOW_ID} was created, but its first run run-1 is still inProgress after 60 s. ` +
        `The dataflow exists and stays in the state; follow it with ${WATCH}, or raise waitForFirstRun.timeoutSeconds`,
    );
  });

  it("fails with the run's own errors when it failed (any spelling)", async () => {
    for (const status of ["failed", "Failed", "FAILURE"]) {
      const { client } = scripted([run(status)]);
      assert.equal(
        await failure(waitForFirstRun(client, FLOW_ID, wait, { event: "created" }, fakeTiming())),
        `the first run run-1 ${status}: CONNECTOR-2001-500: Error occurred at promotion activity. Details: ${WATCH}`,
      );
    }
  });

  it("fails when more records failed than allowed, and passes within the threshold", async () => {
    const lossy = run("success", { read: 100, written: 97, failed: 3 });
    assert.equal(
      await failure(
        waitForFirstRun(
          scripted([lossy]).client,
          FLOW_ID,
          wait,
          { event: "created" },
          fakeTiming(),
        ),
      ),
      "the first run run-1 ended success, but 3 of 100 records failed (3%, above waitForFirstRun.maxFailedRecordsPercent 0): " +
        `CONNECTOR-2001-500: Error occurred at promotion activity. Details: ${WATCH}`,
    );
    const partial = run("partialSuccess", { read: 100, written: 97, failed: 3 });
    const passed = await waitForFirstRun(
      scripted([partial]).client,
      FLOW_ID,
      { ...wait, maxFailedRecordsPercent: 5 },
      { event: "created" },
      fakeTiming(),
    );
    assert.equal(passed.recordsFailed, 3);
  });

  it("says so at once when the flow is disabled or its next run is after the timeout", async () => {
    const disabled = scripted([undefined], { state: "disabled" });
    assert.equal(
      await failure(
        waitForFirstRun(disabled.client, FLOW_ID, wait, { event: "created" }, fakeTiming()),
      ),
      `waitForFirstRun: dataflow ${FLOW_ID} is disabled, so no run will start: enable it, or remove waitForFirstRun`,
    );
    const later = scripted([undefined], {
      scheduleParams: { startTime: String(T0 / 1000 + 3600), frequency: "hour", interval: "1" },
    });
    const timing = fakeTiming();
    assert.equal(
      await failure(waitForFirstRun(later.client, FLOW_ID, wait, { event: "created" }, timing)),
      `waitForFirstRun: dataflow ${FLOW_ID} was created, but its next run is scheduled for ${new Date(T0 + 3_600_000).toISOString()}, ` +
        `later than the 60 s timeout allows; nothing to wait for. The dataflow exists; look at it with ${WATCH} once it runs, or remove waitForFirstRun`,
    );
    assert.deepEqual(timing.sleeps, []);
    const once = scripted([undefined], {
      scheduleParams: { startTime: String(T0 / 1000 - 60), frequency: "once" },
    });
    assert.match(
      await failure(
        waitForFirstRun(once.client, FLOW_ID, wait, { event: "enabled" }, fakeTiming()),
      ),
      /its schedule \(frequency once, start passed\) has no run left; nothing to wait for/,
    );
  });

  it("finds the next slot of an enabled flow, and runs a created one whose start passed now", () => {
    const schedule = { startTime: String(T0 / 1000 - 600), frequency: "minute", interval: "15" };
    assert.equal(nextRunTime(schedule, T0, "enabled"), T0 + 300_000);
    assert.equal(nextRunTime(schedule, T0, "created"), T0);
    assert.equal(
      nextRunTime({ ...schedule, startTime: String(T0 / 1000 + 5) }, T0, "enabled"),
      T0 + 5000,
    );
  });

  it("reads true as the defaults and an object member by member", () => {
    assert.deepEqual(resolveFirstRunWait(true), {
      timeoutSeconds: 1800,
      maxFailedRecordsPercent: 0,
    });
    assert.deepEqual(resolveFirstRunWait({ timeoutSeconds: 120 }), {
      timeoutSeconds: 120,
      maxFailedRecordsPercent: 0,
    });
    assert.equal(resolveFirstRunWait(false), undefined);
    assert.equal(resolveFirstRunWait(undefined), undefined);
  });

  it("is refused at preview on a disabled dataflow, and with bad values", async () => {
    const inputs = {
      name: "flow",
      flowSpec: { id: "6499120c-0b15-42dc-936e-847ea3c24d72" },
      sourceConnectionIds: ["s"],
      targetConnectionIds: ["t"],
      scheduleParams: { startTime: 1798761600, frequency: "minute", interval: 15 },
    };
    const schema = Dataflow.definition.schema;
    const refused = await checkInputs("Dataflow", schema, {
      ...inputs,
      enabled: false,
      waitForFirstRun: true,
    });
    assert.deepEqual(refused.failures, [
      {
        property: "waitForFirstRun",
        reason:
          "Dataflow waitForFirstRun a disabled dataflow (enabled: false) has no run to wait for: remove waitForFirstRun, or enable the dataflow",
      },
    ]);
    const bad = await checkInputs("Dataflow", schema, {
      ...inputs,
      waitForFirstRun: { timeoutSeconds: 0, maxFailedRecordsPercent: 150 },
    });
    assert.deepEqual(
      bad.failures?.map((f) => f.property),
      ["waitForFirstRun.timeoutSeconds", "waitForFirstRun.maxFailedRecordsPercent"],
    );
    const fine = await checkInputs("Dataflow", schema, {
      ...inputs,
      waitForFirstRun: { timeoutSeconds: 120 },
    });
    assert.deepEqual(fine.failures ?? [], []);
  });
});
