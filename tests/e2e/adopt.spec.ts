/**
 * End to end, under the real Pulumi engine against the emulator: pipelines made outside Pulumi
 * (over plain HTTP, as the Experience Platform UI makes them) are exported with `aep-flow export`,
 * and the generated program, installed in a program folder of its own, adopts them. `up` creates
 * nothing and writes only the declared credentials; the next preview is empty; an edit of the
 * program is an ordinary update; `destroy` deletes what was adopted (or, with `retainOnDelete`,
 * leaves it); and a program whose declaration cannot be the object it names is refused before any
 * write.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { Dataflow, flowSpecIds } from "pulumi-aep-flow";
import type { RequestLogEntry } from "../../provider/emulator/types";
import { DATA_PREP, FLOW } from "../emulator/helpers";
import {
  CLIENT_ID,
  CLIENT_SECRET,
  useE2E,
  ORG_ID,
  SANDBOX,
  stateResources,
  type StateResource,
} from "./harness";
import {
  MAILCHIMP_USER,
  START_TIME,
  UI_MAPPINGS,
  UI_PASSWORD,
  compileProgram,
  counts,
  editProgram,
  generatedProgram,
  installProgram,
  programAutomation,
  programSource,
  readManifest,
  replaceOnce,
  retainOnDelete,
  runExport,
  readmeConfig,
  seedSandbox,
  snapshot,
  type Seeded,
} from "./adopt/fixtures";
import {
  CURRENT_VERSION,
  PACKAGE,
  packReleases,
  userAgentOf,
  type Release,
} from "./layouts/fixtures";

const IMS_TOKEN = "/ims/token/v3";

/** The account's password in the stack config: the key the generated program reads it from. */
const CREDENTIAL_KEY = "acmeMailchimpAccountPassword";
/** The key the team sets with `pulumi config set --secret`: not the one the account was made with. */
const CONFIG_PASSWORD = "mc-config-key-9d41c7e2-us21";

/** What the seeded sandbox holds, by collection (no flow has run). */
const SEEDED_COUNTS = {
  runs: 0,
  schemas: 1,
  dataSets: 2,
  mappingSets: 1,
  connections: 1,
  sourceConnections: 3,
  targetConnections: 3,
  flows: 3,
};
/** The program's resources: the seeded objects and the stack. */
const RESOURCES = 1 + Object.values(SEEDED_COUNTS).reduce((sum, count) => sum + count, 0);

/** `METHOD path` of each write to an Adobe service (IMS, whose token is no write, aside). */
function writes(requests: RequestLogEntry[]): string[] {
  return requests
    .filter((request) => /^(POST|PUT|PATCH|DELETE)$/.test(request.method))
    .filter((request) => request.path.startsWith("/data/"))
    .map((request) => `${request.method} ${request.path}`);
}

/** The seeded ids each resource type of the program must hold. */
function seededIds(seeded: Seeded): Record<string, string[]> {
  const sorted = (ids: string[]) => [...ids].sort();
  return {
    XdmSchema: [seeded.schemaId],
    Dataset: sorted(seeded.dataSetIds),
    MappingSet: [seeded.mappingSetId],
    BaseConnection: [seeded.baseId],
    SourceConnection: sorted(seeded.flows.map((flow) => flow.sourceId)),
    TargetConnection: sorted(seeded.flows.map((flow) => flow.targetId)),
    Dataflow: sorted(seeded.flows.map((flow) => flow.flowId)),
  };
}

/** The ids in the state, by resource type (`aep:<Type>`). */
function stateIds(resources: StateResource[]): Record<string, string[]> {
  const ids: Record<string, string[]> = {};
  for (const resource of resources) {
    const type = resource.type.replace(/^pulumi-nodejs:dynamic\/aep:/, "");
    (ids[type] ??= []).push(String(resource.id));
  }
  for (const list of Object.values(ids)) list.sort();
  return ids;
}

