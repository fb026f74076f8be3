/** Flow schedules (the RestStorageToAEP scheduleSpec rules) and the runs they produce on the emulator clock. */
import assert from "node:assert/strict";
import { startEmulator, type EmulatorHandle } from "../../provider/emulator";
import {
  Api,
  assertNotFound,
  assertProblem,
  DAY,
  everyFifteenMinutes,
  flowBody,
  HOUR,
  MINUTE,
  startOfMinute,
  type Pipeline,
} from "./helpers";

describe("emulator schedules and runs", () => {
  let emulator: EmulatorHandle;
  let api: Api;
  let pipeline: Pipeline;

  before(async () => {
    emulator = await startEmulator({ port: 0 });
  });
  beforeEach(async () => {
    emulator.reset();
    // A fresh token each time: some tests move the clock past its expiry.
    api = await Api.connect(emulator);
    // A flow starting tomorrow, so it produces no run of its own during the test.
    pipeline = await api.createPipeline(everyFifteenMinutes(startOfMinute(emulator) + DAY / 1000));
  });
  after(() => emulator.close());

  const createFlow = (scheduleParams: Record<string, unknown>) =>
    api.post("/flows", flowBody(pipeline.sourceId, pipeline.targetId, scheduleParams));
  /** Moves the clock, then takes a fresh token (tokens expire on the emulator clock after a day). */
  const advance = async (ms: number): Promise<void> => {
    emulator.advanceClock(ms);
    api = await Api.connect(emulator);
  };
  const runsOf = async (flowId: string) =>
    (await api.get(`/runs?property=flowId==${flowId}&limit=1000`)).body.items;

  describe("validation", () => {
    it("echoes numbers and numeric strings back as strings", async () => {
      const start = startOfMinute(emulator);
      const cases: Array<[Record<string, unknown>, Record<string, string>]> = [
        [
          { startTime: start, frequency: "hour", interval: 2, backfill: false },
          { startTime: String(start), frequency: "hour", interval: "2", backfill: "false" },
        ],
        [
          { startTime: String(start), frequency: "day", interval: "1", backfill: "true" },
          { startTime: String(start), frequency: "day", interval: "1", backfill: "true" },
        ],
        [
          { startTime: String(start), frequency: "once" },
          { startTime: String(start), frequency: "once" },
        ],
        [
          { startTime: start, frequency: "week", interval: 1 },
          { startTime: String(start), frequency: "week", interval: "1" },
        ],
      ];
      for (const [sent, echoed] of cases) {
        const reply = await createFlow(sent);
        assert.equal(reply.status, 201, reply.text);
        assert.deepEqual((await api.object("flows", reply.body.id)).scheduleParams, echoed);
      }
    });

    it("requires scheduleParams, startTime and frequency", async () => {
      const noSchedule = await api.post("/flows", {
        ...flowBody(pipeline.sourceId, pipeline.targetId, {}),
        scheduleParams: undefined,
      });
      assertProblem(
        noSchedule,
        400,
        "1100",
        "Required field 'scheduleParams' is missing: flow spec RestStorageToAEP runs on a schedule.",
      );
      assertProblem(
        await createFlow({ frequency: "hour", interval: 1 }),
        400,
        "1100",
        "'scheduleParams.startTime' is required.",
      );
      assertProblem(
        await createFlow({ startTime: 1 }),
        400,
        "1100",
        "'scheduleParams.frequency' is required.",
      );
    });

    it("allows only once, minute, hour, day and week", async () => {
      assertProblem(
        await createFlow({ startTime: 1, frequency: "month", interval: 1 }),
        400,
        "1100",
        `'scheduleParams.frequency' must be one of once, minute, hour, day, week (got "month").`,
      );
    });

    it("forbids interval and backfill with once", async () => {
      assertProblem(
        await createFlow({ startTime: 1, frequency: "once", interval: "15" }),
        400,
        "1100",
        "'scheduleParams.interval' is not allowed when frequency is 'once'.",
      );
      assertProblem(
        await createFlow({ startTime: 1, frequency: "once", backfill: true }),
        400,
        "1100",
        "'scheduleParams.backfill' is not allowed when frequency is 'once'.",
      );
    });

    it("needs an interval of at least 15 for minute and at least 1 otherwise", async () => {
      assertProblem(
        await createFlow({ startTime: 1, frequency: "minute" }),
        400,
        "1100",
        "'scheduleParams.interval' is required.",
      );
      assertProblem(
        await createFlow({ startTime: 1, frequency: "minute", interval: 14 }),
        400,
        "1100",
        "'scheduleParams.interval' must be at least 15 for frequency 'minute'.",
      );
      assertProblem(
        await createFlow({ startTime: 1, frequency: "hour", interval: 0 }),
        400,
        "1100",
        "'scheduleParams.interval' must be at least 1 for frequency 'hour'.",
      );
      assert.equal(
        (await createFlow({ startTime: 1, frequency: "minute", interval: 15 })).status,
        201,
      );
      assert.equal(
        (await createFlow({ startTime: 1, frequency: "week", interval: 1 })).status,
        201,
      );
    });

    it("refuses non-integer values", async () => {
      for (const [schedule, member] of [
        [{ startTime: "soon", frequency: "hour", interval: 1 }, "startTime"],
        [{ startTime: 1.5, frequency: "hour", interval: 1 }, "startTime"],
        [{ startTime: 1, frequency: "hour", interval: "1.5" }, "interval"],
      ] as const) {
        assertProblem(
          await createFlow(schedule),
          400,
          "1100",
          `'scheduleParams.${member}' must be an integer (a number or a numeric string).`,
        );
      }
      assertProblem(
        await createFlow({ startTime: 1, frequency: "hour", interval: 1, backfill: "yes" }),
        400,
        "1100",
        `'scheduleParams.backfill' must be a boolean (true/false or "true"/"false").`,
      );
    });

    it("re-validates a patched schedule", async () => {
      const reply = await api.patch(
        `/flows/${pipeline.flowId}`,
        [{ op: "replace", path: "/scheduleParams/interval", value: 5 }],
        pipeline.flowEtag,
      );
      assertProblem(
        reply,
        400,
        "1100",
        "'scheduleParams.interval' must be at least 15 for frequency 'minute'.",
      );
      const once = await api.patch(
        `/flows/${pipeline.flowId}`,
        [{ op: "replace", path: "/scheduleParams/frequency", value: "once" }],
        pipeline.flowEtag,
      );
      assertProblem(
        once,
        400,
        "1100",
        "'scheduleParams.interval' is not allowed when frequency is 'once'.",
      );
      const both = await api.patch(
        `/flows/${pipeline.flowId}`,
        [
          { op: "replace", path: "/scheduleParams/frequency", value: "once" },
          { op: "remove", path: "/scheduleParams/interval" },
        ],
        pipeline.flowEtag,
      );
      assert.equal(both.status, 200);
      const whole = await api.patch(
        `/flows/${pipeline.flowId}`,
        [
          {
            op: "replace",
            path: "/scheduleParams",
            value: { startTime: 1999999999, frequency: "day", interval: 3 },
          },
        ],
        both.body.etag,
      );
      assert.equal(whole.status, 200);
      assert.deepEqual((await api.object("flows", pipeline.flowId)).scheduleParams, {
        startTime: "1999999999",
        frequency: "day",
        interval: "3",
      });
    });

    it("lets startTime change only until the original start has passed", async () => {
      const future = startOfMinute(emulator) + (2 * DAY) / 1000;
      const moved = await api.patch(
        `/flows/${pipeline.flowId}`,
        [{ op: "replace", path: "/scheduleParams/startTime", value: future }],
        pipeline.flowEtag,
      );
      assert.equal(moved.status, 200, moved.text);
      await advance(3 * DAY);
      const late = await api.patch(
        `/flows/${pipeline.flowId}`,
        [{ op: "replace", path: "/scheduleParams/startTime", value: future + 60 }],
        String((await api.object("flows", pipeline.flowId)).etag),
      );
      assertProblem(
        late,
        400,
        "1100",
        `'scheduleParams.startTime' cannot be changed: the flow's original start time (${future}) has already passed.`,
      );
      const sameStart = await api.patch(
        `/flows/${pipeline.flowId}`,
        [{ op: "replace", path: "/scheduleParams/interval", value: 30 }],
        String((await api.object("flows", pipeline.flowId)).etag),
      );
      assert.equal(sameStart.status, 200);
    });
  });

  describe("runs", () => {
    it("produces no run before the start time, then one per slot", async () => {
      await advance(DAY - MINUTE * 5);
      assert.deepEqual(await runsOf(pipeline.flowId), []);
      await advance(MINUTE * 5 + HOUR);
      const runs = await runsOf(pipeline.flowId);
      assert.equal(runs.length, 5);
    });

    it("runs a flow whose start has passed right away, then on its cadence (hour, day, week)", async () => {
      const start = startOfMinute(emulator);
      const flows: Record<string, string> = {};
      for (const frequency of ["hour", "day", "week"]) {
        flows[frequency] = (await createFlow({ startTime: start, frequency, interval: 1 })).body.id;
      }
      assert.equal((await runsOf(flows.hour as string)).length, 1);
      await advance(2 * 7 * DAY);
      assert.equal((await runsOf(flows.hour as string)).length, 1 + 14 * 24);
      assert.equal((await runsOf(flows.day as string)).length, 1 + 14);
      assert.equal((await runsOf(flows.week as string)).length, 1 + 2);
    });

    it("runs a once flow exactly once", async () => {
      const { id } = (
        await createFlow({ startTime: startOfMinute(emulator) + 600, frequency: "once" })
      ).body;
      assert.equal((await runsOf(id)).length, 0);
      await advance(HOUR);
      assert.equal((await runsOf(id)).length, 1);
      await advance(DAY);
      assert.equal((await runsOf(id)).length, 1);
    });

    it("does not run a disabled flow, nor catch up after enabling", async () => {
      await api.post(`/flows/${pipeline.flowId}/action?op=disable`);
      await advance(DAY + HOUR);
      assert.equal((await runsOf(pipeline.flowId)).length, 0);
      await api.post(`/flows/${pipeline.flowId}/action?op=enable`);
      await advance(30 * MINUTE);
      assert.equal((await runsOf(pipeline.flowId)).length, 2);
    });

    it("follows a flow disabled, rescheduled or deleted outside the API (in the UI)", async () => {
      const start = startOfMinute(emulator);
      const created = async (): Promise<string> =>
        (await createFlow(everyFifteenMinutes(start))).body.id;
      const kept = await created();
      const disabled = await created();
      const deleted = await created();
      // Each ran once when created (its start had passed).
      emulator.editOutOfBand("flows", kept, { scheduleParams: { interval: "30" } });
      emulator.editOutOfBand("flows", disabled, { state: "disabled" });
      emulator.deleteOutOfBand("flows", deleted);
      await advance(HOUR);
      assert.equal((await runsOf(kept)).length, 1 + 2);
      assert.equal((await runsOf(disabled)).length, 1);
      assert.equal((await runsOf(deleted)).length, 1);
    });

    it("produces the runs of flows due together in the order the flows were created", async () => {
      const start = startOfMinute(emulator);
      const first = (await createFlow(everyFifteenMinutes(start))).body.id;
      const second = (await createFlow(everyFifteenMinutes(start))).body.id;
      // Writes to a flow do not move it: disabled and enabled again, the first still comes first.
      await api.post(`/flows/${first}/action?op=disable`);
      await api.post(`/flows/${first}/action?op=enable`);
      const before = emulator.objects("runs").length;
      await advance(30 * MINUTE);
      assert.deepEqual(
        emulator
          .objects("runs")
          .slice(before)
          .map((run) => run.flowId),
        [first, first, second, second],
      );
    });

    it("caps the runs produced by one huge advance at 1000 per flow", async () => {
      await advance(365 * DAY);
      const count = await api.get(`/runs?property=flowId==${pipeline.flowId}&count=true`);
      assert.deepEqual(count.body, { count: 1000 });
    });

    it("lists runs newest first with paging, filters on metrics, and GET by id", async () => {
      // Five slots (+0 to +60 minutes), all finished five minutes after the last began.
      await advance(DAY + HOUR + 5 * MINUTE);
      const page = await api.get(`/runs?property=flowId==${pipeline.flowId}&limit=2`);
      assert.equal(page.body.items.length, 2);
      const [newer, older] = page.body.items;
      assert.ok(newer.createdAt > older.createdAt);
      assert.match(page.body._links.next.href, /^\/runs\?continuationToken=/);
      const second = await api.get(page.body._links.next.href);
      assert.equal(second.body.items.length, 2);
      const last = await api.get(second.body._links.next.href);
      assert.equal(last.body.items.length, 1);
      assert.deepEqual(last.body._links, {});
      const successes = await api.get(
        `/runs?property=flowId==${pipeline.flowId}&property=metrics.statusSummary.status==success&count=true`,
      );
      assert.deepEqual(successes.body, { count: 5 });
      const oldestFirst = await api.get(
        `/runs?property=flowId==${pipeline.flowId}&orderby=createdAt&limit=1`,
      );
      assert.deepEqual(oldestFirst.body.items, last.body.items);
      assert.deepEqual((await api.get(`/flows/${pipeline.flowId}/runs?limit=1`)).body.items, [
        newer,
      ]);
      const run = await api.get(`/runs/${newer.id}`);
      assert.deepEqual(run.body, { items: [newer] });
      assert.equal(run.body.items[0].metrics.recordSummary.failedRecordCount, 0);
      assertNotFound(
        await api.get("/runs/55555555-5555-5555-5555-555555555555"),
        "runs",
        "55555555-5555-5555-5555-555555555555",
      );
    });

    it("produces runs in real time too (lazily, on the next request)", async () => {
      const { id } = (
        await createFlow({ startTime: startOfMinute(emulator), frequency: "minute", interval: 15 })
      ).body;
      const runs = await runsOf(id);
      assert.equal(runs.length, 1);
      assert.equal(runs[0].flowId, id);
      assert.equal(runs[0].metrics.statusSummary.status, "inProgress");
      // No lastRunDetails until the run has finished.
      assert.equal("lastRunDetails" in (await api.object("flows", id)), false);
      await advance(5 * MINUTE);
      const [finished] = await runsOf(id);
      assert.equal(finished.id, runs[0].id);
      assert.deepEqual((await api.object("flows", id)).lastRunDetails, {
        id: finished.id,
        state: "success",
        startedAtUTC: finished.metrics.durationSummary.startedAtUTC,
        completedAtUTC: finished.metrics.durationSummary.completedAtUTC,
      });
    });

    it("does not change the flow's etag when a run completes", async () => {
      await advance(DAY + HOUR);
      assert.equal((await api.object("flows", pipeline.flowId)).etag, pipeline.flowEtag);
    });

    it("keeps runs in their org and sandbox", async () => {
      await advance(DAY + HOUR);
      const elsewhere = await api
        .in(api.org, "dev")
        .get(`/runs?property=flowId==${pipeline.flowId}`);
      assert.deepEqual(elsewhere.body.items, []);
    });
  });
});
