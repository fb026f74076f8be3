/**
 * `npm run demo`: the Mailchimp example (examples/mailchimp/index.ts, unchanged: the package's
 * MailchimpCampaignPipeline component and its seven children, the whole walk-through from the XDM
 * schema to the dataflow) deployed with the real Pulumi engine against the package's emulator,
 * then deployed again to show that nothing changes.
 *
 * scripts/run.sh has already set up Node, the npm dependencies, the build and the Pulumi CLI.
 * Everything the demo keeps lives in `.pulumi-demo/` (git-ignored): the local Pulumi backend, the
 * Pulumi home, the workspace with the stack's config, and the emulator's objects.
 *
 * It ends with the dataflow's first run: the emulator's clock jumps to the schedule's start (a
 * run takes its emulated time only as that clock moves), and `aep-flow runs` shows the run.
 *
 * Running it again works because the emulator keeps its objects in `.pulumi-demo/emulator-state.json`:
 * the emulator and the Pulumi state describe the same objects across runs. The demo still starts
 * with a `pulumi refresh` when the stack has resources, so if one side was wiped (say the emulator
 * file deleted) the state is reconciled first and `up` recreates what is missing, instead of
 * patching objects that are not there.
 */
import { existsSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import {
  LocalWorkspace,
  PulumiCommand,
  type EngineEvent,
  type OpMap,
  type Stack,
} from "@pulumi/pulumi/automation";
import { startEmulator } from "pulumi-aep-flow/emulator";
import type { EmulatorHandle, RequestLogEntry } from "pulumi-aep-flow/emulator";
import { runCli } from "../provider/cli";
// Type-only: it makes the build compile the example; the program loads it at run time (below).
import type * as ExampleProgram from "../examples/mailchimp/index";

const ROOT = path.resolve(__dirname, "../..");
const DEMO_DIR = path.join(ROOT, ".pulumi-demo");
const EMULATOR_STATE = path.join(DEMO_DIR, "emulator-state.json");
const BACKEND_DIR = path.join(DEMO_DIR, "backend");
const PROJECT = "aep-mailchimp-pipeline"; // the example's Pulumi.yaml name, so its config keys apply
const STACK = "demo";
/** The compiled example program; the inline program below runs it like `pulumi up` would. */
const EXAMPLE_INDEX = path.join(ROOT, "dist/examples/mailchimp/index.js");

const DEMO_ORG = "DEMO0000000000000000000@AdobeOrg";

const rel = (p: string) => path.relative(process.cwd(), p) || ".";
const say = (line = "") => process.stdout.write(`${line}\n`);
const heading = (text: string) => say(`\n== ${text}`);

async function main(): Promise<void> {
  const started = Date.now();
  say("pulumi-aep-flow demo: the Mailchimp example pipeline, deployed with the Pulumi engine");
  say("against the local Flow Service emulator (no Adobe account needed).");
  for (const dir of ["backend", "home", "workspace"])
    mkdirSync(path.join(DEMO_DIR, dir), { recursive: true });

  const stack = await openStack();
  const deployed =
    ((await stack.exportStack()).deployment as { resources?: unknown[] })?.resources ?? [];
  // A stack without resources owns nothing in the emulator: start the emulator empty as well.
  if (deployed.length === 0 && existsSync(EMULATOR_STATE)) rmSync(EMULATOR_STATE);

  const emulator = await startEmulator({ port: 0, stateFile: EMULATOR_STATE });
  try {
    say(`\nemulator   ${emulator.url} (objects kept in ${rel(EMULATOR_STATE)})`);
    say(`state      ${rel(BACKEND_DIR)} (local file backend, stack "${STACK}")`);
    await configure(stack, emulator);

    if (deployed.length > 0) {
      heading(
        "pulumi refresh (a previous run deployed the stack: reconcile it with the emulator first)",
      );
      // runProgram: without it, refresh configures the provider with the settings stored in the
      // state at the last `up` (the previous run's emulator URL), not the current stack config.
      const refresh = await stack.refresh({
        color: "never",
        runProgram: true,
        onEvent: eventPrinter("refresh"),
      });
      say(`   ${describeChanges(refresh.summary.resourceChanges)}`);
    }

    heading("pulumi up");
    const up = await stack.up({ color: "never", onEvent: printEvent });
    say(
      `   ${describeChanges(up.summary.resourceChanges)} in ${seconds(up.summary.startTime, up.summary.endTime)}`,
    );

    heading("stack outputs");
    const width = Math.max(...Object.keys(up.outputs).map((k) => k.length));
    for (const [key, output] of Object.entries(up.outputs)) {
      say(`   ${key.padEnd(width)}  ${output.secret ? "[secret]" : String(output.value)}`);
    }

    heading("pulumi up again, nothing changed");
    emulator.clearRequests();
    const again = await stack.up({ color: "never", onEvent: printEvent });
    const writes = emulator.requests().filter(isWrite);
    const changes = again.summary.resourceChanges ?? {};
    const changed = Object.entries(changes).filter(([op, n]) => op !== "same" && (n ?? 0) > 0);
    say(`   ${describeChanges(changes)}; ${writes.length} write calls to the API`);
    if (changed.length > 0 || writes.length > 0) {
      throw new Error(
        `the second up was expected to change nothing, but it reported ${describeChanges(changes)} ` +
          `and ${writes.map((r) => `${r.method} ${r.path}`).join(", ") || "no write"}`,
      );
    }

    summarize(emulator, up.outputs);
    await firstRun(emulator, String(up.outputs.dataflowId?.value));
    say(`\ndone in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  } finally {
    await emulator.close();
  }
}

/** The demo stack: an inline program that runs the compiled example, with a local backend. */
async function openStack(): Promise<Stack> {
  const program = async () => {
    // A fresh load per engine run, as `pulumi up` would give the example's index.ts.
    delete require.cache[require.resolve(EXAMPLE_INDEX)];
    return require(EXAMPLE_INDEX) as typeof ExampleProgram;
  };
  return LocalWorkspace.createOrSelectStack(
    { projectName: PROJECT, stackName: STACK, program },
    {
      workDir: path.join(DEMO_DIR, "workspace"),
      pulumiHome: path.join(DEMO_DIR, "home"),
      pulumiCommand: await PulumiCommand.get(), // the `pulumi` scripts/toolchain.sh put on PATH
      envVars: {
        PULUMI_BACKEND_URL: `file://${BACKEND_DIR}`,
        // Local demo state only: a fixed passphrase keeps the stack's secrets encrypted and
        // readable by the next run.
        PULUMI_CONFIG_PASSPHRASE: "pulumi-aep-flow-demo",
        PULUMI_SKIP_UPDATE_CHECK: "true",
      },
      projectSettings: {
        name: PROJECT,
        runtime: "nodejs",
        // The provider process starts here, where `pulumi-aep-flow` resolves (node_modules link).
        main: ROOT,
        description: "npm run demo: the Mailchimp example against the local Flow Service emulator",
      },
    },
  );
}