describe("e2e: pipelines made outside Pulumi, exported by aep-flow export and adopted", function () {
  this.timeout(300_000);
  const e2e = useE2E();
  let root: string;
  let release: Release;
  let stackCount = 0;

  before(() => {
    root = mkdtempSync(path.join(e2e.root, "adopt-"));
    release = packReleases(path.join(root, "releases"), [CURRENT_VERSION]).get(CURRENT_VERSION)!;
  });

  /**
   * `aep-flow export --out <folder>` of the seeded sandbox (which it only reads), then the folder
   * installed and compiled: a program folder like any other.
   */
  async function exportedProgram(name: string): Promise<string> {
    const program = path.join(root, name);
    e2e.emulator.clearRequests();
    const result = await runExport(e2e.emulator, ["--out", program]);
    assert.equal(result.code, 0, `aep-flow export failed:\n${result.stdout}${result.stderr}`);
    assert.equal(result.stderr, "");
    assert.equal(
      result.stdout.split("\n")[0],
      `Exported 3 dataflows of sandbox "${SANDBOX}" (org ${ORG_ID}) into ${program}: 14 resources, each with adopt set.`,
    );
    assert.deepEqual(writes(e2e.emulator.requests()), [], "export writes nothing");
    assert.deepEqual(readdirSync(program).sort(), [
      "Pulumi.yaml",
      "README.md",
      "index.ts",
      "package.json",
      "tsconfig.json",
    ]);
    assert.equal(readManifest(program).dependencies[PACKAGE], CURRENT_VERSION);
    // No credential is written anywhere: the account's password is a secret config value.
    for (const file of readdirSync(program)) {
      const text = readFileSync(path.join(program, file), "utf8");
      assert.equal(text.includes(UI_PASSWORD), false, `${file} holds no password`);
      assert.equal(text.includes("********"), false, `${file} holds no masked value`);
    }
    installProgram(program, release);
    compileProgram(program);
    return program;
  }

  /**
   * A stack of the program folder, configured as its README says: every `pulumi config set` line
   * it lists, with this suite's values for the placeholders, and the emulator's address (which
   * the README leaves out: a program talks to Adobe by default).
   */
  async function programStack(program: string): Promise<Stack> {
    stackCount += 1;
    const stack = await e2e.openStack(
      `adopt${stackCount}`,
      generatedProgram(program),
      { workDir: program, automation: programAutomation(program), folderProject: true },
      false,
    );
    const lines = readmeConfig(program);
    assert.deepEqual(lines, [
      { key: CREDENTIAL_KEY, value: "<value>", secret: true },
      { key: "aep:orgId", value: ORG_ID, secret: false },
      { key: "aep:sandboxName", value: SANDBOX, secret: false },
      { key: "aep:clientId", value: "<client id>", secret: false },
      { key: "aep:clientSecret", value: "<client secret>", secret: true },
    ]);
    const placeholders: Record<string, string> = {
      [CREDENTIAL_KEY]: CONFIG_PASSWORD,
      "aep:clientId": CLIENT_ID,
      "aep:clientSecret": CLIENT_SECRET,
    };
    await stack.setAllConfig({
      ...Object.fromEntries(
        lines.map(({ key, value, secret }) => [
          key,
          { value: value.startsWith("<") ? placeholders[key]! : value, secret },
        ]),
      ),
      "aep:platformUrl": { value: e2e.emulator.url },
      "aep:imsUrl": { value: e2e.emulator.url },
    });
    return stack;
  }

  /**
   * The first preview and `up` of the generated program: every seeded object adopted under its own id, no
   * object created, and one write: the declared credentials of the account (masked on read, so
   * they cannot be compared), with the etag the account had.
   */
  async function adoptAll(stack: Stack, seeded: Seeded): Promise<void> {
    const before = snapshot(e2e.emulator);
    const account = e2e.only("connections");
    e2e.emulator.clearRequests();

    // As the README says: preview shows every resource as a create (adoption happens at create).
    const preview = await stack.preview({ color: "never" });
    assert.deepEqual(preview.changeSummary, { create: RESOURCES });
    assert.deepEqual(writes(e2e.emulator.requests()), []);
    e2e.emulator.clearRequests();

    const up = await stack.up({ color: "never" });
    assert.deepEqual(up.summary.resourceChanges, { create: RESOURCES });
    // The program's outputs: each flow's id.
    assert.deepEqual(
      Object.values(up.outputs)
        .map((output) => output.value as string)
        .sort(),
      seededIds(seeded).Dataflow,
    );
    const requests = e2e.emulator.requests();
    assert.deepEqual(
      [...new Set(requests.filter((r) => r.method === "POST").map((r) => r.path))],
      [IMS_TOKEN],
      "no POST but the token's",
    );
    assert.deepEqual(writes(requests), [`PATCH ${FLOW}/connections/${seeded.baseId}`]);
    // Every call came from the copy installed in the program folder (its User-Agent says so).
    assert.deepEqual(
      [...new Set(requests.map((request) => request.headers["user-agent"]))],
      [userAgentOf(CURRENT_VERSION)],
    );
    const patch = requests.find((request) => request.method === "PATCH");
    assert.equal(patch?.headers["if-match"], account.etag);
    assert.deepEqual(patch?.body, [
      {
        op: "replace",
        path: "/auth/params",
        value: {
          authorizationTestUrl: "https://login.mailchimp.com/oauth2/metadata",
          username: MAILCHIMP_USER,
          password: "[REDACTED]",
        },
      },
    ]);

    const resources = await stateResources(stack);
    assert.deepEqual(stateIds(resources), seededIds(seeded));
    for (const resource of resources) {
      assert.equal(resource.inputs?.adopt, resource.id, `${resource.urn} declares adopt: its id`);
    }
    // The emulator holds what it held, but for the account's credentials (and so its etag).
    const after = snapshot(e2e.emulator);
    const adoptedAccount = e2e.only("connections");
    assert.notEqual(adoptedAccount.etag, account.etag);
    assert.deepEqual(adoptedAccount, {
      ...account,
      auth: {
        specName: "Basic Authentication",
        params: {
          authorizationTestUrl: "https://login.mailchimp.com/oauth2/metadata",
          username: MAILCHIMP_USER,
          password: CONFIG_PASSWORD,
        },
      },
      etag: adoptedAccount.etag,
      version: adoptedAccount.etag,
      updatedAt: adoptedAccount.updatedAt,
      updatedBy: CLIENT_ID,
      updatedClient: CLIENT_ID,
    });
    assert.deepEqual({ ...after, connections: [] }, { ...before, connections: [] });

    // Neither password, nor the client secret, is in the state or the request log in plain text.
    const stored = e2e.backendFiles().map((file) => file.text);
    const logged = JSON.stringify(requests);
    for (const secret of [UI_PASSWORD, CONFIG_PASSWORD, CLIENT_SECRET]) {
      assert.equal(
        stored.some((text) => text.includes(secret)),
        false,
        "state: no secret",
      );
      assert.equal(logged.includes(secret), false, "request log: no secret");
    }
  }

  it("up adopts every object with one PATCH (the credentials); preview is empty; edits are updates; destroy deletes", async () => {
    const seeded = await seedSandbox(e2e.emulator);
    const program = await exportedProgram("exported");
    // Shared objects are declared once: one account for three flows, one schema for all.
    const source = programSource(program);
    assert.equal(source.match(/new aep\.BaseConnection\(/g)?.length, 1);
    assert.equal(source.match(/new aep\.XdmSchema\(/g)?.length, 1);
    assert.equal(source.match(/new aep\.Dataset\(/g)?.length, 2);
    const stack = await programStack(program);
    await adoptAll(stack, seeded);

    e2e.emulator.clearRequests();
    const preview = await stack.preview({ color: "never", diff: true });
    assert.deepEqual(preview.changeSummary, { same: RESOURCES });
    assert.deepEqual(writes(e2e.emulator.requests()), []);

    // A schedule edit: one PATCH of that member, with the flow's etag; nothing replaced.
    const [spring, summer] = seeded.flows as [Seeded["flows"][0], Seeded["flows"][0]];
    const summerBefore = e2e.objects("flows").find((flow) => flow.id === summer.flowId)!;
    editProgram(program, (text) =>
      replaceOnce(
        text,
        new RegExp(`(name: "${summer.name}",[\\s\\S]*?interval: )15\\b`),
        (_match, head: string) => `${head}30`,
      ),
    );
    e2e.emulator.clearRequests();
    const reschedule = await stack.up({ color: "never" });
    assert.deepEqual(reschedule.summary.resourceChanges, { update: 1, same: RESOURCES - 1 });
    let requests = e2e.emulator.requests();
    assert.deepEqual(writes(requests), [`PATCH ${FLOW}/flows/${summer.flowId}`]);
    const schedulePatch = requests.find((request) => request.method === "PATCH");
    assert.equal(schedulePatch?.headers["if-match"], summerBefore.etag);
    assert.deepEqual(schedulePatch?.body, [
      { op: "replace", path: "/scheduleParams/interval", value: 30 },
    ]);
    assert.deepEqual(stateIds(await stateResources(stack)), seededIds(seeded));

    // A mapping edit: the mapping set's next version (a PUT), the flow moved to it (a PATCH).
    editProgram(program, (text) =>
      replaceOnce(
        text,
        /destination: "timestamp" \},/,
        (match) =>
          `${match} { sourceType: "ATTRIBUTE", source: "campaign_id", destination: "marketing.trackingCode" },`,
      ),
    );
    e2e.emulator.clearRequests();
    const remap = await stack.up({ color: "never" });
    assert.deepEqual(remap.summary.resourceChanges, { update: 2, same: RESOURCES - 2 });
    requests = e2e.emulator.requests();
    assert.deepEqual(writes(requests), [
      `PUT ${DATA_PREP}/mappingSets/${seeded.mappingSetId}`,
      `PATCH ${FLOW}/flows/${spring.flowId}`,
    ]);
    assert.deepEqual(requests.find((request) => request.method === "PATCH")?.body, [
      {
        op: "replace",
        path: "/transformations/0",
        value: { name: "Mapping", params: { mappingId: seeded.mappingSetId, mappingVersion: 1 } },
      },
    ]);
    const mappingSet = e2e.only("mappingSets") as {
      versions: Array<{ mappings: Array<{ destination: string }> }>;
    };
    assert.deepEqual(
      mappingSet.versions.map((version) => version.mappings.map((m) => m.destination)),
      [
        UI_MAPPINGS.map((m) => m.destination),
        [...UI_MAPPINGS.map((m) => m.destination), "marketing.trackingCode"],
      ],
    );
    assert.deepEqual(stateIds(await stateResources(stack)), seededIds(seeded));

    // Destroy deletes every adopted object; Data Prep cannot delete the mapping set, and says so.
    e2e.emulator.clearRequests();
    const destroy = await stack.destroy({ color: "never" });
    assert.deepEqual(destroy.summary.resourceChanges, { delete: RESOURCES });
    assert.match(
      destroy.stdout,
      new RegExp(
        `warning: MappingSet ${seeded.mappingSetId} \\(version 1, into ${seeded.schemaId.replace(/[.]/g, "\\.")}\\) was left in Adobe Experience Platform and removed from the stack: Data Prep has no DELETE for mapping sets`,
      ),
    );
    assert.deepEqual(counts(e2e.emulator), {
      runs: 0,
      schemas: 0,
      dataSets: 0,
      mappingSets: 1,
      connections: 0,
      sourceConnections: 0,
      targetConnections: 0,
      flows: 0,
    });
    assert.deepEqual(await stateResources(stack), []);
  });

  it("with retainOnDelete on every resource, destroy lets go of the adopted objects and changes nothing", async () => {
    const seeded = await seedSandbox(e2e.emulator);
    const program = await exportedProgram("retained");
    editProgram(program, retainOnDelete);
    const stack = await programStack(program);
    await adoptAll(stack, seeded);
    const adopted = snapshot(e2e.emulator);
    e2e.emulator.clearRequests();

    const destroy = await stack.destroy({ color: "never" });
    assert.deepEqual(destroy.summary.resourceChanges, { delete: RESOURCES });
    assert.deepEqual(writes(e2e.emulator.requests()), []);
    assert.deepEqual(snapshot(e2e.emulator), adopted);
    assert.deepEqual(counts(e2e.emulator), SEEDED_COUNTS);
    assert.deepEqual(await stateResources(stack), []);
  });

  it("a flow declared with another source connection is refused at create, before any write; declared as it is, it is adopted with one PATCH of what differs", async () => {
    const seeded = await seedSandbox(e2e.emulator);
    const [spring, summer] = seeded.flows as [Seeded["flows"][0], Seeded["flows"][0]];
    const before = snapshot(e2e.emulator);
    // A hand-written program (this checkout's package) that names the spring flow, with the
    // summer flow's source connection; then with its own, and a new description.
    let sourceId = summer.sourceId;
    let description = `Campaign ${spring.campaignId} email activity`;
    const stack = await e2e.newStack(async () => {
      const flow = new Dataflow("spring-flow", {
        adopt: spring.flowId,
        name: spring.name,
        description,
        flowSpec: { id: flowSpecIds.restStorageToAep, version: "1.0" },
        sourceConnectionIds: [sourceId],
        targetConnectionIds: [spring.targetId],
        transformations: [
          { name: "Mapping", params: { mappingId: seeded.mappingSetId, mappingVersion: 0 } },
        ],
        scheduleParams: { startTime: START_TIME, frequency: "minute", interval: 15 },
      });
      return { flowId: flow.id };
    });
    e2e.emulator.clearRequests();

    const failure = await stack.up({ color: "never" }).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    assert.ok(failure, "up must fail");
    for (const part of [
      `Adopting Dataflow "${spring.name}" (${spring.flowId}) failed: the live object (sandbox "${SANDBOX}") differs from the program in a field that cannot be changed in place, so nothing was changed:`,
      `- sourceConnectionIds: live ${JSON.stringify([spring.sourceId])}, declared ${JSON.stringify([summer.sourceId])}`,
      "Declare the live value to adopt it, or leave adopt out to create a new Dataflow.",
    ]) {
      assert.ok(failure.message.includes(part), `expected\n  ${part}\nin\n${failure.message}`);
    }
    assert.deepEqual(writes(e2e.emulator.requests()), []);
    assert.deepEqual(snapshot(e2e.emulator), before);
    assert.deepEqual(await stateResources(stack), []);

    // The fix the message names, plus a description of the program's own: adopted, and the one
    // patchable difference written as an update writes it.
    sourceId = spring.sourceId;
    description = "Spring campaign, managed by Pulumi";
    const live = e2e.objects("flows").find((flow) => flow.id === spring.flowId)!;
    e2e.emulator.clearRequests();
    const up = await stack.up({ color: "never" });
    // The stack itself was created by the refused up.
    assert.deepEqual(up.summary.resourceChanges, { create: 1, same: 1 });
    const requests = e2e.emulator.requests();
    assert.deepEqual(writes(requests), [`PATCH ${FLOW}/flows/${spring.flowId}`]);
    const patch = requests.find((request) => request.method === "PATCH");
    assert.equal(patch?.headers["if-match"], live.etag);
    assert.deepEqual(patch?.body, [{ op: "replace", path: "/description", value: description }]);
    assert.equal(up.outputs.flowId?.value, spring.flowId);
    assert.equal(
      e2e.objects("flows").find((flow) => flow.id === spring.flowId)?.description,
      description,
    );
  });
});
