// `adopt` on every resource: the exact HTTP calls a create with `adopt` makes (a read instead of
// a POST, an update only where the declared values differ) and its refusals, through the real
// client against nock; then check, diff and read of an adopted resource.
import assert from "node:assert/strict";
import nock from "nock";
import { resetClientForTests } from "../../../provider/client";
import { refusalMessage } from "../../../provider/resources/adoption";
import { PACKAGE_VERSION } from "../../../provider/resources/packageCopy";
import { UNKNOWN } from "../../../provider/resources/values";
import {
  base as baseConnection,
  dataflow,
  dataset,
  provider,
  source as sourceConnection,
  target as targetConnection,
} from "../../../provider/runtime";
import {
  baseConnectionInputs,
  dataflowInputs,
  datasetInputs,
  mappingSetInputs,
  SCHEMA_ID,
  sourceConnectionInputs,
  targetConnectionInputs,
  xdmSchemaInputs,
} from "../../fixtures/inputs";
import {
  CATALOG,
  configureWithToken,
  DATA_PREP,
  ETAG,
  EXPERIENCE_EVENT,
  FLOW,
  ID,
  LOCATION,
  MAPPING_ID,
  NEW_ETAG,
  ORG,
  platform,
  REGISTRY,
  registryReads,
  SCHEMA_ALT_ID,
  schemaOutputs,
  serviceOutputs,
  storedMappingSet,
  storedSchema,
  system,
} from "./httpHelpers";

const xdmSchema = provider("xdmSchema", PACKAGE_VERSION);
const mappingSet = provider("mappingSet", PACKAGE_VERSION);

const DATASET_ID = "6155e3a9bd13651949515f14";
const RUN_ID = "c7ab2b35-a66a-4ec5-9c86-6ddd1ed2e5c4";
const END_USER_IDS = "https://ns.adobe.com/xdm/context/experienceevent-enduserids";
const PASSWORD = baseConnectionInputs().auth.params.password;

/** Flow Service's answer to a GET of one object. */
const items = (object: object) => ({ items: [object] });
const missing = { errorMessage: "not found", errorDetails: "" };

/**
 * The 404s of reading `id` as each kind but those of `except` (the adopting kind, and the one
 * that has it): how the error learns what the id is.
 */
function probedAsEveryKind(id: string, ...except: string[]): nock.Scope {
  const scope = platform();
  const paths = [
    ...["connections", "sourceConnections", "targetConnections", "flows"].map(
      (collection) => [collection, `${FLOW}/${collection}/${id}`] as const,
    ),
    ["dataSets", `${CATALOG}/dataSets/${id}`] as const,
    ["schemas", `${REGISTRY}/tenant/schemas/${encodeURIComponent(id)}`] as const,
    ["mappingSets", `${DATA_PREP}/mappingSets/${id}`] as const,
  ];
  for (const [collection, path] of paths) {
    if (!except.includes(collection)) scope.get(path).reply(404, missing);
  }
  return scope;
}

/** An account as Flow Service answers it: the password masked. */
function liveAccount(overrides: Record<string, unknown> = {}, etag = ETAG) {
  const { auth, ...rest } = baseConnectionInputs();
  return {
    ...system(etag),
    ...rest,
    auth: { ...auth, params: { ...auth.params, password: "********" } },
    ...overrides,
  };
}

/** The one PATCH of the account, with If-Match, then the read of what it made. */
function accountPatched(scope: nock.Scope, operations: nock.RequestBodyMatcher): nock.Scope {
  return scope
    .patch(`${FLOW}/connections/${ID}`, operations)
    .matchHeader("if-match", ETAG)
    .reply(200, { id: ID, etag: NEW_ETAG })
    .get(`${FLOW}/connections/${ID}`)
    .reply(200, items(liveAccount({}, NEW_ETAG)));
}

/** A base connection's inputs without `auth`: an adopted account that keeps its credentials. */
function withoutAuth() {
  const { auth: _auth, ...rest } = baseConnectionInputs();
  return rest;
}

