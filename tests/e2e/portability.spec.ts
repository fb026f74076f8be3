/**
 * End to end: what the state holds (no plaintext credential, small path-free providers), a stack
 * carried to another checkout path, state written by an earlier release, and invalid arguments
 * caught at preview.
 */
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import * as registry from "../../provider/resources/registry";
import { providerText } from "../../provider/resources/providerText";
import { legacyProviderText } from "../fixtures/legacyProviders";
import {
  CLIENT_ID,
  CLIENT_SECRET,
  useE2E,
  MAILCHIMP_PASSWORD,
  PipelineStack,
  pipelineProgram,
  REPO_ROOT,
  ROTATED_PASSWORD,
  baseArgs,
  copyCheckout,
  describeRequest,
  type MailchimpPipelineArgs,
  stateResource,
  stateResources,
  versions,
  TYPES,
} from "./harness";

/** The registry key of a resource type token. */
function keyOf(type: string): string {
  const found = Object.values(registry).find(
    ({ definition }) => type === `pulumi-nodejs:dynamic/aep:${definition.typeName}`,
  );
  if (!found) throw new Error(`no registry entry for ${type}`);
  return found.definition.key;
}

/**
 * What an earlier release wrote as each resource's `__provider`: the serialized one-liners of the
 * releases before versioned texts, or, for the dataset and the base connection, the text of a
 * release that declared them with version 0.0.9.
 */
function earlierText(type: string): string {
  const key = keyOf(type);
  return type === TYPES.dataset || type === TYPES.baseConnection
    ? providerText(key, "0.0.9")
    : legacyProviderText(key);
}

/** Rewrites every resource's `__provider` (inputs and outputs) as an earlier release wrote it. */
async function rewriteToEarlierTexts(stack: Stack): Promise<void> {
  const exported = await stack.exportStack();
  const deployment = exported.deployment as {
    resources: Array<{ type: string; inputs?: object; outputs?: object }>;
  };
  for (const resource of deployment.resources) {
    if (!resource.type.startsWith("pulumi-nodejs:dynamic/")) continue;
    const __provider = earlierText(resource.type);
    resource.inputs = { ...resource.inputs, __provider };
    resource.outputs = { ...resource.outputs, __provider };
  }
  await stack.importStack(exported);
}

/** `type: inputs text / outputs text` of each resource, `earlier` or `current`. */
async function texts(stack: Stack): Promise<string[]> {
  const name = (type: string, text: unknown) =>
    text === earlierText(type)
      ? "earlier"
      : text === providerText(keyOf(type))
        ? "current"
        : `unexpected ${String(text)}`;
  return (await stateResources(stack))
    .map(
      (r) =>
        `${r.type}: ${name(r.type, r.inputs?.__provider)} / ${name(r.type, r.outputs?.__provider)}`,
    )
    .sort();
}

