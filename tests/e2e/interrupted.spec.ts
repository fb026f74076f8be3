/**
 * End to end, under the real Pulumi engine against the emulator: the Pulumi CLI is killed with
 * SIGKILL in the middle of `pulumi up` (during creates, a replacement, an update) and of
 * `pulumi destroy`, the way a CI timeout or a cancelled job ends it. Then the documented path
 * (`pulumi cancel`, `aep-flow recover`, `pulumi refresh` when told, the interrupted command again)
 * must end with the emulator holding exactly what the state holds: the same ids, no duplicate
 * name, no orphan, no pending operation.
 *
 * How the kill is placed: the emulator delays the chosen request; once its request log shows the
 * request arrived, the CLI process (the Automation API's child) gets SIGKILL. Pulumi starts its
 * provider process in a process group of its own, so that process outlives the CLI, finishes the
 * request in flight (the object is created, the state never learns it) and would then idle
 * forever: the test ends it by pid, as the end of a CI job would.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import type { Stack } from "@pulumi/pulumi/automation";
import { mailchimpPipeline, pipelineIds } from "../../examples/mailchimp/pipeline";
import type { Collection, RequestLogEntry } from "../../provider/emulator/types";
import {
  useE2E,
  MAILCHIMP_PASSWORD,
  CLIENT_SECRET,
  PIPELINE_COLLECTIONS,
  PipelineStack,
  REPO_ROOT,
  stateResources,
  TYPES,
  CHILD_NAMES,
} from "./harness";

const run = promisify(execFile);

const FLOW_SERVICE = "/data/foundation/flowservice";
const CATALOG = "/data/foundation/catalog";
const REGISTRY = "/data/foundation/schemaregistry";
const DATA_PREP = "/data/foundation/conversion";
/** How long the emulator holds the request the run is killed in. */
const HOLD_MS = 2_000;
const CLI = path.join(REPO_ROOT, "dist/provider/cli/index.js");
/** The creates of a first `up` that wait for nothing, and the two that wait for them. */
const FIRST_CREATES = [
  { method: "POST", path: `${CATALOG}/dataSets` },
  { method: "POST", path: `${FLOW_SERVICE}/connections` },
];
const CONNECTION_CREATES = [
  { method: "POST", path: `${FLOW_SERVICE}/sourceConnections` },
  { method: "POST", path: `${FLOW_SERVICE}/targetConnections` },
];

const TYPE_OF: Record<string, string> = {
  dataSets: TYPES.dataset,
  connections: TYPES.baseConnection,
  sourceConnections: TYPES.sourceConnection,
  targetConnections: TYPES.targetConnection,
  flows: TYPES.dataflow,
};

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

