import assert from "node:assert/strict";
import {
  base as baseConnection,
  dataflow,
  dataset,
  source as sourceConnection,
  target as targetConnection,
} from "../../../provider/runtime";
import { UNKNOWN } from "../../../provider/resources/values";
import {
  baseConnectionInputs,
  dataflowInputs,
  datasetInputs,
  sourceConnectionInputs,
  targetConnectionInputs,
} from "../../fixtures/inputs";

type Check = (typeof baseConnection)["check"];

async function failures(check: Check, news: Record<string, unknown>) {
  const result = await check({}, news);
  assert.equal(result.inputs, undefined, "no inputs are returned when the check fails");
  return result.failures;
}

describe("check", () => {
  describe("valid inputs", () => {
    it("fills the documented defaults and keeps __provider", async () => {
      const { connectionSpec: _omit, ...rest } = baseConnectionInputs();
      const result = await baseConnection.check(
        {},
        {
          ...rest,
          connectionSpec: { id: baseConnectionInputs().connectionSpec.id },
          __provider: "P",
        },
      );
      assert.deepEqual(result.failures, undefined);
      assert.deepEqual(result.inputs, { ...baseConnectionInputs(), __provider: "P" });
    });

    it("defaults a dataflow to enabled and normalizes schedule strings to numbers", async () => {
      const { enabled: _omit, ...rest } = dataflowInputs();
      const result = await dataflow.check(
        {},
        {
          ...rest,
          scheduleParams: {
            startTime: "1632809759",
            frequency: "day",
            interval: "1",
            backfill: "false",
          },
        },
      );
      assert.deepEqual(result.inputs, {
        ...dataflowInputs(),
        scheduleParams: { startTime: 1632809759, frequency: "day", interval: 1, backfill: false },
        enabled: true,
      });
    });

    it("accepts Adobe's tutorial spelling of the OAuth auth type", async () => {
      const inputs = baseConnectionInputs();
      inputs.auth = { specName: "oAuth2RefreshCode", params: { accessToken: "t" } } as never;
      const result = await baseConnection.check({}, inputs);
      assert.equal(result.failures, undefined);
    });

    it("accepts each resource's fixture as is", async () => {
      for (const [impl, inputs] of [
        [sourceConnection, sourceConnectionInputs()],
        [targetConnection, targetConnectionInputs()],
        [dataset, datasetInputs()],
      ] as const) {
        const result = await impl.check({}, inputs);
        assert.equal(result.failures, undefined);
      }
    });
  });

  describe("invalid inputs name the property and the fix", () => {
    it("a missing required property", async () => {
      const { name: _omit, ...rest } = baseConnectionInputs();
      assert.deepEqual(await failures(baseConnection.check, rest), [
        {
          property: "name",
          reason:
            "BaseConnection name is required: name the account as it should appear in Experience Platform",
        },
      ]);
    });

    it("a blank string", async () => {
      assert.deepEqual(
        await failures(sourceConnection.check, {
          ...sourceConnectionInputs(),
          baseConnectionId: " ",
        }),
        [
          {
            property: "baseConnectionId",
            reason:
              "SourceConnection baseConnectionId must not be empty: pass the `id` of a BaseConnection",
          },
        ],
      );
    });

    it("a misspelt property", async () => {
      const { scheduleParams, ...rest } = dataflowInputs();
      assert.deepEqual(await failures(dataflow.check, { ...rest, schedule: scheduleParams }), [
        {
          property: "scheduleParams",
          reason:
            "Dataflow scheduleParams is required: the first run's time, the frequency and the interval",
        },
        {
          property: "schedule",
          reason: `Dataflow has no property "schedule": check its spelling against the Dataflow arguments`,
        },
      ]);
    });

    it("an authentication type the connection spec does not have", async () => {
      const inputs = baseConnectionInputs();
      inputs.auth.specName = "API key";
      assert.deepEqual(await failures(baseConnection.check, inputs), [
        {
          property: "auth.specName",
          reason:
            `BaseConnection auth.specName "API key" is not an authentication type of the Mailchimp ` +
            `Campaign connection spec: use "Basic Authentication" or "OAuth2 Refresh Code"`,
        },
      ]);
    });

    it("a credential the auth type requires", async () => {
      const inputs = baseConnectionInputs();
      inputs.auth.params = { username: "mc-user" } as never;
      assert.deepEqual(await failures(baseConnection.check, inputs), [
        {
          property: "auth.params.password",
          reason: `BaseConnection auth.params.password is required by "Basic Authentication": set auth.params.password`,
        },
      ]);
    });

    it("a source parameter the connection spec requires", async () => {
      assert.deepEqual(
        await failures(sourceConnection.check, {
          ...sourceConnectionInputs(),
          params: { campaign: "c66a200cda" },
        }),
        [
          {
            property: "params.campaignId",
            reason:
              "SourceConnection params.campaignId is required by the Mailchimp Campaign connection spec: set params.campaignId",
          },
        ],
      );
    });

    it("a Data Lake target without dataset or schema", async () => {
      assert.deepEqual(
        await failures(targetConnection.check, {
          ...targetConnectionInputs(),
          data: { format: "parquet_xdm" },
          params: {},
        }),
        [
          {
            property: "params.dataSetId",
            reason:
              "TargetConnection params.dataSetId is required by the Data Lake connection spec: set params.dataSetId",
          },
          {
            property: "data.schema",
            reason:
              "TargetConnection data.schema is required for a Data Lake target: set data.schema.id to the dataset's XDM schema $id",
          },
        ],
      );
    });

    it("a wrong type", async () => {
      assert.deepEqual(
        await failures(dataflow.check, { ...dataflowInputs(), sourceConnectionIds: "d6557bf1" }),
        [
          {
            property: "sourceConnectionIds",
            reason: "Dataflow sourceConnectionIds must be a list of SourceConnection ids",
          },
        ],
      );
    });
  });

  describe("schedules", () => {
    const scheduleFailure = async (scheduleParams: Record<string, unknown>) =>
      failures(dataflow.check, { ...dataflowInputs(), scheduleParams });

    it("refuses an unknown frequency", async () => {
      assert.deepEqual(
        await scheduleFailure({ startTime: 1632809759, frequency: "month", interval: 1 }),
        [
          {
            property: "scheduleParams.frequency",
            reason: `Dataflow scheduleParams.frequency must be one of "once", "minute", "hour", "day", "week"`,
          },
        ],
      );
    });

    it("refuses an interval on a one-time schedule", async () => {
      assert.deepEqual(
        await scheduleFailure({ startTime: 1632809759, frequency: "once", interval: 15 }),
        [
          {
            property: "scheduleParams.interval",
            reason: `Dataflow scheduleParams.interval must be left out when frequency is "once": a one-time run has no interval`,
          },
        ],
      );
    });

    it("needs at least 15 for minute schedules", async () => {
      assert.deepEqual(
        await scheduleFailure({ startTime: 1632809759, frequency: "minute", interval: 10 }),
        [
          {
            property: "scheduleParams.interval",
            reason:
              `Dataflow scheduleParams.interval must be at least 15 when frequency is "minute" (got 10): ` +
              `Flow Service runs minute schedules every 15 minutes at most`,
          },
        ],
      );
    });

    it("needs an interval of at least 1 for hour, day and week", async () => {
      assert.deepEqual(await scheduleFailure({ startTime: 1632809759, frequency: "hour" }), [
        {
          property: "scheduleParams.interval",
          reason: `Dataflow scheduleParams.interval is required when frequency is "hour": set a whole number of at least 1`,
        },
      ]);
      assert.deepEqual(
        await scheduleFailure({ startTime: 1632809759, frequency: "week", interval: 0 }),
        [
          {
            property: "scheduleParams.interval",
            reason: `Dataflow scheduleParams.interval must be at least 1 when frequency is "week" (got 0)`,
          },
        ],
      );
      const ok = await dataflow.check(
        {},
        {
          ...dataflowInputs(),
          scheduleParams: { startTime: 1632809759, frequency: "hour", interval: 1 },
        },
      );
      assert.equal(ok.failures, undefined);
    });

    it("explains a start time given in milliseconds", async () => {
      assert.deepEqual(
        await scheduleFailure({ startTime: 1632809759000, frequency: "day", interval: 1 }),
        [
          {
            property: "scheduleParams.startTime",
            reason:
              "Dataflow scheduleParams.startTime 1632809759000 looks like milliseconds, but Flow Service takes epoch seconds: use 1632809759",
          },
        ],
      );
    });

    it("refuses a fractional start time", async () => {
      assert.deepEqual(
        await scheduleFailure({ startTime: 16328.5, frequency: "day", interval: 1 }),
        [
          {
            property: "scheduleParams.startTime",
            reason:
              "Dataflow scheduleParams.startTime must be a whole number: the first run's time in epoch seconds",
          },
        ],
      );
    });
  });

  describe("values not known at preview", () => {
    it("pass untouched wherever they are", async () => {
      for (const news of [
        { ...sourceConnectionInputs(), baseConnectionId: UNKNOWN },
        { ...dataflowInputs(), sourceConnectionIds: [UNKNOWN], targetConnectionIds: UNKNOWN },
        {
          ...dataflowInputs(),
          scheduleParams: { startTime: UNKNOWN, frequency: "day", interval: 1 },
        },
        { ...dataflowInputs(), scheduleParams: UNKNOWN },
      ]) {
        const result = await (
          news.name.startsWith("Mailchimp campaign c") ? sourceConnection : dataflow
        ).check({}, news);
        assert.equal(result.failures, undefined, JSON.stringify(news));
        assert.ok(result.inputs);
      }
    });

    it("still report the real failures next to them", async () => {
      const result = await dataflow.check(
        {},
        { ...dataflowInputs(), sourceConnectionIds: UNKNOWN, name: "" },
      );
      assert.deepEqual(
        result.failures?.map((f) => f.property),
        ["name"],
      );
    });

    it("are returned as given when the schema cannot parse around them", async () => {
      const news = { ...dataflowInputs(), scheduleParams: UNKNOWN, __provider: "P" };
      assert.deepEqual((await dataflow.check({}, news)).inputs, news);
    });
  });
});