/** The marker Pulumi uses for a secret value in the state. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

describe("e2e: state contents, portability and validation", function () {
  this.timeout(180_000);
  const e2e = useE2E({ emulatorStateFile: true });

  it("the state holds no plaintext credential, and each __provider is small and path-free", async () => {
    const pipeline = await PipelineStack.create(e2e);
    await pipeline.up();
    pipeline.set({ mailchimpPassword: ROTATED_PASSWORD });
    await pipeline.up();

    const tokens = e2e.issuedTokens();
    assert.ok(tokens.length > 0, "the provider got a token from the emulator");
    const forbidden = [MAILCHIMP_PASSWORD, ROTATED_PASSWORD, CLIENT_SECRET, ...tokens];
    const files = e2e.backendFiles();
    assert.ok(
      files.some((f) => f.file.endsWith(".json")),
      "the backend holds the state",
    );
    for (const { file, text } of files) {
      for (const secret of forbidden) {
        assert.ok(
          !text.includes(secret),
          `${path.basename(file)} contains a credential in plaintext`,
        );
      }
    }

    const resources = await stateResources(pipeline.stack);
    assert.equal(resources.length, 5);
    const base = await stateResource(pipeline.stack, TYPES.baseConnection);
    assert.equal(
      (base.outputs?.auth as Record<string, unknown>)[SECRET_SIG],
      "1b47061264138c4ac30d75fd1eb44270",
    );
    assert.equal(
      (base.inputs?.auth as Record<string, unknown>)[SECRET_SIG],
      "1b47061264138c4ac30d75fd1eb44270",
    );

    const absolutePaths = [REPO_ROOT, homedir(), tmpdir(), e2e.root].filter((p) => p !== "/");
    for (const resource of resources) {
      for (const bag of [resource.inputs, resource.outputs]) {
        const text = bag?.__provider;
        assert.equal(typeof text, "string", `${resource.type} has a __provider`);
        const provider = text as string;
        assert.ok(
          provider.length <= 400,
          `${resource.type} __provider is ${provider.length} bytes`,
        );
        for (const absolute of absolutePaths) {
          assert.ok(!provider.includes(absolute), `${resource.type} __provider names ${absolute}`);
        }
        assert.doesNotMatch(provider, /["'`]\/(?:work|root|home|tmp|Users|var|opt)\//);
        // The implementation is loaded by package name in the provider process.
        assert.match(
          provider,
          /\(r="pulumi-aep-flow\/runtime"\)=>.*return require\(r\)\.provider\(/,
        );
      }
    }
  });

  it("a stack created from one checkout is refreshed and destroyed from a copy at another path", async () => {
    const pipeline = await PipelineStack.create(e2e);
    await pipeline.up();
    const flow = e2e.only("flows");
    const stackName = pipeline.stack.name;
    const workDirA = pipeline.stack.workspace.workDir;

    // The second checkout: the package built output, package.json and node_modules, elsewhere.
    const checkout = copyCheckout(path.join(e2e.root, "second checkout", "pulumi-aep-flow"));
    mkdirSync(checkout, { recursive: true });
    copyFileSync(
      path.join(workDirA, `Pulumi.${stackName}.yaml`),
      path.join(checkout, `Pulumi.${stackName}.yaml`),
    );
    const args = baseArgs();
    const moved = await e2e.openStack(
      stackName,
      pipelineProgram(() => args),
      { main: checkout, workDir: checkout },
      false,
    );

    // An out-of-band edit makes refresh really read through the provider code.
    e2e.emulator.editOutOfBand("flows", String(flow.id), { name: "edited elsewhere" });
    e2e.emulator.clearRequests();
    const refresh = await moved.refresh({ color: "never" });
    assert.deepEqual(refresh.summary.resourceChanges, { update: 1, same: 6 });
    assert.ok(
      e2e.emulator.requests().some((r) => r.method === "GET"),
      "refresh read the objects",
    );
    assert.equal((await stateResource(moved, TYPES.dataflow)).outputs?.name, "edited elsewhere");

    const destroy = await moved.destroy({ color: "never" });
    assert.deepEqual(destroy.summary.resourceChanges, { delete: 7 });
    assert.deepEqual(e2e.counts(), {
      dataSets: 0,
      connections: 0,
      sourceConnections: 0,
      targetConnections: 0,
      flows: 0,
    });
    assert.deepEqual(await stateResources(moved), []);
  });

  it("rotated settings reach refresh and destroy through the program or the next up", async () => {
    // The dynamic provider is the default `pulumi-nodejs` provider, and the engine stores the stack
    // config it was configured with in the state. Refresh and destroy, which do not run the
    // program, configure it from there: after `aep:*` settings change (credentials rotated, an
    // endpoint moved) they use the recorded values until an `up` records the new ones, or until
    // they run with `--run-program`.
    const pipeline = await PipelineStack.create(e2e);
    await pipeline.up();
    await pipeline.stack.setAllConfig({
      "aep:clientId": { value: "e2e-client-rotated" },
      "aep:clientSecret": { value: "e2e-client-secret-rotated-51c0", secret: true },
    });
    /** The API keys (client ids) the provider called Flow Service and Catalog with. */
    const apiKeysUsed = () => [
      ...new Set(
        e2e.emulator
          .requests()
          .filter((r) => r.path.startsWith("/data/"))
          .map((r) => r.headers["x-api-key"]),
      ),
    ];

    e2e.emulator.clearRequests();
    await pipeline.refresh();
    assert.deepEqual(
      apiKeysUsed(),
      [CLIENT_ID],
      "refresh uses the settings recorded at the last up",
    );

    e2e.emulator.clearRequests();
    const withProgram = await pipeline.stack.refresh({ color: "never", runProgram: true });
    assert.deepEqual(
      apiKeysUsed(),
      ["e2e-client-rotated"],
      "refresh --run-program uses the current ones",
    );
    assert.equal(withProgram.summary.resourceChanges?.update ?? 0, 0);

    await pipeline.up(); // nothing to change, but it records the new settings with the provider
    e2e.emulator.clearRequests();
    await pipeline.refresh();
    await pipeline.destroy();
    assert.deepEqual(apiKeysUsed(), ["e2e-client-rotated"]);
    assert.deepEqual(Object.values(e2e.counts()), [0, 0, 0, 0, 0]);
  });

  it("state with the __provider texts of earlier releases previews no change, and refreshes, updates and destroys", async () => {
    const pipeline = await PipelineStack.create(e2e);
    await pipeline.up();
    await rewriteToEarlierTexts(pipeline.stack);
    const all = (which: string) =>
      Object.values(TYPES)
        .map((type) => `${type}: ${which}`)
        .sort();
    assert.deepEqual(await texts(pipeline.stack), all("earlier / earlier"));
    const flow = e2e.only("flows");

    // The program now declares today's texts: the changed `__provider` is no change.
    e2e.emulator.clearRequests();
    const preview = await pipeline.preview();
    assert.deepEqual(preview.changeSummary, { same: 7 });
    assert.deepEqual(e2e.apiWrites().map(describeRequest), []);

    // Refresh reads every object through the texts in the state.
    e2e.emulator.editOutOfBand("flows", String(flow.id), { name: "edited elsewhere" });
    e2e.emulator.clearRequests();
    const refresh = await pipeline.refresh();
    assert.deepEqual(refresh.summary.resourceChanges, { update: 1, same: 6 });
    assert.equal(
      e2e.emulator.requests().filter((r) => r.method === "GET" && r.path.startsWith("/data/"))
        .length,
      5,
    );
    assert.deepEqual(await texts(pipeline.stack), all("earlier / earlier"));

    // An update restores the declared name and moves the schedule; the untouched resources
    // keep the earlier texts in their outputs (the engine's "same" step keeps the old outputs).
    e2e.emulator.clearRequests();
    pipeline.set({ intervalMinutes: 30 });
    const up = await pipeline.up();
    assert.deepEqual(up.summary.resourceChanges, { update: 1, same: 6 });
    assert.deepEqual(e2e.apiWrites().map(describeRequest), [`PATCH /flows/${String(flow.id)}`]);
    assert.equal(e2e.only("flows").name, "e2e Mailchimp campaign to data lake");
    assert.equal((e2e.only("flows").scheduleParams as { interval: unknown }).interval, "30");
    assert.deepEqual(
      await texts(pipeline.stack),
      Object.values(TYPES)
        .map((type) =>
          type === TYPES.dataflow ? `${type}: current / current` : `${type}: current / earlier`,
        )
        .sort(),
    );

    // Destroy deletes through whichever text each resource holds.
    const destroy = await pipeline.destroy();
    assert.deepEqual(destroy.summary.resourceChanges, { delete: 7 });
    assert.deepEqual(Object.values(e2e.counts()), [0, 0, 0, 0, 0]);
    assert.deepEqual(await stateResources(pipeline.stack), []);
  });

  it("invalid arguments fail at preview, naming the properties, and nothing is created", async () => {
    const cases: Array<[Partial<MailchimpPipelineArgs>, RegExp[]]> = [
      [
        { intervalMinutes: 5 },
        [
          /aep:Dataflow resource 'mailchimp-flow': property scheduleParams\.interval value \{[^}]*\} has a problem/,
          /Dataflow scheduleParams\.interval must be at least 15 when frequency is "minute"/,
        ],
      ],
      [
        { campaignId: "" },
        [
          /aep:SourceConnection resource 'mailchimp-source': property params\.campaignId/,
          /SourceConnection params\.campaignId is required by the Mailchimp Campaign connection spec/,
        ],
      ],
    ];
    for (const [invalid, expected] of cases) {
      const pipeline = await PipelineStack.create(e2e, invalid);
      const failure = await pipeline.preview().then(
        () => undefined,
        (error: unknown) => error as Error,
      );
      assert.ok(failure, `preview with ${JSON.stringify(invalid)} must fail`);
      for (const pattern of expected) assert.match(failure.message, pattern);
      assert.deepEqual(e2e.apiWrites().map(describeRequest), []);
      assert.deepEqual(e2e.counts(), {
        dataSets: 0,
        connections: 0,
        sourceConnections: 0,
        targetConnections: 0,
        flows: 0,
      });
      assert.deepEqual(await stateResources(pipeline.stack), []);
    }

    // On a deployed stack, an invalid change is refused the same way and leaves everything as it was.
    const deployed = await PipelineStack.create(e2e);
    await deployed.up();
    const before = await stateResources(deployed.stack);
    e2e.emulator.clearRequests();
    deployed.set({ mailchimpUsername: "" });
    const refused = await deployed.preview().then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    assert.ok(refused, "preview must fail");
    assert.match(refused.message, /property auth\.params\.username/);
    assert.match(refused.message, /is required by "Basic Authentication"/);
    assert.deepEqual(e2e.apiWrites().map(describeRequest), []);
    assert.deepEqual(versions(await stateResources(deployed.stack)), versions(before));
  });
});