describe("e2e: a run killed with SIGKILL, then aep-flow recover", function () {
  this.timeout(240_000);
  const e2e = useE2E();

  /** The environment every `pulumi` and `aep-flow` run of a stack gets. */
  function env(): NodeJS.ProcessEnv {
    const bin = process.env.AEP_PULUMI_BIN;
    const PATH = bin
      ? `${path.dirname(bin)}${path.delimiter}${process.env.PATH}`
      : process.env.PATH;
    return { ...process.env, ...e2e.envVars(), PATH };
  }

  /** A stack: a PipelineStack, or `{ stack }` of another program. */
  type Target = Pick<PipelineStack, "stack">;

  async function pulumi(pipeline: Target, ...args: string[]): Promise<string> {
    const { stdout } = await run("pulumi", [...args, "--stack", pipeline.stack.name], {
      cwd: pipeline.stack.workspace.workDir,
      env: env(),
    });
    return stdout;
  }

  /** `aep-flow recover --stack <s> --cwd <program folder> <args>`, as a user runs it. */
  async function recover(pipeline: Target, ...args: string[]): Promise<CliResult> {
    const argv = [
      CLI,
      "recover",
      "--stack",
      pipeline.stack.name,
      "--cwd",
      pipeline.stack.workspace.workDir,
      ...args,
    ];
    try {
      const { stdout, stderr } = await run(process.execPath, argv, { env: env() });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      return { code: Number(e.code ?? -1), stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
    }
  }

  async function recoverJson(pipeline: Target, ...args: string[]) {
    const result = await recover(pipeline, ...args, "--json");
    assert.equal(result.code, 0, `recover ${args.join(" ")} failed: ${result.stderr}`);
    assert.equal(result.stderr, "");
    return JSON.parse(result.stdout) as {
      applied: boolean;
      operations: Array<{
        urn: string;
        type: string;
        name: string;
        operation: string;
        status: string;
        id?: string;
        action: string;
      }>;
      next: string[];
    };
  }

  /**
   * Runs `operation` (an Automation API call, which runs the Pulumi CLI as a child process) and
   * kills that CLI with SIGKILL once the emulator has received every request `held` describes,
   * each held by injected latency. Resolves once the orphaned provider process has finished those
   * requests and been ended.
   */
  async function killDuring(
    operation: () => Promise<unknown>,
    held: Array<{ method: string; path: string }>,
  ): Promise<void> {
    for (const request of held) e2e.emulator.inject({ ...request, latencyMs: HOLD_MS });
    const before = e2e.emulator.requests().length;
    const outcome = operation().then(
      () => "completed",
      (error: Error) => error.message,
    );
    const arrivedOf = () =>
      held.map((h) =>
        e2e.emulator
          .requests()
          .slice(before)
          .find((r) => r.method === h.method && r.path === h.path),
      );
    await until(() => arrivedOf().every(Boolean), "the held requests to arrive");
    const cli = pulumiChild();
    const provider = descendants(cli);
    process.kill(cli, "SIGKILL");
    assert.match(await outcome, /SIGKILL/);
    // The provider process is still running and finishes the held requests.
    await until(
      () => arrivedOf().every((entry) => entry !== undefined && entry.status !== 0),
      "the orphaned provider process to finish the held requests",
    );
    for (const entry of arrivedOf() as RequestLogEntry[]) {
      assert.ok(
        entry.status >= 200 && entry.status < 300,
        `${entry.method} ${entry.path}: ${entry.status}`,
      );
    }
    for (const pid of provider.reverse()) killQuietly(pid);
  }

  /** The Pulumi CLI the Automation API started (a child of this process). */
  function pulumiChild(): number {
    const found = childrenOf(process.pid).filter((pid) =>
      /\bpulumi (up|destroy)\b/.test(commandLine(pid)),
    );
    assert.equal(found.length, 1, `one running pulumi CLI expected, found ${found.length}`);
    return found[0]!;
  }

  /** Emulator objects of each pipeline collection equal the state's resources: ids, no duplicates. */
  async function assertInLine(pipeline: PipelineStack): Promise<void> {
    const exported = await pipeline.stack.exportStack();
    const deployment = exported.deployment as { pending_operations?: unknown[] };
    assert.deepEqual(deployment.pending_operations ?? [], [], "no pending operation is left");
    const state = await stateResources(pipeline.stack);
    for (const collection of PIPELINE_COLLECTIONS) {
      const objects = e2e.objects(collection as Collection);
      const names = objects.map((o) => String(o.name));
      assert.equal(new Set(names).size, names.length, `duplicate names in ${collection}: ${names}`);
      assert.deepEqual(
        objects.map((o) => String(o.id)).sort(),
        state
          .filter((r) => r.type === TYPE_OF[collection])
          .map((r) => String(r.id))
          .sort(),
        `${collection}: the emulator and the state hold the same ids`,
      );
    }
  }

  function assertNoPlaintextSecret(): void {
    for (const { file, text } of e2e.backendFiles()) {
      assert.ok(!text.includes(MAILCHIMP_PASSWORD), `${file} holds the Mailchimp password`);
      assert.ok(!text.includes(CLIENT_SECRET), `${file} holds the client secret`);
    }
  }

  it("without recover, the next up creates a second source and target connection (why it exists)", async () => {
    const pipeline = await PipelineStack.create(e2e);
    await killDuring(() => pipeline.up(), CONNECTION_CREATES);
    await pulumi(pipeline, "cancel", "--yes");
    await pipeline.up();
    assert.equal(e2e.objects("sourceConnections").length, 2);
    assert.equal(e2e.objects("targetConnections").length, 2);
  });

  it("killed during the first creates: recover --adopt records the dataset and the account, up creates the rest once", async () => {
    const pipeline = await PipelineStack.create(e2e);
    await killDuring(() => pipeline.up(), FIRST_CREATES);
    const dataset = e2e.only("dataSets");
    const account = e2e.only("connections");
    await pulumi(pipeline, "cancel", "--yes");

    // The plan, as a person reads it: nothing changes yet.
    const plan = await recover(pipeline);
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, /2 interrupted operations on pulumi-aep-flow resources:/);
    assert.match(
      plan.stdout,
      new RegExp(`Dataset ${CHILD_NAMES.dataset} +creating +${dataset.id} \\(created `),
    );
    assert.match(
      plan.stdout,
      new RegExp(
        `BaseConnection ${CHILD_NAMES.baseConnection} +creating +${account.id} \\(created `,
      ),
    );
    assert.match(plan.stdout, /Nothing was changed\./);
    assert.match(
      plan.stdout,
      /Next: aep-flow recover --stack t\d+ --cwd \S+ --adopt {3}\(or --delete\)/,
    );
    const pendingBefore = (await pipeline.stack.exportStack()).deployment.pending_operations;
    assert.equal((pendingBefore as unknown[]).length, 2);

    const adopted = await recoverJson(pipeline, "--adopt");
    assert.equal(adopted.applied, true);
    assert.deepEqual(
      adopted.operations.map((o) => [o.type, o.operation, o.status, o.id, o.action]).sort(),
      [
        [TYPES.baseConnection, "creating", "found", account.id, "adopted"],
        [TYPES.dataset, "creating", "found", dataset.id, "adopted"],
      ],
    );
    assertNoPlaintextSecret();

    e2e.emulator.clearRequests();
    const up = await pipeline.up();
    // The adopted resources diff clean: only the three the killed run never reached are created.
    assert.deepEqual(up.summary.resourceChanges, { create: 3, same: 4 });
    assert.deepEqual(
      e2e
        .apiWrites()
        .map((r) => `${r.method} ${r.path.replace(FLOW_SERVICE, "")}`)
        .sort(),
      ["POST /flows", "POST /sourceConnections", "POST /targetConnections"],
    );
    await assertInLine(pipeline);
    assert.equal(e2e.only("dataSets").id, dataset.id);
    assert.equal(e2e.only("connections").id, account.id);
    assertNoPlaintextSecret();
  });

  it("killed while source and target connections are created: recover --delete removes them, up creates them once", async () => {
    const pipeline = await PipelineStack.create(e2e);
    await killDuring(() => pipeline.up(), CONNECTION_CREATES);
    const leaked = [e2e.only("sourceConnections").id, e2e.only("targetConnections").id];

    // The killed run still holds the stack's lock: recover stops before touching Adobe.
    const locked = await recover(pipeline, "--delete");
    assert.equal(locked.code, 1);
    assert.equal(locked.stderr.trim().split("\n").length, 1, locked.stderr);
    assert.match(
      locked.stderr.trim(),
      /^error: `pulumi stack import --stack t\d+` failed: could not import deployment: the stack is currently locked .*`pulumi cancel`\. The interrupted run's lock is still held: once none of its `pulumi` processes is left, run `pulumi cancel --yes --stack t\d+ --cwd \S+`, then aep-flow recover again\. Nothing was changed\.$/,
    );
    assert.equal(e2e.objects("sourceConnections").length, 1);
    assert.equal(e2e.objects("targetConnections").length, 1);

    await pulumi(pipeline, "cancel", "--yes");
    const deleted = await recoverJson(pipeline, "--delete");
    assert.deepEqual(deleted.operations.map((o) => [o.type, o.status, o.id, o.action]).sort(), [
      [TYPES.sourceConnection, "found", leaked[0], "deleted"],
      [TYPES.targetConnection, "found", leaked[1], "deleted"],
    ]);
    assert.equal(e2e.objects("sourceConnections").length, 0);
    assert.equal(e2e.objects("targetConnections").length, 0);

    const up = await pipeline.up();
    assert.deepEqual(up.summary.resourceChanges, { create: 3, same: 4 });
    await assertInLine(pipeline);
    assert.ok(!leaked.includes(String(e2e.only("sourceConnections").id)));

    // Nothing is left to recover.
    const again = await recover(pipeline);
    assert.equal(again.code, 0);
    assert.match(
      again.stdout,
      /^No interrupted operation on a pulumi-aep-flow resource in stack "t\d+": nothing to recover\.$/m,
    );
  });

  it("killed while the walk-through's schema and account are created: recover --adopt records both, up creates the rest once", async () => {
    const stack: Stack = await e2e.newStack(async () =>
      pipelineIds(
        mailchimpPipeline("mailchimp", {
          namePrefix: "e2e",
          mailchimpUsername: "e2e-mailchimp-user",
          mailchimpPassword: MAILCHIMP_PASSWORD,
          campaignId: "c66a200cda",
          startTime: 1893456000,
        }),
      ),
    );
    // The two creates of the example that wait for nothing; everything else waits for them.
    await killDuring(
      () => stack.up({ color: "never" }),
      [
        { method: "POST", path: `${REGISTRY}/tenant/schemas` },
        { method: "POST", path: `${FLOW_SERVICE}/connections` },
      ],
    );
    const schema = e2e.only("schemas");
    const account = e2e.only("connections");
    await pulumi({ stack }, "cancel", "--yes");

    const adopted = await recoverJson({ stack }, "--adopt");
    assert.deepEqual(
      adopted.operations.map((o) => [o.type, o.name, o.status, o.id, o.action]).sort(),
      [
        [TYPES.baseConnection, "mailchimp-base", "found", account.id, "adopted"],
        ["pulumi-nodejs:dynamic/aep:XdmSchema", "mailchimp-schema", "found", schema.$id, "adopted"],
      ],
    );

    e2e.emulator.clearRequests();
    const up = await stack.up({ color: "never" });
    // The adopted schema and account diff clean (the stack and the component are the other two).
    assert.deepEqual(up.summary.resourceChanges, { create: 5, same: 4 });
    assert.deepEqual(
      e2e.emulator
        .requests()
        .filter((r) => /^(POST|PUT|PATCH|DELETE)$/.test(r.method) && r.path.startsWith("/data/"))
        .map((r) => `${r.method} ${r.path}`)
        .sort(),
      [
        `POST ${CATALOG}/dataSets`,
        `POST ${DATA_PREP}/mappingSets`,
        `POST ${FLOW_SERVICE}/flows`,
        `POST ${FLOW_SERVICE}/sourceConnections`,
        `POST ${FLOW_SERVICE}/targetConnections`,
      ],
    );
    const state = await stateResources(stack);
    assert.equal(e2e.only("schemas").$id, schema.$id);
    assert.deepEqual(
      state.filter((r) => r.type.endsWith(":XdmSchema")).map((r) => r.id),
      [schema.$id],
    );
    assert.equal((e2e.only("dataSets").schemaRef as { id: string }).id, schema.$id);
    assert.equal(e2e.only("connections").id, account.id);
    assertNoPlaintextSecret();
  });

  it("killed during a replacement: the adopted new source connection replaces the old one, up deletes the old", async () => {
    const pipeline = await PipelineStack.create(e2e);
    await pipeline.up();
    const oldSource = e2e.only("sourceConnections");
    const oldFlow = e2e.only("flows");
    pipeline.set({ campaignId: "b7e1f04a2c" });
    await killDuring(
      () => pipeline.up(),
      [{ method: "POST", path: `${FLOW_SERVICE}/sourceConnections` }],
    );
    const newSource = e2e.objects("sourceConnections").find((o) => o.id !== oldSource.id)!;
    assert.deepEqual(newSource.params, { campaignId: "b7e1f04a2c" });
    await pulumi(pipeline, "cancel", "--yes");

    const adopted = await recoverJson(pipeline, "--adopt");
    assert.deepEqual(
      adopted.operations.map((o) => [o.name, o.status, o.id, o.action]),
      [[CHILD_NAMES.sourceConnection, "found", newSource.id, "adopted"]],
    );
    const up = await pipeline.up();
    assert.deepEqual(up.summary.resourceChanges, { replace: 1, same: 6 });
    await assertInLine(pipeline);
    assert.equal(e2e.only("sourceConnections").id, newSource.id);
    assert.notEqual(e2e.only("flows").id, oldFlow.id);
    assert.deepEqual(e2e.only("flows").sourceConnectionIds, [newSource.id]);
  });

  it("killed during an update: recover clears it and says to refresh; refresh and up converge", async () => {
    const pipeline = await PipelineStack.create(e2e);
    await pipeline.up();
    pipeline.set({ intervalMinutes: 30 });
    await killDuring(
      () => pipeline.up(),
      [{ method: "PATCH", path: `${FLOW_SERVICE}/flows/${e2e.only("flows").id}` }],
    );
    await pulumi(pipeline, "cancel", "--yes");

    const plan = await recoverJson(pipeline);
    assert.deepEqual(
      plan.operations.map((o) => [o.type, o.operation, o.status, o.action]),
      [[TYPES.dataflow, "updating", "refresh", "clear"]],
    );
    const cleared = await recoverJson(pipeline, "--adopt");
    assert.equal(cleared.operations[0]?.action, "cleared");
    assert.match(cleared.next[0] ?? "", /^pulumi refresh --yes --stack t\d+ /);

    await pipeline.refresh();
    const up = await pipeline.up();
    assert.deepEqual(up.summary.resourceChanges, { same: 7 });
    await assertInLine(pipeline);
    assert.equal((e2e.only("flows").scheduleParams as { interval: string }).interval, "30");
  });

  it("killed during destroy: recover clears the interrupted delete; refresh and destroy leave nothing", async () => {
    const pipeline = await PipelineStack.create(e2e);
    await pipeline.up();
    await killDuring(
      () => pipeline.destroy(),
      [{ method: "DELETE", path: `${FLOW_SERVICE}/flows/${e2e.only("flows").id}` }],
    );
    assert.equal(e2e.objects("flows").length, 0);
    await pulumi(pipeline, "cancel", "--yes");

    const cleared = await recoverJson(pipeline, "--delete");
    assert.deepEqual(
      cleared.operations.map((o) => [o.type, o.operation, o.action]),
      [[TYPES.dataflow, "deleting", "cleared"]],
    );
    await pipeline.refresh();
    await pipeline.destroy();
    await assertInLine(pipeline);
    assert.deepEqual(await stateResources(pipeline.stack), []);
    assert.deepEqual(Object.values(e2e.counts()), [0, 0, 0, 0, 0]);
  });
});

async function until(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Child processes of `pid`, from /proc (Linux). */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // Fields after the command name, which is in parentheses: state, ppid, ...
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return children;
}

function descendants(pid: number): number[] {
  return childrenOf(pid).flatMap((child) => [child, ...descendants(child)]);
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
  } catch {
    return "";
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}