/** The settings a user would set with `pulumi config set`, pointed at the emulator. */
async function configure(stack: Stack, emulator: EmulatorHandle): Promise<void> {
  await stack.setAllConfig({
    "aep:platformUrl": { value: emulator.url },
    "aep:imsUrl": { value: emulator.url },
    "aep:clientId": { value: "demo-client" },
    "aep:clientSecret": { value: "demo-client-secret", secret: true },
    "aep:orgId": { value: DEMO_ORG },
    "aep:sandboxName": { value: "prod" },
    [`${PROJECT}:namePrefix`]: { value: "Demo" },
    [`${PROJECT}:mailchimpUsername`]: { value: "demo-user" },
    [`${PROJECT}:mailchimpPassword`]: { value: "demo-mailchimp-api-key-us21", secret: true },
    [`${PROJECT}:campaignId`]: { value: "c66a200cda" },
  });
}

const SYMBOLS: Record<string, string> = {
  create: "+",
  update: "~",
  delete: "-",
  replace: "+-",
  "create-replacement": "+-",
  "delete-replaced": "--",
  refresh: "~",
  read: ">",
  import: "=",
};

/** One line per resource operation the engine finished; warnings and errors as they come. */
const printEvent = eventPrinter("up");

/** For a refresh, a delete means "gone remotely, dropped from the state", an update "drifted". */
function eventPrinter(kind: "up" | "refresh"): (event: EngineEvent) => void {
  return (event) => printEngineEvent(event, kind);
}

