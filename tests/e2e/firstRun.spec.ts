/**
 * `waitForFirstRun` under the real Pulumi engine against the emulator: `up` waits for the
 * dataflow's first run while the test moves the emulator's clock (the run takes its emulated time
 * only when the clock advances), and fails with the run's own error, or on timeout, leaving the
 * dataflow in the state. The last-run outputs follow `pulumi refresh`.
 */
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import type { NextRunSpec } from "../../provider/emulator";
import { useE2E, PipelineStack, stateResource, TYPES, type MailchimpPipelineArgs } from "./harness";

describe("e2e: waitForFirstRun under the Pulumi engine", function () {
  this.timeout(180_000);
  const e2e = useE2E();

  /** Epoch seconds `offset` from the emulator's clock (ahead of this machine's once advanced). */
  const emulatorSeconds = (offset: number) => Math.floor(e2e.emulator.now() / 1000) + offset;

  /**
   * Runs `work` while moving the emulator's clock: as soon as the dataflow exists, `arm` may set
   * the outcome of its next run; then every 20 ms the clock jumps `stepMs`, until a run that was
   * not there before has ended (so the emulator's clock stays close to this machine's, which
   * `waitForFirstRun` reads the schedule with).
   */
  async function whileClockRuns<T>(
    work: Promise<T>,
    options: { stepMs?: number; arm?: NextRunSpec } = {},
  ): Promise<T> {
    let done = false;
    const earlier = new Set(e2e.objects("runs").map((run) => run.id));
    const ended = () =>
      e2e
        .objects("runs")
        .some(
          (run) =>
            !earlier.has(run.id) &&
            (run.metrics as { statusSummary: { status: string } }).statusSummary.status !==
              "inProgress",
        );
    const ticker = (async () => {
      let armed = false;
      while (!done && !ended()) {
        await sleep(20);
        const flow = e2e.objects("flows")[0];
        if (flow === undefined) continue;
        if (!armed && options.arm !== undefined) e2e.emulator.nextRun(String(flow.id), options.arm);
        armed = true;
        e2e.emulator.advanceClock(options.stepMs ?? 5000);
      }
    })();
    try {
      return await work;
    } finally {
      done = true;
      await ticker;
    }
  }

  /** The one run of the only flow, as the emulator shows it now. */
  function firstRun(): Record<string, any> {
    const flowId = e2e.only("flows").id;
    const runs = e2e.objects("runs").filter((run) => run.flowId === flowId);
    return runs.sort((a, b) => Number(a.createdAt) - Number(b.createdAt))[0] as Record<string, any>;
  }

  async function failure(work: Promise<unknown>): Promise<string> {
    try {
      await work;
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error("expected pulumi up to fail");
  }

  const waiting = (overrides: Partial<MailchimpPipelineArgs>) =>
    PipelineStack.create(e2e, {
      startTime: emulatorSeconds(30),
      // Generous: the schedule is read on this machine's clock, which the emulator's runs ahead of.
      waitForFirstRun: { timeoutSeconds: 3600 },
      ...overrides,
    });

  it("up waits for the first run, records it in the outputs, and refresh follows the next", async () => {
    const pipeline = await waiting({});
    const result = await whileClockRuns(pipeline.up());
    assert.deepEqual(result.summary.resourceChanges, { create: 7 });
    const run = firstRun();
    assert.equal(run.metrics.statusSummary.status, "success");
    const records = run.metrics.recordSummary;
    const flow = await stateResource(pipeline.stack, TYPES.dataflow);
    assert.deepEqual(
      {
        id: flow.outputs?.lastRunId,
        status: flow.outputs?.lastRunStatus,
        read: flow.outputs?.lastRunRecordsRead,
        written: flow.outputs?.lastRunRecordsWritten,
        failed: flow.outputs?.lastRunRecordsFailed,
      },
      {
        id: run.id,
        status: "success",
        read: records.inputRecordCount,
        written: records.outputRecordCount,
        failed: 0,
      },
    );
    assert.deepEqual(flow.outputs?.waitForFirstRun, { timeoutSeconds: 3600 });

    // The next slot, 15 minutes on: refresh reads the new last run into the outputs.
    e2e.emulator.advanceClock(16 * 60_000);
    await pipeline.refresh();
    const refreshed = await stateResource(pipeline.stack, TYPES.dataflow);
    const runs = e2e.objects("runs");
    assert.equal(runs.length, 2);
    const newest = runs.find((r) => r.id !== run.id) as Record<string, any>;
    assert.equal(refreshed.outputs?.lastRunId, newest.id);
    assert.equal(
      refreshed.outputs?.lastRunRecordsRead,
      newest.metrics.recordSummary.inputRecordCount,
    );
    // Nothing declared changed: the next up waits for nothing and writes nothing.
    e2e.emulator.clearRequests();
    const again = await pipeline.up();
    assert.deepEqual(again.summary.resourceChanges, { same: 7 });
    assert.deepEqual(e2e.apiWrites(), []);
  });

  it("up fails with the run's own error when it fails; the dataflow stays in the state", async () => {
    const pipeline = await waiting({});
    const message = await failure(whileClockRuns(pipeline.up(), { arm: { outcome: "failed" } }));
    const flowId = String(e2e.only("flows").id);
    const run = firstRun();
    assert.match(
      message,
      new RegExp(
        `Finishing the creation of Dataflow "e2e Mailchimp campaign to data lake" \\(${flowId}\\) failed: ` +
          `the first run ${run.id} failed: CONNECTOR-2001-500: Error in processing \\(parsing, validation or transformation\\) ` +
          `the copied data; MAPPER-3700-400: Mapper Transform Error\\. Details: \`aep-flow runs ${flowId} --watch\``,
      ),
    );
    const inState = await stateResource(pipeline.stack, TYPES.dataflow);
    assert.equal(inState.id, flowId);
    assert.equal(e2e.only("flows").state, "enabled");
    // The state keeps what the provider needs, so the failed dataflow can still be destroyed.
    assert.equal(typeof inState.outputs?.__provider, "string");
    await pipeline.destroy();
    assert.deepEqual(e2e.objects("flows"), []);
  });

  it("up fails beyond maxFailedRecordsPercent, and passes within it", async () => {
    const strict = await waiting({
      waitForFirstRun: { timeoutSeconds: 3600, maxFailedRecordsPercent: 1 },
    });
    const message = await failure(
      whileClockRuns(strict.up(), { arm: { outcome: "partialSuccess", failedRecords: 5 } }),
    );
    const read = firstRun().metrics.recordSummary.inputRecordCount as number;
    assert.match(
      message,
      new RegExp(
        `the first run ${firstRun().id} ended success, but 5 of ${read} records failed \\([\\d.]+%, above waitForFirstRun\\.maxFailedRecordsPercent 1\\)`,
      ),
    );
    await strict.destroy();
    e2e.reset();

    const lenient = await waiting({
      waitForFirstRun: { timeoutSeconds: 3600, maxFailedRecordsPercent: 50 },
    });
    await whileClockRuns(lenient.up(), { arm: { outcome: "partialSuccess", failedRecords: 5 } });
    const flow = await stateResource(lenient.stack, TYPES.dataflow);
    assert.equal(flow.outputs?.lastRunRecordsFailed, 5);
    assert.equal(flow.outputs?.lastRunStatus, "success");
  });

  it("up gives up at the timeout with a message saying the dataflow exists and how to follow it", async () => {
    // The start has passed: the run begins at creation, and without the clock moving it stays in progress.
    const pipeline = await PipelineStack.create(e2e, {
      startTime: Math.floor(Math.min(Date.now(), e2e.emulator.now()) / 1000) - 60,
      waitForFirstRun: { timeoutSeconds: 2 },
    });
    const message = await failure(pipeline.up());
    const flowId = String(e2e.only("flows").id);
    assert.match(
      message,
      new RegExp(
        `waitForFirstRun: dataflow ${flowId} was created, but its first run ${firstRun().id} is still inProgress after 2 s\\. ` +
          `The dataflow exists and stays in the state; follow it with \`aep-flow runs ${flowId} --watch\`, or raise waitForFirstRun\\.timeoutSeconds`,
      ),
    );
    assert.equal((await stateResource(pipeline.stack, TYPES.dataflow)).id, flowId);
  });

  it("an update that enables the dataflow waits for its next run, not the one before", async () => {
    const pipeline = await PipelineStack.create(e2e, {
      startTime: emulatorSeconds(-60),
      enabled: false,
    });
    await pipeline.up();
    const before = e2e.objects("runs").map((run) => run.id);
    pipeline.set({ enabled: true, waitForFirstRun: { timeoutSeconds: 3600 } });
    await whileClockRuns(pipeline.up(), { stepMs: 30_000 });
    const flow = await stateResource(pipeline.stack, TYPES.dataflow);
    const waited = e2e.objects("runs").find((run) => run.id === flow.outputs?.lastRunId);
    assert.ok(
      waited !== undefined && !before.includes(String(waited.id)),
      JSON.stringify({ before, flow: flow.outputs }),
    );
    assert.equal(flow.outputs?.enabled, true);
  });

  it("preview refuses waitForFirstRun on a disabled dataflow", async () => {
    const pipeline = await PipelineStack.create(e2e, { enabled: false, waitForFirstRun: true });
    const message = await failure(pipeline.preview());
    assert.match(
      message,
      /Dataflow waitForFirstRun a disabled dataflow \(enabled: false\) has no run to wait for: remove waitForFirstRun, or enable the dataflow/,
    );
    assert.deepEqual(e2e.apiWrites(), []);
  });
});
