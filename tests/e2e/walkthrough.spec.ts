/**
 * The example (examples/mailchimp, a MailchimpCampaignPipeline) under the real Pulumi engine
 * against the emulator: the whole walk-through from the XDM schema to the dataflow, a new
 * mapping version taken up in place, the replacements a new campaign causes, and what destroy
 * leaves (the mapping set, which Data Prep cannot delete, with a warning naming it).
 */
import assert from "node:assert/strict";
import type { Stack } from "@pulumi/pulumi/automation";
import {
  DEFAULT_MAPPINGS,
  mailchimpPipeline,
  pipelineIds,
  type MailchimpExampleArgs,
} from "../../examples/mailchimp/pipeline";
import type { Collection, RequestLogEntry } from "../../provider/emulator/types";
import { useE2E, MAILCHIMP_PASSWORD, stateResources } from "./harness";

const REGISTRY = "/data/foundation/schemaregistry";
const DATA_PREP = "/data/foundation/conversion";
const FLOW = "/data/foundation/flowservice";

const COLLECTIONS: readonly Collection[] = [
  "schemas",
  "dataSets",
  "mappingSets",
  "connections",
  "sourceConnections",
  "targetConnections",
  "flows",
];

function exampleArgs(overrides: Partial<MailchimpExampleArgs> = {}): MailchimpExampleArgs {
  return {
    namePrefix: "e2e",
    mailchimpUsername: "e2e-mailchimp-user",
    mailchimpPassword: MAILCHIMP_PASSWORD,
    campaignId: "c66a200cda",
    startTime: 1893456000, // 2030-01-01: never started
    ...overrides,
  };
}

/** `METHOD /path` of the writes since the last clear, on every service. */
function writes(requests: RequestLogEntry[]): string[] {
  return requests
    .filter((request) => /^(POST|PUT|PATCH|DELETE)$/.test(request.method))
    .filter((request) => request.path.startsWith("/data/"))
    .map((request) => `${request.method} ${request.path}`);
}

