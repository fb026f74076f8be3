// The aep-flow command line against the emulator over real HTTP: each command's table and --json
// output, --watch on runs that succeed and fail (exit codes), explore's base64 encoding, and the
// one-line failures (a bad id, missing settings, a refused credential). Most tests run the program
// in-process; the last ones spawn the installed bin, once under a pseudo-terminal for the spinner.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import path from "node:path";
import { runCli, type RunOptions } from "../../provider/cli";
import { startEmulator, type EmulatorHandle } from "../../provider/emulator";
import { sourceRecords } from "../../provider/emulator/explore";
import { connectionSpecIds, flowSpecIds } from "../../provider/resources/specCatalog";
import {
  Api,
  CAMPAIGN_SOURCE_PARAMS,
  CLIENT_ID,
  everyFifteenMinutes,
  flowBody,
  MINUTE,
  ORG,
  runNode,
  startOfMinute,
  type Pipeline,
} from "../emulator/helpers";
import { capturedOutput, emulatorEnv } from "./cliRun";

const BIN = path.resolve(__dirname, "../../provider/cli/index.js");
const CAMPAIGN_SPEC = connectionSpecIds.mailchimpCampaign;
const MEMBERS_SPEC = connectionSpecIds.mailchimpMembers;
const DATA_LAKE_SPEC = connectionSpecIds.dataLake;

/** The emulated run length of `records` records (runs.ts). */
const runMs = (records: number) => 8_000 + 150 * records + 200 + 5_000 + 100 * records;
/** The rows the campaign source holds for slot `n`. */
const windowRows = (n: number) => sourceRecords(CAMPAIGN_SPEC, { campaignId: "c66a200cda" }, n);
/** A table line split into its cells (columns are two or more spaces apart). */
const cells = (line: string) => line.split(/ {2,}/);
/** A progress line without its elapsed time, which depends on the machine. */
const withoutElapsed = (line: string) => line.replace(/, \d+s elapsed$/, "");
const iso = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d{3}Z$/, "Z");

