// getConnectionSpec and getFlowSpec: what they find in the emulator's seeded specs, the calls
// they make, the errors when nothing matches, and the program-side Outputs under Pulumi's mocks.
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { createAepClient } from "../../provider/client";
import { DEFAULT_SCOPES } from "../../provider/client/settings";
import { startEmulator, type EmulatorHandle } from "../../provider/emulator";
import {
  getConnectionSpec,
  getFlowSpec,
  lookupConnectionSpec,
  lookupFlowSpec,
} from "../../provider/lookups";
import { connectionSpecIds, flowSpecIds } from "../../provider/resources/specCatalog";

const ORG = "LOOKUPS0000000000000000@AdobeOrg";
const FLOW = "/data/foundation/flowservice";

describe("spec lookups", () => {
  let emulator: EmulatorHandle;
  const client = () =>
    createAepClient({
      platformUrl: emulator.url,
      imsUrl: emulator.url,
      clientId: "lookups",
      clientSecret: "lookups-secret",
      apiKey: "lookups",
      scopes: DEFAULT_SCOPES,
      orgId: ORG,
      sandboxName: "prod",
    });
  const calls = () =>
    emulator
      .requests()
      .filter((request) => request.path.startsWith(FLOW))
      .map((request) => `${request.method} ${request.path.slice(FLOW.length)}`);

  before(async () => {
    emulator = await startEmulator({ port: 0 });
  });
  beforeEach(() => emulator.clearRequests());
  after(async () => {
    // The program config is process-wide: leave none behind for the next suite.
    pulumi.runtime.setAllConfig({});
    await emulator.close();
  });

  it("finds a connection spec by name with one listing, and by id with one GET", async () => {
    const byName = await lookupConnectionSpec(client(), { name: "mailchimp-campaign" });
    assert.deepEqual(
      { id: byName.id, name: byName.name, version: byName.version },
      { id: connectionSpecIds.mailchimpCampaign, name: "mailchimp-campaign", version: "1.0" },
    );
    assert.ok(Array.isArray(byName.spec.authSpec));
    const byId = await lookupConnectionSpec(client(), { id: connectionSpecIds.dataLake });
    assert.equal(byId.name, "Data Lake");
    assert.deepEqual(calls(), [
      "GET /connectionSpecs",
      `GET /connectionSpecs/${connectionSpecIds.dataLake}`,
    ]);
  });

  it("an unknown name or id is an error naming it and the closest names", async () => {
    await assert.rejects(lookupConnectionSpec(client(), { name: "mailchimp-campaigns" }), {
      message: `No connection spec is named "mailchimp-campaigns": the closest are "mailchimp-campaign" (${connectionSpecIds.mailchimpCampaign}), "mailchimp-members" (${connectionSpecIds.mailchimpMembers}), "Data Lake" (${connectionSpecIds.dataLake}).`,
    });
    const typo = `${flowSpecIds.restStorageToAep.slice(0, -1)}3`;
    await assert.rejects(lookupFlowSpec(client(), { id: typo }), {
      message: `No flow spec has the id "${typo}": the closest are ${flowSpecIds.restStorageToAep} ("RestStorageToAEP").`,
    });
  });

  it("finds the flow spec between a source and a target connection spec", async () => {
    const found = await lookupFlowSpec(client(), {
      sourceSpecId: connectionSpecIds.mailchimpMembers,
      targetSpecId: connectionSpecIds.dataLake,
    });
    assert.equal(found.id, flowSpecIds.restStorageToAep);
    assert.equal(found.name, "RestStorageToAEP");
    assert.deepEqual(
      (found.spec.transformationSpecs as Array<{ name: string }>).map((spec) => spec.name),
      ["Mapping"],
    );
    await assert.rejects(
      lookupFlowSpec(client(), {
        sourceSpecId: connectionSpecIds.dataLake,
        targetSpecId: connectionSpecIds.dataLake,
      }),
      {
        message: `No flow spec leads from connection spec ${connectionSpecIds.dataLake} to ${connectionSpecIds.dataLake}. No flow spec reads that source; the flow specs are: "RestStorageToAEP" (${flowSpecIds.restStorageToAep}).`,
      },
    );
  });

  it("in a program, returns Outputs read with the aep:* stack config, also during preview", async () => {
    await pulumi.runtime.setMocks(
      { newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: () => ({}) },
      "project",
      "stack",
      true, // preview
    );
    pulumi.runtime.setAllConfig(
      {
        "aep:platformUrl": emulator.url,
        "aep:imsUrl": emulator.url,
        "aep:clientId": "program",
        "aep:clientSecret": "program-secret",
        "aep:orgId": ORG,
      },
      ["aep:clientSecret"],
    );
    const spec = getConnectionSpec({ name: "mailchimp-members" });
    const flowSpec = getFlowSpec({
      sourceSpecId: connectionSpecIds.mailchimpCampaign,
      targetSpecId: connectionSpecIds.dataLake,
    });
    const [id, flowSpecId] = await new Promise<[string, string]>((resolve) =>
      pulumi.all([spec.id, flowSpec.id]).apply(([a, b]) => resolve([a, b])),
    );
    assert.equal(id, connectionSpecIds.mailchimpMembers);
    assert.equal(flowSpecId, flowSpecIds.restStorageToAep);
    assert.ok(
      emulator.requests().some((request) => request.headers["x-api-key"] === "program"),
      "called with the stack config's credentials",
    );
  });
});