describe("e2e: the walk-through example (schema, dataset, mapping, flow) under the Pulumi engine", function () {
  this.timeout(240_000);
  const e2e = useE2E();
  let args: MailchimpExampleArgs;
  let stack: Stack;

  beforeEach(async () => {
    args = exampleArgs();
    stack = await e2e.newStack(async () => pipelineIds(mailchimpPipeline("mailchimp", args)));
  });

  const counts = () =>
    Object.fromEntries(
      COLLECTIONS.map((collection) => [collection, e2e.objects(collection).length]),
    );

  it("up creates the schema, the dataset on it, the mapping into it and a flow through it", async () => {
    const up = await stack.up({ color: "never" });
    // The stack, the component and its seven children.
    assert.deepEqual(up.summary.resourceChanges, { create: 9 });
    const schema = e2e.only("schemas");
    const dataset = e2e.only("dataSets");
    const mappingSet = e2e.only("mappingSets") as {
      id: string;
      versions: Array<Record<string, unknown>>;
    };
    const target = e2e.only("targetConnections");
    const flow = e2e.only("flows");
    assert.equal(schema.title, "e2e Mailchimp campaign email activity");
    assert.equal(schema["meta:class"], "https://ns.adobe.com/xdm/context/experienceevent");
    assert.deepEqual((dataset.schemaRef as { id: string }).id, schema.$id);
    assert.equal(mappingSet.versions.length, 1);
    assert.equal(mappingSet.versions[0]?.xdmSchema, schema.$id);
    assert.deepEqual(
      (mappingSet.versions[0]?.mappings as Array<{ destination: string }>).map(
        (m) => m.destination,
      ),
      DEFAULT_MAPPINGS.map((mapping) => mapping.destination),
    );
    assert.deepEqual((target.data as { schema: { id: string } }).schema.id, schema.$id);
    assert.deepEqual((target.params as { dataSetId: string }).dataSetId, dataset.id);
    assert.deepEqual(flow.transformations, [
      { name: "Mapping", params: { mappingId: mappingSet.id, mappingVersion: 0 } },
    ]);
    assert.equal(up.outputs.schemaId?.value, schema.$id);
    assert.equal(up.outputs.mappingSetId?.value, mappingSet.id);
    assert.equal(up.outputs.dataSetId?.value, dataset.id);

    e2e.emulator.clearRequests();
    const again = await stack.up({ color: "never" });
    assert.deepEqual(again.summary.resourceChanges, { same: 9 });
    assert.deepEqual(writes(e2e.emulator.requests()), []);
  });

  it("a changed mapping is one up: one PUT of the mapping set, one PATCH of the flow, nothing replaced", async () => {
    await stack.up({ color: "never" });
    const mappingSet = e2e.only("mappingSets") as { id: string };
    const flowBefore = e2e.only("flows");
    e2e.emulator.clearRequests();

    args = exampleArgs({
      mappings: [
        ...DEFAULT_MAPPINGS,
        { sourceType: "ATTRIBUTE", source: "list_id", destination: "marketing.campaignGroup" },
      ],
    });
    const up = await stack.up({ color: "never" });
    assert.deepEqual(up.summary.resourceChanges, { update: 2, same: 7 });
    const requests = e2e.emulator.requests();
    assert.deepEqual(writes(requests), [
      `PUT ${DATA_PREP}/mappingSets/${mappingSet.id}`,
      `PATCH ${FLOW}/flows/${String(flowBefore.id)}`,
    ]);
    const patch = requests.find((request) => request.method === "PATCH");
    assert.equal(patch?.headers["if-match"], flowBefore.etag);
    assert.deepEqual(patch?.body, [
      {
        op: "replace",
        path: "/transformations/0",
        value: { name: "Mapping", params: { mappingId: mappingSet.id, mappingVersion: 1 } },
      },
    ]);
    const flowAfter = e2e.only("flows");
    assert.equal(flowAfter.id, flowBefore.id, "the same flow");
    assert.deepEqual(flowAfter.transformations, [
      { name: "Mapping", params: { mappingId: mappingSet.id, mappingVersion: 1 } },
    ]);
    const stored = e2e.only("mappingSets") as { versions: unknown[] };
    assert.equal(stored.versions.length, 2, "version 0 stays readable, version 1 is new");
  });

  it("a new campaign replaces the source connection and the dataflow, and nothing else", async () => {
    await stack.up({ color: "never" });
    const before = Object.fromEntries(
      (await stateResources(stack)).map((resource) => [
        resource.urn.split("::").pop(),
        resource.id,
      ]),
    );
    e2e.emulator.clearRequests();

    args = exampleArgs({ campaignId: "d77b311deb" });
    const preview = await stack.preview({ color: "never", diff: true });
    assert.deepEqual(preview.changeSummary, { replace: 2, same: 7 });
    const up = await stack.up({ color: "never" });
    assert.deepEqual(up.summary.resourceChanges, { replace: 2, same: 7 });

    const after = Object.fromEntries(
      (await stateResources(stack)).map((resource) => [
        resource.urn.split("::").pop(),
        resource.id,
      ]),
    );
    for (const child of ["schema", "dataset", "mapping", "base", "target"]) {
      assert.equal(
        after[`mailchimp-${child}`],
        before[`mailchimp-${child}`],
        `${child} kept its id`,
      );
    }
    for (const child of ["source", "flow"]) {
      assert.notEqual(after[`mailchimp-${child}`], before[`mailchimp-${child}`], `${child} is new`);
    }
    assert.deepEqual(e2e.only("sourceConnections").params as object, { campaignId: "d77b311deb" });
    assert.deepEqual(counts(), {
      schemas: 1,
      dataSets: 1,
      mappingSets: 1,
      connections: 1,
      sourceConnections: 1,
      targetConnections: 1,
      flows: 1,
    });
  });

  it("destroy deletes everything but the mapping set, which it names in a warning", async () => {
    await stack.up({ color: "never" });
    const mappingSet = e2e.only("mappingSets") as { id: string };
    e2e.emulator.clearRequests();

    const destroy = await stack.destroy({ color: "never" });
    assert.deepEqual(destroy.summary.resourceChanges, { delete: 9 });
    assert.match(
      destroy.stdout,
      new RegExp(
        `warning: MappingSet ${mappingSet.id} \\(version 0, into https://ns\\.adobe\\.com/[^ ]+\\) was left in Adobe Experience Platform and removed from the stack: Data Prep has no DELETE for mapping sets`,
      ),
    );
    assert.deepEqual(counts(), {
      schemas: 0,
      dataSets: 0,
      mappingSets: 1,
      connections: 0,
      sourceConnections: 0,
      targetConnections: 0,
      flows: 0,
    });
    assert.deepEqual(await stateResources(stack), []);
    // The order that avoids every refusal: the flow, its connections, then dataset and mapping
    // set, the schema last.
    const deletes = writes(e2e.emulator.requests()).filter((call) => call.startsWith("DELETE"));
    const position = (prefix: string) =>
      deletes.findIndex((call) => call.startsWith(`DELETE ${prefix}`));
    assert.ok(position(`${FLOW}/flows/`) < position(`${FLOW}/sourceConnections/`));
    assert.ok(position(`${FLOW}/flows/`) < position(`${DATA_PREP}/mappingSets/`));
    assert.ok(
      position(`${FLOW}/targetConnections/`) < position("/data/foundation/catalog/dataSets/"),
    );
    assert.ok(
      position("/data/foundation/catalog/dataSets/") < position(`${REGISTRY}/tenant/schemas/`),
    );
    assert.ok(position(`${DATA_PREP}/mappingSets/`) < position(`${REGISTRY}/tenant/schemas/`));
  });
});