/** A finished run as `GET /runs/{id}` answers it. */
function finishedRun(status: string) {
  return {
    id: RUN_ID,
    flowId: ID,
    metrics: {
      durationSummary: { startedAtUTC: 1700000000000, completedAtUTC: 1700000060000 },
      recordSummary: { inputRecordCount: 10, outputRecordCount: 10, failedRecordCount: 0 },
      statusSummary: {
        status,
        errors:
          status === "failed"
            ? [{ code: "CONNECTOR-2001-500", message: "Error in processing the copied data." }]
            : [],
      },
    },
  };
}

const lastRunOutputs = {
  lastRunId: RUN_ID,
  lastRunStatus: "success",
  lastRunRecordsRead: 10,
  lastRunRecordsWritten: 10,
  lastRunRecordsFailed: 0,
};

/**
 * The refusal of an adoption whose differences only a new object could make (its wording is
 * spelled out in full once, in the SourceConnection test).
 */
function refusal(what: string, id: string, typeName: string, lines: string[]): string {
  const many = lines.length > 1;
  return (
    `Adopting ${what} (${id}) failed: the live object (sandbox "dev") differs from the program ` +
    `in ${many ? "fields" : "a field"} that cannot be changed in place, so nothing was changed:\n` +
    lines.map((line) => `  - ${line}\n`).join("") +
    `Declare the live ${many ? "values" : "value"} to adopt it, or leave adopt out to create a ` +
    `new ${typeName}.`
  );
}