function printEngineEvent(event: EngineEvent, kind: "up" | "refresh"): void {
  const done = event.resOutputsEvent?.metadata;
  // A refresh reads custom resources only. For the component (`custom` absent) the engine still
  // sends an "update" whose old and new states are equal and which its summary does not count.
  const component = (done?.new ?? done?.old)?.custom !== true;
  if (
    done &&
    done.op !== "same" &&
    !/^pulumi:(pulumi:Stack|providers:)/.test(done.type) &&
    !(kind === "refresh" && component)
  ) {
    const name = done.urn.split("::").pop() ?? done.urn;
    const type = done.type.replace(/^pulumi-nodejs:dynamic\//, "");
    const id = done.new?.id ?? done.old?.id ?? "";
    const verbs: Record<string, string> =
      kind === "refresh"
        ? { update: "drifted", delete: "gone" }
        : { create: "created", update: "updated", delete: "deleted", replace: "replaced" };
    const verb = verbs[done.op];
    const diff = done.diffs?.length ? ` [${done.diffs.join(", ")}]` : "";
    say(
      `   ${(SYMBOLS[done.op] ?? " ").padEnd(2)} ${(verb ?? done.op).padEnd(10)} ` +
        `${type.padEnd(35)} ${name.padEnd(18)} ${id}${diff}`.trimEnd(),
    );
  }
  const failed = event.resOpFailedEvent?.metadata;
  if (failed) say(`   !! ${failed.op} failed: ${failed.urn.split("::").pop()}`);
  const diagnostic = event.diagnosticEvent;
  if (diagnostic && (diagnostic.severity === "error" || diagnostic.severity === "warning")) {
    // The CLI notes that it found the dynamic provider plugin on PATH: expected here, so not shown.
    if (!/using pulumi-resource-pulumi-nodejs from \$PATH/.test(diagnostic.message)) {
      say(`   ${diagnostic.severity}: ${diagnostic.message.trim()}`);
    }
  }
}

function describeChanges(changes: OpMap | undefined): string {
  const entries = Object.entries(changes ?? {}).filter(([op]) => op !== "same");
  const same = changes?.same ?? 0;
  const past: Record<string, string> = {
    create: "created",
    update: "updated",
    delete: "deleted",
    replace: "replaced",
    import: "imported",
  };
  const parts = entries.map(([op, n]) => `${n} ${past[op] ?? op}`);
  if (parts.length === 0) return `no changes (${same} unchanged)`;
  return same > 0 ? `${parts.join(", ")}, ${same} unchanged` : parts.join(", ");
}

function seconds(start: Date, end: Date): string {
  return `${((end.getTime() - start.getTime()) / 1000).toFixed(1)}s`;
}

function isWrite(request: RequestLogEntry): boolean {
  return (
    /^(POST|PATCH|PUT|DELETE)$/i.test(request.method) &&
    /^\/data\/foundation\/(flowservice|catalog|schemaregistry|conversion)\//.test(request.path)
  );
}

function summarize(emulator: EmulatorHandle, outputs: Record<string, { value: unknown }>): void {
  heading("summary");
  const flow = emulator.objects("flows")[0];
  const mapping = (
    flow?.transformations as Array<{ params?: Record<string, unknown> }> | undefined
  )?.[0];
  const out = (key: string) => String(outputs[key]?.value);
  say(
    '   In the emulator\'s sandbox "prod", the children of the MailchimpCampaignPipeline "mailchimp",',
  );
  say("   every step of Adobe's Mailchimp walk-through:");
  say(`   - XDM schema    ${out("schemaId")} (ExperienceEvent, Campaign Marketing, End User IDs)`);
  say(`   - dataset       ${out("dataSetId")}, following that schema`);
  say(
    `   - mapping set   ${out("mappingSetId")} version ${String(mapping?.params?.mappingVersion ?? "?")}: Mailchimp fields into XDM fields`,
  );
  say(
    `   - account       ${out("baseConnectionId")} (Basic Authentication; the API key is a secret in the stack)`,
  );
  say(`   - source        ${out("sourceConnectionId")} for campaign c66a200cda`);
  say(`   - target        ${out("targetConnectionId")}: the data lake, that dataset`);
  say(
    `   - dataflow      ${out("dataflowId")} every 15 minutes through the mapping, ${String(flow?.state ?? "?")}`,
  );
  say("");
  say(
    `   Pulumi state: ${rel(BACKEND_DIR)} (stack "${STACK}", passphrase "pulumi-aep-flow-demo").`,
  );
  say(
    `   Emulator objects: ${rel(EMULATOR_STATE)}; this run's emulator (${emulator.url}) stops now.`,
  );
  say("   Run `npm run demo` again: the same objects, no changes. Start over: rm -rf .pulumi-demo");
  say("");
  say("   Your own program against the emulator:");
  say("     npm run emulator -- --port 4010            # add --state <file> to keep its objects");
  say("     pulumi config set aep:platformUrl http://127.0.0.1:4010");
  say("     pulumi config set aep:imsUrl http://127.0.0.1:4010");
  say("     pulumi config set aep:clientId local");
  say("     pulumi config set --secret aep:clientSecret local");
  say("     pulumi config set aep:orgId 0123456789ABCDEF01234567@AdobeOrg");
  say("   (or the AEP_PLATFORM_URL, AEP_IMS_URL, AEP_CLIENT_ID, ... environment variables).");
}

/** A run takes its emulated time (half a minute or so) once it has started. */
const RUN_ALLOWANCE_MS = 2 * 60_000;
const FIFTEEN_MINUTES_MS = 15 * 60_000;

/**
 * Moves the emulator's clock to the dataflow's first run (or, on a later demo, to its next one)
 * and a little past it, then shows `aep-flow runs <dataflowId>` as a user would run it.
 */
async function firstRun(emulator: EmulatorHandle, dataflowId: string): Promise<void> {
  const flow = emulator.objects("flows").find((object) => object.id === dataflowId);
  const start =
    Number((flow?.scheduleParams as { startTime?: unknown } | undefined)?.startTime) * 1000;
  const target =
    emulator.now() < start ? start + RUN_ALLOWANCE_MS : emulator.now() + FIFTEEN_MINUTES_MS;
  heading(
    emulator.now() < start
      ? `the first run: the emulator's clock jumps to the schedule's start (${new Date(start).toISOString()})`
      : "the next run: the emulator's clock moves 15 minutes on",
  );
  emulator.advanceClock(target - emulator.now());
  say(`   $ aep-flow runs ${dataflowId}`);
  const env = {
    AEP_PLATFORM_URL: emulator.url,
    AEP_IMS_URL: emulator.url,
    AEP_CLIENT_ID: "demo-client",
    AEP_CLIENT_SECRET: "demo-client-secret",
    AEP_ORG_ID: DEMO_ORG,
    AEP_SANDBOX_NAME: "prod",
  };
  const indent = (text: string) => say(text.replace(/^/gm, "   "));
  const code = await runCli(["runs", dataflowId, "--limit", "5"], {
    env,
    output: {
      out: indent,
      err: indent,
      columns: process.stdout.isTTY ? process.stdout.columns - 3 : undefined,
    },
  });
  if (code !== 0) throw new Error(`aep-flow runs ${dataflowId} exited with ${code}`);
  say("");
  say("   Against a real org, with the stack's aep:* config (or the AEP_* variables):");
  say(
    `     npx aep-flow runs <dataflowId> --stack <stack> --watch   # follow the newest run; exit 1 if it fails`,
  );
  say(
    "     npx aep-flow flows --stack <stack>                       # every dataflow and its last run",
  );
  say(
    "   and `waitForFirstRun: true` on the Dataflow makes `pulumi up` wait for the first run itself.",
  );
}

main().then(
  () => {
    process.exitCode = 0;
  },
  (error: unknown) => {
    process.stderr.write(
      `\ndemo failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