describe("aep-flow commands against the emulator", () => {
  let emulator: EmulatorHandle;
  let api: Api;
  let pipeline: Pipeline;
  let firstSlot: number;
  let out: string[];
  let err: string[];

  before(async () => {
    emulator = await startEmulator({ port: 0 });
  });
  beforeEach(async () => {
    emulator.reset();
    api = await Api.connect(emulator);
    firstSlot = (startOfMinute(emulator) + 600) * 1000;
    pipeline = await api.createPipeline(everyFifteenMinutes(firstSlot / 1000));
  });
  after(() => emulator.close());

  const env = (overrides: Record<string, string | undefined> = {}) =>
    emulatorEnv(emulator, overrides);

  /** Runs `aep-flow <args>` in-process; a --watch moves the emulator clock by `stepMs` per look. */
  function aep(
    args: string[],
    options: { columns?: number; stepMs?: number; run?: RunOptions } = {},
  ): Promise<number> {
    const captured = capturedOutput(options.columns);
    ({ out, err } = captured);
    return runCli(args, {
      output: captured.output,
      env: env(),
      clientOptions: { retry: { baseDelayMs: 1, maxDelayMs: 5 } },
      pollIntervalMs: 1,
      sleep: async () => emulator.advanceClock(options.stepMs ?? 4000),
      ...options.run,
    });
  }
  const advanceTo = (at: number) => emulator.advanceClock(Math.max(0, at - emulator.now()));
  const runsOfFlow = async () =>
    (await api.get(`/runs?property=flowId==${pipeline.flowId}&orderby=createdAt`)).body.items;

  describe("flows", () => {
    it("lists the sandbox's dataflows by name with state, schedule and last run", async () => {
      const idle = await api.create("flows", {
        ...flowBody(
          pipeline.sourceId,
          pipeline.targetId,
          everyFifteenMinutes(firstSlot / 1000 + 86_400),
        ),
        name: "A quiet flow",
      });
      await api.post(`/flows/${idle.id}/action?op=disable`);
      const rows = windowRows(0).length;
      advanceTo(firstSlot + runMs(rows));
      const [run] = await runsOfFlow();

      assert.equal(await aep(["flows"]), 0, err.join("\n"));
      assert.deepEqual(err, []);
      assert.deepEqual(out.join("\n").split("\n").map(cells), [
        [
          "NAME",
          "ID",
          "STATE",
          "SCHEDULE",
          "LAST RUN",
          "STARTED",
          "DURATION",
          "READ",
          "WRITTEN",
          "FAILED",
          "ERRORS",
        ],
        ["A quiet flow", idle.id, "disabled", "every 15 min", "-", "-", "-", "-", "-", "-", "-"],
        [
          "MailChimp Campaign dataflow",
          pipeline.flowId,
          "enabled",
          "every 15 min",
          "success",
          iso(firstSlot),
          `${Math.round(runMs(rows) / 1000)}s`,
          String(rows),
          String(rows),
          "0",
          "-",
        ],
      ]);

      assert.equal(await aep(["flows", "--json"]), 0);
      const document = JSON.parse(out.join("\n"));
      assert.equal(document.sandboxName, "prod");
      assert.deepEqual(
        document.flows.map((flow: Record<string, unknown>) => [flow.name, flow.state]),
        [
          ["A quiet flow", "disabled"],
          ["MailChimp Campaign dataflow", "enabled"],
        ],
      );
      assert.equal(document.flows[0].lastRun, null);
      assert.deepEqual(document.flows[1].lastRun, {
        id: run.id,
        flowId: pipeline.flowId,
        status: "success",
        phase: "succeeded",
        startedAt: new Date(firstSlot).toISOString(),
        completedAt: new Date(firstSlot + runMs(rows)).toISOString(),
        durationSeconds: runMs(rows) / 1000,
        recordsRead: rows,
        recordsWritten: rows,
        recordsFailed: 0,
        errors: [],
      });
    });

    it("--sandbox lists another sandbox, asking Flow Service for it as this copy of the package", async () => {
      emulator.clearRequests();
      assert.equal(await aep(["flows", "--sandbox", "dev"]), 0);
      assert.deepEqual(out, ['No dataflow in sandbox "dev".']);
      const listed = emulator.requests().filter((r) => r.path.endsWith("/flows"));
      const { version } = JSON.parse(
        readFileSync(require.resolve("pulumi-aep-flow/package.json"), "utf8"),
      ) as { version: string };
      assert.deepEqual(
        listed.map((r) => [r.headers["x-sandbox-name"], r.headers["user-agent"]]),
        [["dev", `pulumi-aep-flow/${version}`]],
      );
    });
  });

  describe("runs", () => {
    beforeEach(() => {
      emulator.nextRun(pipeline.flowId, { outcome: "success" });
      advanceTo(firstSlot + runMs(100));
      emulator.nextRun(pipeline.flowId, { outcome: "failed" });
      advanceTo(firstSlot + 2 * 15 * MINUTE + runMs(100));
    });

    it("lists the runs newest first with counts and the first error", async () => {
      assert.equal(await aep(["runs", pipeline.flowId]), 0, err.join("\n"));
      const [heading, ...lines] = out.join("\n").split("\n");
      assert.equal(
        heading,
        `Dataflow "MailChimp Campaign dataflow" (${pipeline.flowId}): enabled, every 15 min`,
      );
      const [r0, r1, r2] = (await runsOfFlow()).map((run: { id: string }) => run.id);
      const [n0, n1, n2] = [0, 1, 2].map((n) => windowRows(n).length);
      assert.deepEqual(lines.map(cells), [
        ["RUN", "STATUS", "STARTED", "DURATION", "READ", "WRITTEN", "FAILED", "ERRORS"],
        [
          r2,
          "success",
          iso(firstSlot + 30 * MINUTE),
          `${Math.round(runMs(n2!) / 1000)}s`,
          String(n2),
          String(n2),
          "0",
          "-",
        ],
        [
          r1,
          "failed",
          iso(firstSlot + 15 * MINUTE),
          `${Math.round(runMs(n1!) / 1000)}s`,
          String(n1),
          "0",
          String(n1),
          "CONNECTOR-2001-500: Error in processing (parsing, validation or transformation) the copied data (and 1 more)",
        ],
        [
          r0,
          "success",
          iso(firstSlot),
          `${Math.round(runMs(n0!) / 1000)}s`,
          String(n0),
          String(n0),
          "0",
          "-",
        ],
      ]);
    });

    it("filters by status (any spelling), start time and count; --json for scripts", async () => {
      const [, r1, r2] = (await runsOfFlow()).map((run: { id: string }) => run.id);
      assert.equal(await aep(["runs", pipeline.flowId, "--status", "Failed", "--json"]), 0);
      const failed = JSON.parse(out.join("\n"));
      assert.deepEqual(failed.flow, {
        id: pipeline.flowId,
        name: "MailChimp Campaign dataflow",
        state: "enabled",
        scheduleParams: {
          startTime: String(firstSlot / 1000),
          frequency: "minute",
          interval: "15",
        },
      });
      assert.deepEqual(
        failed.runs.map((run: Record<string, unknown>) => [run.id, run.status, run.phase]),
        [[r1, "failed", "failed"]],
      );
      assert.deepEqual(failed.runs[0].errors, [
        {
          code: "CONNECTOR-2001-500",
          message: "Error in processing (parsing, validation or transformation) the copied data.",
        },
        { code: "MAPPER-3700-400", message: "Mapper Transform Error" },
      ]);

      const since = new Date(firstSlot + 20 * MINUTE).toISOString();
      assert.equal(await aep(["runs", pipeline.flowId, "--since", since, "--json"]), 0);
      assert.deepEqual(
        JSON.parse(out.join("\n")).runs.map((run: { id: string }) => run.id),
        [r2],
      );
      assert.equal(await aep(["runs", pipeline.flowId, "--limit", "1", "--json"]), 0);
      assert.deepEqual(
        JSON.parse(out.join("\n")).runs.map((run: { id: string }) => run.id),
        [r2],
      );
      assert.equal(await aep(["runs", pipeline.flowId, "--status", "partialSuccess"]), 0);
      assert.equal(out.at(-1), "No run matches.");
    });

    it("refuses a bad --since, --limit or --timeout with exit code 2", async () => {
      const cases: Array<[string[], string]> = [
        [
          ["--since", "yesterday"],
          "error: --since yesterday: expected a duration such as 30m, 6h or 7d, or an ISO 8601 time such as 2026-03-01T00:00:00Z.",
        ],
        [["--limit", "0"], "error: --limit 0: expected a positive whole number."],
        [
          ["--watch", "--timeout", "soon"],
          "error: --timeout soon: expected a duration such as 90s, 30m, 6h, 7d or 2w.",
        ],
      ];
      for (const [args, line] of cases) {
        assert.equal(await aep(["runs", pipeline.flowId, ...args]), 2, args.join(" "));
        assert.deepEqual(err, [line]);
      }
    });
  });

  describe("runs --watch", () => {
    it("waits for the first run, follows it, and exits 0 when it succeeds", async () => {
      const rows = windowRows(0).length;
      advanceTo(firstSlot - 5000);
      assert.equal(await aep(["runs", pipeline.flowId, "--watch"]), 0, err.join("\n"));
      const [run] = await runsOfFlow();
      assert.deepEqual(err.map(withoutElapsed), [
        `waiting for the first run, scheduled for ${iso(firstSlot)}`,
        `run ${run.id} inProgress (Copy Activity)`,
        `run ${run.id} inProgress (Promotion Activity)`,
        `run ${run.id} success, ${rows} read, ${rows} written, 0 failed, in ${Math.round(runMs(rows) / 1000)}s`,
      ]);
      assert.deepEqual(out.join("\n").split("\n").map(cells)[1]?.slice(0, 2), [run.id, "success"]);
    });

    it("exits 1 with the run's own errors when it fails", async () => {
      emulator.nextRun(pipeline.flowId, { outcome: "failed", stage: "copy" });
      advanceTo(firstSlot + 1000);
      assert.equal(await aep(["runs", pipeline.flowId, "--watch", "--json"]), 1);
      const [run] = await runsOfFlow();
      assert.equal(
        err.at(-1),
        `error: Run ${run.id} of dataflow ${pipeline.flowId} failed: CONNECTOR-1001-500: Error in copying data from the source; ` +
          "CONNECTOR-1001-500: The source did not answer: no record was read.",
      );
      assert.equal(withoutElapsed(err.at(-2) ?? ""), `run ${run.id} failed, in 8s`);
      assert.equal(JSON.parse(out.join("\n")).run.status, "failed");
    });

    it("exits 0 with a warning when the run lost records", async () => {
      emulator.nextRun(pipeline.flowId, { outcome: "partialSuccess", failedRecords: 2 });
      advanceTo(firstSlot + runMs(100));
      assert.equal(await aep(["runs", pipeline.flowId, "--watch"]), 0);
      const [run] = await runsOfFlow();
      assert.equal(
        err.at(-1),
        `warning: run ${run.id} success with 2 failed records: CONNECTOR-2001-500: Error occurred at promotion activity; ` +
          `INGEST-1212-400: Encountered 2 errors in the data. Successfully ingested ${windowRows(0).length - 2} rows. Review the associated diagnostic files for additional details; ` +
          "MAPPER-3700-400: Mapper Transform Error.",
      );
    });

    it("says so when the dataflow is disabled, and gives up at --timeout", async () => {
      await api.post(`/flows/${pipeline.flowId}/action?op=disable`);
      assert.equal(await aep(["runs", pipeline.flowId, "--watch"]), 1);
      assert.equal(
        err.at(-1),
        `error: Dataflow ${pipeline.flowId} is disabled: no run will start until it is enabled.`,
      );
      await api.post(`/flows/${pipeline.flowId}/action?op=enable`);
      assert.equal(await aep(["runs", pipeline.flowId, "--watch", "--timeout", "0s"]), 1);
      assert.equal(
        err.at(-1),
        `error: Gave up after 0s: no run had started. Watch again with aep-flow runs ${pipeline.flowId} --watch.`,
      );
    });
  });

  describe("explore", () => {
    it("encodes --params as the tutorial's base64 sourceParams and prints the rows as a table", async () => {
      emulator.clearRequests();
      assert.equal(
        await aep(["explore", pipeline.baseId, "--params", '{"campaignId":"c66a200cda"}']),
        0,
        err.join("\n"),
      );
      const [call] = emulator.requests().filter((r) => r.path.endsWith("/explore"));
      assert.deepEqual(call?.query, {
        objectType: "rest",
        object: "json",
        fileType: "json",
        preview: "true",
        sourceParams: CAMPAIGN_SOURCE_PARAMS,
      });
      const preview = windowRows(0).slice(0, 3);
      const lines = out.join("\n").split("\n");
      assert.deepEqual(cells(lines[0] ?? ""), [
        "CAMPAIGN_ID",
        "LIST_ID",
        "LIST_IS_ACTIVE",
        "EMAIL_ID",
        "EMAIL_ADDRESS",
        "ACTIVITY",
      ]);
      assert.deepEqual(
        lines.slice(1).map(cells),
        preview.map((row) => [
          String(row.campaign_id),
          String(row.list_id),
          "true",
          String(row.email_id),
          String(row.email_address),
          JSON.stringify(row.activity),
        ]),
      );
    });

    it("cuts long values to the terminal's width, with an ellipsis", async () => {
      assert.equal(
        await aep(["explore", pipeline.baseId, "--params", '{"campaignId":"c66a200cda"}'], {
          columns: 100,
        }),
        0,
      );
      const lines = out.join("\n").split("\n");
      assert.ok(
        lines.every((line) => line.length <= 100),
        lines.join("\n"),
      );
      assert.ok(
        lines.slice(1).every((line) => line.endsWith("…")),
        lines.join("\n"),
      );
      assert.equal(cells(lines[1] ?? "")[0], "c66a200cda");
    });

    it("lists the top level without --params; --json gives the query and the answer", async () => {
      assert.equal(await aep(["explore", pipeline.baseId]), 0);
      assert.deepEqual(out.join("\n").split("\n").map(cells), [
        ["TYPE", "NAME", "PATH", "CANPREVIEW", "CANFETCHSCHEMA"],
        ["rest", "Mailchimp Campaign", "json", "true", "true"],
      ]);
      assert.equal(
        await aep([
          "explore",
          pipeline.baseId,
          "--params",
          '{"campaignId":"c66a200cda"}',
          "--json",
        ]),
        0,
      );
      const document = JSON.parse(out.join("\n"));
      assert.deepEqual(document.query, {
        objectType: "rest",
        object: "json",
        fileType: "json",
        preview: true,
        sourceParams: CAMPAIGN_SOURCE_PARAMS,
      });
      assert.deepEqual(document.answer, { data: windowRows(0).slice(0, 3) });
    });

    it("refuses --params that are not a JSON object (exit 2), and says what Adobe said about bad ones", async () => {
      assert.equal(await aep(["explore", pipeline.baseId, "--params", "campaignId=c66a200cda"]), 2);
      assert.match(
        err[0] ?? "",
        /^error: --params is not JSON \(.*\): pass e\.g\. '\{"campaignId":"c66a200cda"\}'\.$/,
      );
      assert.equal(await aep(["explore", pipeline.baseId, "--params", "[1]"]), 2);
      assert.deepEqual(err, [
        `error: --params must be a JSON object, e.g. '{"campaignId":"c66a200cda"}'.`,
      ]);
      assert.equal(await aep(["explore", pipeline.baseId, "--params", '{"listId":"x"}']), 1);
      assert.match(
        err[0] ?? "",
        /^error: Invalid sourceParams: .*campaignId.* \(400 FLOW-1100-400\) GET \/data\/foundation\/flowservice\/connections\/.*\/explore\?.*, request id [0-9a-f-]{36}\.$/,
      );
    });
  });

  describe("specs", () => {
    it("lists the connection specs matching a name, with id, version and auth types", async () => {
      assert.equal(await aep(["specs", "MAILCHIMP"]), 0);
      assert.equal(
        out.join("\n"),
        [
          "ID                                    NAME                VERSION  AUTH TYPES                              CATEGORY",
          `${CAMPAIGN_SPEC}  mailchimp-campaign  1.0      BasicAuthentication, OAuth2RefreshCode  marketingAutomation`,
          `${MEMBERS_SPEC}  mailchimp-members   1.0      BasicAuthentication, OAuth2RefreshCode  marketingAutomation`,
        ].join("\n"),
      );
      assert.equal(await aep(["specs", "lake", "--json"]), 0);
      assert.deepEqual(JSON.parse(out.join("\n")), [
        {
          id: DATA_LAKE_SPEC,
          name: "Data Lake",
          version: "1.0",
          authTypes: [],
          category: "Database",
        },
      ]);
      assert.equal(await aep(["specs", "salesforce"]), 1);
      assert.deepEqual(err, ['error: No connection spec has "salesforce" in its name or label.']);
    });

    it("--flow finds the flow spec joining a source and a target, by id or by name", async () => {
      const expected = [
        "ID                                    NAME              VERSION  TRANSFORMATIONS  SCHEDULE  SOURCES  TARGETS",
        `${flowSpecIds.restStorageToAep}  RestStorageToAEP  1.0      Mapping          Periodic  2        1`,
      ].join("\n");
      assert.equal(
        await aep(["specs", "--flow", "--source", CAMPAIGN_SPEC, "--target", DATA_LAKE_SPEC]),
        0,
      );
      assert.equal(out.join("\n"), expected);
      assert.equal(
        await aep(["specs", "--flow", "--source", "mailchimp-members", "--target", "data lake"]),
        0,
      );
      assert.equal(out.join("\n"), expected);
      assert.equal(
        await aep(["specs", "--flow", "--source", DATA_LAKE_SPEC, "--target", DATA_LAKE_SPEC]),
        1,
      );
      assert.deepEqual(err, [
        `error: No flow spec accepts source spec ${DATA_LAKE_SPEC} and target spec ${DATA_LAKE_SPEC}.`,
      ]);
      assert.equal(await aep(["specs", "--flow", "--source", "mailchimp", "--json"]), 1);
      assert.deepEqual(err, [
        'error: --source mailchimp: no connection spec has this name; aep-flow specs "mailchimp" lists the close ones, with their ids.',
      ]);
      assert.equal(await aep(["specs", "--source", CAMPAIGN_SPEC]), 2);
      assert.deepEqual(err, [
        "error: --source and --target go with --flow: aep-flow specs --flow --source <id> --target <id>.",
      ]);
    });
  });

  describe("failures: one line, Adobe's code and message, no credential", () => {
    it("a dataflow id that does not exist", async () => {
      const id = "55555555-5555-5555-5555-555555555555";
      assert.equal(await aep(["runs", id]), 1);
      assert.deepEqual(out, []);
      assert.deepEqual(err, [
        `error: No dataflow ${id} in sandbox "prod" of org ${ORG} (Flow Service answered 404): aep-flow flows lists the sandbox's dataflows.`,
      ]);
      assert.equal(await aep(["explore", id]), 1);
      assert.match(
        err[0] ?? "",
        new RegExp(
          `^error: The requested connections resource ${id} is not found\\. Verify the resource ID before trying again\\. ` +
            `\\(404 FLOW-1439-404\\) GET /data/foundation/flowservice/connections/${id}/explore\\?objectType=root, request id [0-9a-f-]{36}\\.$`,
        ),
      );
    });

    it("missing settings name the variable and the stack config to set", async () => {
      assert.equal(await aep(["flows"], { run: { env: env({ AEP_ORG_ID: undefined }) } }), 1);
      assert.deepEqual(err, [
        "error: The AEP IMS organization id is not set: every Flow Service call names the IMS organization. " +
          "Set the stack config `aep:orgId` (`pulumi config set aep:orgId <value>`) or the environment variable AEP_ORG_ID.",
      ]);
    });

    it("a refused credential: IMS's code, and never the secret", async () => {
      const strict = await startEmulator({
        port: 0,
        clientId: CLIENT_ID,
        clientSecret: "the-right-secret",
      });
      try {
        const wrong = "wrong-secret-5d1c9e";
        const code = await aep(["flows"], {
          run: {
            env: env({
              AEP_PLATFORM_URL: strict.url,
              AEP_IMS_URL: strict.url,
              AEP_CLIENT_SECRET: wrong,
            }),
          },
        });
        assert.equal(code, 1);
        assert.equal(err.length, 1);
        assert.match(err[0] ?? "", /^error: .*\(401 invalid_client\) POST \/ims\/token\/v3/);
        assert.ok(!err[0]?.includes(wrong));
      } finally {
        await strict.close();
      }
    });
  });

  describe("the installed bin", () => {
    /** Runs the bin to its end with the emulator's settings. */
    const bin = (args: string[]) => runNode(BIN, args, { ...process.env, ...env() });

    it("exits 1 from runs --watch on a failed run, with one error line", async () => {
      emulator.nextRun(pipeline.flowId, { outcome: "failed" });
      advanceTo(firstSlot + runMs(100));
      const [run] = await runsOfFlow();
      const { code, stdout, stderr } = await bin(["runs", pipeline.flowId, "--watch"]);
      assert.equal(code, 1, stderr);
      assert.match(stdout, new RegExp(`^RUN .*\\n${run.id}  failed  `));
      const lines = stderr.trim().split("\n");
      assert.equal(lines.filter((line) => line.startsWith("error:")).length, 1);
      assert.match(
        lines.at(-1) ?? "",
        new RegExp(
          `^error: Run ${run.id} of dataflow ${pipeline.flowId} failed: CONNECTOR-2001-500`,
        ),
      );
      assert.doesNotMatch(stderr, /\bat .*\.(js|ts):\d+/);
    });

    it("draws a spinner on a terminal, and ends it with the run's status", async function () {
      let script: string;
      try {
        script = execFileSync("sh", ["-c", "command -v script"], { encoding: "utf8" }).trim();
      } catch {
        this.skip();
      }
      advanceTo(firstSlot + runMs(100));
      const [run] = await runsOfFlow();
      // A pseudo-terminal of 100 columns (script alone gives one that reports no width).
      const command = `stty cols 100 rows 30; ${[
        process.execPath,
        BIN,
        "runs",
        pipeline.flowId,
        "--watch",
      ]
        .map((part) => `'${part}'`)
        .join(" ")}`;
      const environment: NodeJS.ProcessEnv = { ...process.env, ...env(), TERM: "xterm" };
      delete environment.CI;
      const child = spawn(script, ["-qec", command, "/dev/null"], {
        env: environment,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
      const [code] = (await once(child, "exit")) as [number | null];
      assert.equal(code, 0, output);
      // nanospinner hides the cursor while it spins and shows it again when it ends.
      assert.ok(
        output.includes("\u001b[?25l") && output.includes("\u001b[?25h"),
        JSON.stringify(output),
      );
      assert.match(output, new RegExp(`run ${run.id} success, \\d+ read`));
    });

    it("runs the emulator: one JSON line with the url, serves it, exits 0 on SIGTERM", async () => {
      const child = spawn(process.execPath, [BIN, "emulator", "--port", "0", "--json"], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      const exited = once(child, "exit");
      const line = await new Promise<string>((resolve, reject) => {
        let text = "";
        child.stdout.on("data", (chunk: Buffer) => {
          text += chunk.toString();
          if (text.includes("\n")) resolve(text.split("\n")[0] ?? "");
        });
        child.once("exit", (code) => reject(new Error(`exited with ${code} before listening`)));
      });
      const started = JSON.parse(line) as { url: string; port: number; stateFile: null };
      assert.equal(started.url, `http://127.0.0.1:${started.port}`);
      assert.equal(started.stateFile, null);
      const remote = await Api.connect({ url: started.url } as EmulatorHandle);
      assert.equal((await remote.get("/connectionSpecs")).status, 200);
      child.kill("SIGTERM");
      const [code] = (await exited) as [number | null];
      assert.equal(code, 0);
    });
  });
});