describe("adopt", () => {
  let ims: nock.Scope;

  beforeEach(() => {
    ims = configureWithToken({ retry: { baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 2 } });
  });

  afterEach(() => {
    resetClientForTests();
  });

  describe("BaseConnection", () => {
    it("without auth: one GET, no write, and only the live auth type in the outputs", async () => {
      const api = platform().get(`${FLOW}/connections/${ID}`).reply(200, items(liveAccount()));
      const result = await baseConnection.create({ ...withoutAuth(), adopt: ID, __provider: "P" });
      assert.deepEqual(result, {
        id: ID,
        outs: {
          ...withoutAuth(),
          auth: { specName: "Basic Authentication" },
          adopt: ID,
          ...serviceOutputs(),
        },
      });
      assert.doesNotMatch(JSON.stringify(result), /mc-user|\*\*\*/);
      api.done();
      ims.done();
    });

    it("with auth: PATCHes the declared credentials (masked, so never compared) with If-Match", async () => {
      const inputs = baseConnectionInputs();
      const api = accountPatched(
        platform().get(`${FLOW}/connections/${ID}`).reply(200, items(liveAccount())),
        [{ op: "replace", path: "/auth/params", value: inputs.auth.params }],
      );
      const result = await baseConnection.create({ ...inputs, adopt: ID });
      assert.deepEqual(result, {
        id: ID,
        outs: { ...inputs, adopt: ID, ...serviceOutputs(NEW_ETAG) },
      });
      api.done();
    });

    it("with auth and other differences: one PATCH of the credentials and the differing fields", async () => {
      const inputs = baseConnectionInputs();
      const { description: _none, ...undescribed } = liveAccount({ name: "Made in the UI" });
      const api = accountPatched(
        platform().get(`${FLOW}/connections/${ID}`).reply(200, items(undescribed)),
        [
          { op: "replace", path: "/name", value: inputs.name },
          { op: "add", path: "/description", value: inputs.description },
          { op: "replace", path: "/auth/params", value: inputs.auth.params },
        ],
      );
      const result = await baseConnection.create({ ...inputs, adopt: ID });
      assert.equal(result.outs.etag, NEW_ETAG);
      api.done();
    });

    it("refuses another auth type, listing it, and changes nothing (no secret in the message)", async () => {
      const api = platform()
        .get(`${FLOW}/connections/${ID}`)
        .reply(
          200,
          items(
            liveAccount({
              name: "Made in the UI",
              auth: { specName: "OAuth2 Refresh Code", params: { accessToken: "********" } },
            }),
          ),
        );
      await assert.rejects(baseConnection.create({ ...baseConnectionInputs(), adopt: ID }), {
        message: refusal('BaseConnection "Mailchimp base connection"', ID, "BaseConnection", [
          `auth.specName: live "OAuth2 Refresh Code", declared "Basic Authentication"`,
        ]),
      });
      api.done();
    });

    it("auth left out stays out of the diffs; declared later with the live type it is a PATCH", async () => {
      platform().get(`${FLOW}/connections/${ID}`).reply(200, items(liveAccount()));
      const adopted = await baseConnection.create({ ...withoutAuth(), adopt: ID, __provider: "P" });
      const olds = adopted.outs;
      const unchanged = { changes: false, replaces: [], deleteBeforeReplace: false };
      assert.deepEqual(
        await baseConnection.diff(ID, olds, { ...withoutAuth(), adopt: ID }),
        unchanged,
      );
      assert.deepEqual(await baseConnection.diff(ID, olds, withoutAuth()), unchanged);

      const news = { ...baseConnectionInputs(), adopt: ID };
      assert.deepEqual(await baseConnection.diff(ID, olds, news), {
        changes: true,
        replaces: [],
        deleteBeforeReplace: false,
      });
      const api = accountPatched(platform(), [
        { op: "add", path: "/auth/params", value: news.auth.params },
      ]);
      const updated = await baseConnection.update(ID, olds, news);
      assert.deepEqual(updated.outs, { ...news, ...serviceOutputs(NEW_ETAG) });
      api.done();

      // Another auth type than the live one needs a new account.
      const oauth = {
        ...withoutAuth(),
        auth: { specName: "OAuth2 Refresh Code", params: { accessToken: "t" } },
      };
      assert.deepEqual((await baseConnection.diff(ID, olds, oauth)).replaces, ["auth.specName"]);
    });

    it("refresh of an account adopted without auth keeps only the auth type, and adopt", async () => {
      platform().get(`${FLOW}/connections/${ID}`).reply(200, items(liveAccount()));
      const result = await baseConnection.read(ID, {
        ...withoutAuth(),
        auth: { specName: "Basic Authentication" },
        adopt: ID,
        ...serviceOutputs(),
        __provider: "P",
      });
      const inputs = { ...withoutAuth(), auth: { specName: "Basic Authentication" }, adopt: ID };
      assert.deepEqual(result, {
        id: ID,
        props: { ...inputs, ...serviceOutputs() },
        inputs: { ...inputs, ...LOCATION },
      });
    });
  });

  describe("SourceConnection", () => {
    it("an object that matches: one GET, no write, the outputs of a create", async () => {
      const inputs = sourceConnectionInputs();
      const api = platform()
        .get(`${FLOW}/sourceConnections/${ID}`)
        .reply(200, items({ ...system(), ...inputs, data: { format: "json", schema: null } }));
      const result = await sourceConnection.create({ ...inputs, adopt: ID });
      assert.deepEqual(result, { id: ID, outs: { ...inputs, adopt: ID, ...serviceOutputs() } });
      api.done();
    });

    it("refuses fields only a new source connection could change, listing each, and writes nothing", async () => {
      const inputs = sourceConnectionInputs();
      const api = platform()
        .get(`${FLOW}/sourceConnections/${ID}`)
        .reply(
          200,
          items({
            ...system(),
            ...inputs,
            name: "Renamed in the UI",
            data: { format: "delimited" },
            params: { campaignId: "0f1e2d3c4b" },
          }),
        );
      await assert.rejects(sourceConnection.create({ ...inputs, adopt: ID }), {
        message:
          `Adopting SourceConnection "Mailchimp campaign c66a200cda" (${ID}) failed: the live ` +
          `object (sandbox "dev") differs from the program in fields that cannot be changed in ` +
          `place, so nothing was changed:\n` +
          `  - data: live {"format":"delimited"}, declared {"format":"json"}\n` +
          `  - params: live {"campaignId":"0f1e2d3c4b"}, declared {"campaignId":"c66a200cda"}\n` +
          `Declare the live values to adopt it, or leave adopt out to create a new SourceConnection.`,
      });
      api.done();
    });
  });

  describe("TargetConnection", () => {
    it("an id of nothing: names the type, the id and the sandbox, and writes nothing", async () => {
      const probes = probedAsEveryKind(ID, "targetConnections");
      const api = platform().get(`${FLOW}/targetConnections/${ID}`).reply(404, missing);
      await assert.rejects(targetConnection.create({ ...targetConnectionInputs(), adopt: ID }), {
        message:
          `Adopting TargetConnection "Mailchimp data lake target" (${ID}) failed: no ` +
          `TargetConnection has the id ${ID} in sandbox "dev" of org ${ORG}: check the id, and ` +
          `that aep:sandboxName (or AEP_SANDBOX_NAME) names the sandbox the object is in, or ` +
          `leave adopt out to create a new TargetConnection`,
      });
      probes.done();
      api.done();
    });

    it("a description the object lacks: one PATCH that adds it", async () => {
      const inputs = { ...targetConnectionInputs(), description: "Campaign activity" };
      const api = platform()
        .get(`${FLOW}/targetConnections/${ID}`)
        .reply(200, items({ ...system(), ...targetConnectionInputs() }))
        .patch(`${FLOW}/targetConnections/${ID}`, [
          { op: "add", path: "/description", value: "Campaign activity" },
        ])
        .matchHeader("if-match", ETAG)
        .reply(200, { id: ID, etag: NEW_ETAG })
        .get(`${FLOW}/targetConnections/${ID}`)
        .reply(200, items({ ...system(NEW_ETAG), ...inputs }));
      const result = await targetConnection.create({ ...inputs, adopt: ID });
      assert.deepEqual(result.outs, { ...inputs, adopt: ID, ...serviceOutputs(NEW_ETAG) });
      api.done();
    });
  });

  describe("an id of another kind: says which, having read it as every kind", () => {
    const cases = [
      [sourceConnection, "SourceConnection", sourceConnectionInputs(), "flows", "Dataflow"],
      [
        targetConnection,
        "TargetConnection",
        targetConnectionInputs(),
        "sourceConnections",
        "SourceConnection",
      ],
      [baseConnection, "BaseConnection", baseConnectionInputs(), "flows", "Dataflow"],
    ] as const;
    const collections: Record<string, string> = {
      SourceConnection: "sourceConnections",
      TargetConnection: "targetConnections",
      BaseConnection: "connections",
    };
    for (const [impl, typeName, inputs, holder, kind] of cases) {
      it(`a ${kind}'s id given to a ${typeName}`, async () => {
        const adopting = collections[typeName]!;
        const probes = probedAsEveryKind(ID, adopting, holder);
        const api = platform()
          .get(`${FLOW}/${adopting}/${ID}`)
          .reply(404, missing)
          .get(`${FLOW}/${holder}/${ID}`)
          .reply(200, items({ ...system(), name: "the other object" }));
        await assert.rejects(impl.create({ ...inputs, adopt: ID }), {
          message:
            `Adopting ${typeName} "${inputs.name}" (${ID}) failed: ${ID} in sandbox "dev" of org ` +
            `${ORG} is a ${kind}, not a ${typeName}: declare it as a ${kind}, or pass the id of a ` +
            `${typeName} to adopt`,
        });
        probes.done();
        api.done();
      });
    }
  });

  describe("Dataflow", () => {
    const { enabled: _local, ...payload } = dataflowInputs();

    it("a disabled flow declared enabled and renamed: one PATCH with If-Match, then the enable action", async () => {
      const inputs = dataflowInputs();
      const api = platform()
        .get(`${FLOW}/flows/${ID}`)
        .reply(200, items({ ...system(), ...payload, name: "Made in the UI", state: "disabled" }))
        .patch(`${FLOW}/flows/${ID}`, [{ op: "replace", path: "/name", value: inputs.name }])
        .matchHeader("if-match", ETAG)
        .reply(200, { id: ID, etag: NEW_ETAG })
        .post(`${FLOW}/flows/${ID}/action`)
        .query({ op: "enable" })
        .reply(200, { id: ID, etag: '"third"' })
        .get(`${FLOW}/flows/${ID}`)
        .reply(200, items({ ...system('"third"'), ...payload }));
      const result = await dataflow.create({ ...inputs, adopt: ID });
      assert.deepEqual(result, {
        id: ID,
        outs: { ...inputs, adopt: ID, ...serviceOutputs('"third"') },
      });
      api.done();
    });

    it("refuses to move the start of a schedule that has begun", async () => {
      const inputs = dataflowInputs();
      inputs.scheduleParams.startTime = 1632900000;
      const api = platform()
        .get(`${FLOW}/flows/${ID}`)
        .reply(200, items({ ...system(), ...payload }));
      await assert.rejects(dataflow.create({ ...inputs, adopt: ID }), {
        message: refusal('Dataflow "Mailchimp campaign dataflow"', ID, "Dataflow", [
          "scheduleParams.startTime: live 1632809759, declared 1632900000",
        ]),
      });
      api.done();
    });

    it("waitForFirstRun on a flow that has run: judges its newest finished run at once", async () => {
      const inputs = { ...dataflowInputs(), waitForFirstRun: true };
      const flow = { ...system(), ...payload, lastRunDetails: { id: RUN_ID, state: "success" } };
      const api = platform()
        .get(`${FLOW}/flows/${ID}`)
        .reply(200, items(flow))
        .get(`${FLOW}/runs/${RUN_ID}`)
        .reply(200, items(finishedRun("success")));
      const result = await dataflow.create({ ...inputs, adopt: ID });
      assert.deepEqual(result.outs, {
        ...inputs,
        adopt: ID,
        ...serviceOutputs(),
        lastRunDetails: flow.lastRunDetails,
        ...lastRunOutputs,
      });
      api.done();
    });

    it("waitForFirstRun on a flow whose newest run failed: fails with its errors, and keeps the id", async () => {
      platform()
        .get(`${FLOW}/flows/${ID}`)
        .reply(200, items({ ...system(), ...payload, lastRunDetails: { id: RUN_ID } }))
        .get(`${FLOW}/runs/${RUN_ID}`)
        .reply(200, items(finishedRun("failed")));
      await assert.rejects(
        dataflow.create({ ...dataflowInputs(), waitForFirstRun: true, adopt: ID }),
        (error: Error & { id?: string }) => {
          assert.equal(error.id, ID);
          assert.equal(
            error.message,
            `Finishing the adoption of Dataflow "Mailchimp campaign dataflow" (${ID}) failed: the ` +
              `newest run ${RUN_ID} failed: CONNECTOR-2001-500: Error in processing the copied ` +
              `data. Details: \`aep-flow runs ${ID} --watch\``,
          );
          return true;
        },
      );
    });

    it("waitForFirstRun on a flow that never ran: waits for its first run, as for a new flow", async () => {
      // Its own id: the runs a wait saw are remembered by flow id for the rest of the process.
      const flowId = "2edc08ac-4df5-4fe6-936f-81a19ce92f5c";
      const inputs = { ...dataflowInputs(), waitForFirstRun: true };
      const flow = { ...system(), ...payload, id: flowId };
      const api = platform()
        .get(`${FLOW}/flows/${flowId}`)
        .reply(200, items(flow))
        .get(`${FLOW}/runs`)
        .query({ property: `flowId==${flowId}`, orderby: "createdAt", limit: "1" })
        .reply(200, { items: [{ ...finishedRun("success"), flowId }] })
        // Read again for the outputs; `lastRunDetails` may not show the run yet.
        .get(`${FLOW}/flows/${flowId}`)
        .reply(200, items(flow));
      const result = await dataflow.create({ ...inputs, adopt: flowId });
      assert.deepEqual(result, {
        id: flowId,
        outs: { ...inputs, adopt: flowId, ...serviceOutputs(), ...lastRunOutputs },
      });
      api.done();
    });
  });

  describe("Dataset", () => {
    const record = (overrides: Record<string, unknown> = {}) => ({
      ...datasetInputs(),
      tags: { team: ["growth"] },
      version: "1.0.0",
      created: 1,
      updated: 1,
      imsOrg: ORG,
      ...overrides,
    });
    const outputs = { version: "1.0.0", created: 1, updated: 1, imsOrg: ORG, ...LOCATION };

    it("a description that differs: Catalog's PATCH of it alone (undeclared tags stay)", async () => {
      const inputs = { ...datasetInputs(), description: "Declared" };
      const api = platform()
        .get(`${CATALOG}/dataSets/${DATASET_ID}`)
        .reply(200, { [DATASET_ID]: record({ description: "Made in the UI" }) })
        .patch(`${CATALOG}/dataSets/${DATASET_ID}`, { description: "Declared" })
        .reply(200, [`@/dataSets/${DATASET_ID}`])
        .get(`${CATALOG}/dataSets/${DATASET_ID}`)
        .reply(200, { [DATASET_ID]: record({ description: "Declared" }) });
      const result = await dataset.create({ ...inputs, adopt: DATASET_ID });
      assert.deepEqual(result, {
        id: DATASET_ID,
        outs: { ...inputs, adopt: DATASET_ID, ...outputs },
      });
      api.done();
    });

    it("refuses another schema", async () => {
      const other = "https://ns.adobe.com/acme/schemas/0000";
      const api = platform()
        .get(`${CATALOG}/dataSets/${DATASET_ID}`)
        .reply(200, {
          [DATASET_ID]: record({ schemaRef: { ...datasetInputs().schemaRef, id: other } }),
        });
      await assert.rejects(dataset.create({ ...datasetInputs(), adopt: DATASET_ID }), {
        message: refusal('Dataset "Mailchimp campaign activity"', DATASET_ID, "Dataset", [
          `schemaRef: live {"id":"${other}","contentType":"application/vnd.adobe.xed+json;version=1"}, ` +
            `declared {"id":"${SCHEMA_ID}","contentType":"application/vnd.adobe.xed+json;version=1"}`,
        ]),
      });
      api.done();
    });
  });

  describe("XdmSchema", () => {
    it("named by its meta:altId: one GET, and the resource id is its $id", async () => {
      const inputs = xdmSchemaInputs();
      const reads = registryReads()
        .get(`${REGISTRY}/tenant/schemas/${SCHEMA_ALT_ID}`)
        .reply(200, storedSchema());
      const result = await xdmSchema.create({ ...inputs, adopt: SCHEMA_ALT_ID });
      assert.deepEqual(result, {
        id: SCHEMA_ID,
        outs: { ...inputs, adopt: SCHEMA_ALT_ID, ...schemaOutputs() },
      });
      reads.done();
    });

    it("a field group the schema lacks: the update's JSON Patch from the schema as it is", async () => {
      const inputs = {
        ...xdmSchemaInputs(),
        fieldGroupIds: [...xdmSchemaInputs().fieldGroupIds, END_USER_IDS],
      };
      const grown = storedSchema({
        version: "1.1",
        allOf: [...storedSchema().allOf, { $ref: END_USER_IDS }],
      });
      const encoded = encodeURIComponent(SCHEMA_ID);
      const reads = registryReads()
        .get(`${REGISTRY}/tenant/schemas/${encoded}`)
        .times(2)
        .reply(200, storedSchema())
        .get(`${REGISTRY}/tenant/schemas/${encoded}`)
        .reply(200, grown);
      const patch = platform()
        .patch(`${REGISTRY}/tenant/schemas/${encoded}`, [
          { op: "add", path: "/allOf/-", value: { $ref: END_USER_IDS } },
        ])
        .reply(200, grown);
      const result = await xdmSchema.create({ ...inputs, adopt: SCHEMA_ID });
      assert.deepEqual(result.outs, { ...inputs, adopt: SCHEMA_ID, ...schemaOutputs("1.1") });
      reads.done();
      patch.done();
    });

    it("refuses another class, and a Profile schema declared without Profile", async () => {
      const reads = registryReads()
        .get(`${REGISTRY}/tenant/schemas/${SCHEMA_ALT_ID}`)
        .reply(200, storedSchema({ "meta:immutableTags": ["union"] }));
      const inputs = {
        ...xdmSchemaInputs(),
        classId: "https://ns.adobe.com/xdm/context/profile",
        fieldGroupIds: [],
      };
      await assert.rejects(xdmSchema.create({ ...inputs, adopt: SCHEMA_ALT_ID }), {
        message: refusal('XdmSchema "Mailchimp email activity"', SCHEMA_ALT_ID, "XdmSchema", [
          `classId: live "${EXPERIENCE_EVENT}", declared "https://ns.adobe.com/xdm/context/profile"`,
          "profileEnabled: live true, declared false",
        ]),
      });
      reads.done();
    });
  });

  describe("MappingSet", () => {
    it("a set that matches: one GET, no new version", async () => {
      const inputs = mappingSetInputs();
      const api = platform()
        .get(`${DATA_PREP}/mappingSets/${MAPPING_ID}`)
        .reply(200, storedMappingSet());
      const result = await mappingSet.create({ ...inputs, adopt: MAPPING_ID });
      assert.deepEqual(result, {
        id: MAPPING_ID,
        outs: {
          ...inputs,
          adopt: MAPPING_ID,
          version: 0,
          createdDate: 1614901255000,
          modifiedDate: 1614901255000,
          ...LOCATION,
        },
      });
      api.done();
    });

    it("mappings that differ: the PUT that makes the next version", async () => {
      const inputs = { ...mappingSetInputs(), mappings: [mappingSetInputs().mappings[0]!] };
      const api = platform()
        .get(`${DATA_PREP}/mappingSets/${MAPPING_ID}`)
        .reply(200, storedMappingSet())
        .put(`${DATA_PREP}/mappingSets/${MAPPING_ID}`, {
          outputSchema: {
            schemaRef: {
              id: SCHEMA_ID,
              contentType: "application/vnd.adobe.xed-full+json;version=1",
            },
          },
          mappings: inputs.mappings,
        })
        .reply(200, { ...storedMappingSet(1), mappings: inputs.mappings })
        .get(`${DATA_PREP}/mappingSets/${MAPPING_ID}`)
        .reply(200, { ...storedMappingSet(1), mappings: inputs.mappings });
      const result = await mappingSet.create({ ...inputs, adopt: MAPPING_ID });
      assert.equal(result.outs.version, 1);
      api.done();
    });
  });

  describe("check", () => {
    it("takes adopt next to the arguments, and lets BaseConnection leave auth out with it", async () => {
      const result = await baseConnection.check({}, { ...withoutAuth(), adopt: ID });
      assert.deepEqual(result, { inputs: { ...withoutAuth(), adopt: ID, ...LOCATION } });
    });

    it("without adopt, a BaseConnection without auth fails naming both fixes", async () => {
      assert.deepEqual(await baseConnection.check({}, withoutAuth()), {
        failures: [
          {
            property: "auth",
            reason:
              "BaseConnection auth is required: set { specName, params } with the account's " +
              "credentials, or set adopt to the id of an existing base connection, which keeps " +
              "its live credentials",
          },
        ],
      });
    });

    it("refuses an adopt that is not a non-empty string, for every resource", async () => {
      for (const [impl, typeName, inputs] of [
        [baseConnection, "BaseConnection", baseConnectionInputs()],
        [sourceConnection, "SourceConnection", sourceConnectionInputs()],
        [targetConnection, "TargetConnection", targetConnectionInputs()],
        [dataflow, "Dataflow", dataflowInputs()],
        [dataset, "Dataset", datasetInputs()],
        [xdmSchema, "XdmSchema", xdmSchemaInputs()],
        [mappingSet, "MappingSet", mappingSetInputs()],
      ] as const) {
        for (const [adopt, shown] of [
          ["", '""'],
          ["  ", '"  "'],
          [42, "42"],
        ] as const) {
          assert.deepEqual(await impl.check({}, { ...inputs, adopt }), {
            failures: [
              {
                property: "adopt",
                reason:
                  `${typeName} adopt must be a non-empty string (got ${shown}): pass the id of ` +
                  `the existing ${typeName} to take over, or leave adopt out to create a new one`,
              },
            ],
          });
        }
      }
    });

    it("lets an adopt not known yet (preview) through, with auth left out", async () => {
      const result = await baseConnection.check({}, { ...withoutAuth(), adopt: UNKNOWN });
      assert.deepEqual(result.failures, undefined);
      assert.equal(result.inputs?.adopt, UNKNOWN);
    });

    it("reports a bad adopt together with the arguments' own failures", async () => {
      const { name: _name, ...unnamed } = sourceConnectionInputs();
      const result = await sourceConnection.check({}, { ...unnamed, adopt: "" });
      assert.deepEqual(
        result.failures?.map((failure) => failure.property),
        ["name", "adopt"],
      );
    });
  });

  describe("diff and read of an adopted resource", () => {
    const cases = [
      [baseConnection, baseConnectionInputs()],
      [sourceConnection, sourceConnectionInputs()],
      [targetConnection, targetConnectionInputs()],
      [dataflow, dataflowInputs()],
      [dataset, datasetInputs()],
      [xdmSchema, xdmSchemaInputs()],
      [mappingSet, mappingSetInputs()],
    ] as const;

    it("a changed or removed adopt is no diff, for every resource", async () => {
      const unchanged = { changes: false, replaces: [], deleteBeforeReplace: false };
      for (const [impl, inputs] of cases) {
        const olds = { ...inputs, adopt: "the-adopted-id", etag: ETAG, ...LOCATION };
        assert.deepEqual(await impl.diff(ID, olds, { ...inputs, adopt: "another-id" }), unchanged);
        assert.deepEqual(await impl.diff(ID, olds, inputs), unchanged);
        assert.deepEqual(
          await impl.diff(ID, { ...inputs, ...LOCATION }, { ...inputs, adopt: ID }),
          unchanged,
        );
      }
    });

    it("refuses a replacement while adopt is declared, since its create would adopt again", async () => {
      const olds = { ...sourceConnectionInputs(), adopt: ID, ...serviceOutputs() };
      const news = { ...sourceConnectionInputs(), params: { campaignId: "0f1e2d3c4b" }, adopt: ID };
      await assert.rejects(sourceConnection.diff(ID, olds, news), {
        message:
          `SourceConnection "Mailchimp campaign c66a200cda" (${ID}) must be replaced (params ` +
          `changed), but it still declares adopt, so its replacement would take over an existing ` +
          `object instead of creating a new one. adopt only matters when a resource is first ` +
          `created: remove it from the program, then run this again`,
      });
      const { adopt: _removed, ...released } = news;
      assert.deepEqual((await sourceConnection.diff(ID, olds, released)).replaces, ["params"]);
    });

    it("an update keeps the declared adopt in the outputs, and sends nothing of it", async () => {
      const olds = { ...sourceConnectionInputs(), adopt: ID, ...serviceOutputs() };
      const news = { ...sourceConnectionInputs(), name: "Renamed", adopt: ID };
      const api = platform()
        .patch(`${FLOW}/sourceConnections/${ID}`, [
          { op: "replace", path: "/name", value: "Renamed" },
        ])
        .matchHeader("if-match", ETAG)
        .reply(200, { id: ID, etag: NEW_ETAG })
        .get(`${FLOW}/sourceConnections/${ID}`)
        .reply(200, items({ ...system(NEW_ETAG), ...news, adopt: undefined }));
      const result = await sourceConnection.update(ID, olds, news);
      assert.deepEqual(result.outs, { ...news, ...serviceOutputs(NEW_ETAG) });
      api.done();
    });
  });

  it("shows no credential in a refusal, even inside a field that holds one", () => {
    const auth = (specName: string, password: string) => ({
      auth: { specName, params: { username: "u", password } },
    });
    const message = refusalMessage(
      "Example",
      { sandboxName: "dev", orgId: ORG },
      ["auth", "auth.params"],
      auth("A", "live-secret"),
      auth("B", PASSWORD),
      [
        { path: "auth", change: "replace" },
        { path: "auth.params", change: "patch", secret: true },
      ],
    );
    assert.equal(
      message,
      `the live object (sandbox "dev") differs from the program in fields that cannot be changed ` +
        `in place, so nothing was changed:\n` +
        `  - auth: live {"specName":"A","params":"[secret]"}, declared {"specName":"B","params":"[secret]"}\n` +
        `  - auth.params: live [secret], declared [secret]\n` +
        `Declare the live values to adopt it, or leave adopt out to create a new Example.`,
    );
  });
});
