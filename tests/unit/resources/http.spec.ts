// The exact HTTP calls each provider method makes, through the real client, against nock.
import assert from "node:assert/strict";
import nock from "nock";
import { configureClient, resetClientForTests } from "../../../provider/client";
import {
  base as baseConnection,
  dataflow,
  dataset,
  source as sourceConnection,
  target as targetConnection,
} from "../../../provider/runtime";
import {
  baseConnectionInputs,
  dataflowInputs,
  datasetInputs,
  sourceConnectionInputs,
  targetConnectionInputs,
} from "../../fixtures/inputs";
import {
  ADOBE_HEADERS,
  configureWithToken,
  ETAG,
  FLOW,
  ID,
  IMS,
  LOCATION,
  NEW_ETAG,
  ORG,
  PLATFORM,
  platform,
  serviceOutputs,
  SETTINGS,
  system,
} from "./httpHelpers";

describe("provider methods over HTTP", () => {
  let ims: nock.Scope;

  beforeEach(() => {
    ims = configureWithToken();
  });

  afterEach(() => {
    resetClientForTests();
  });

  describe("BaseConnection", () => {
    it("create POSTs the payload, reads the object back and returns every output", async () => {
      const inputs = baseConnectionInputs();
      const api = platform()
        .post(`${FLOW}/connections`, inputs)
        .matchHeader("content-type", /application\/json/)
        .reply(201, { id: ID, etag: ETAG })
        .get(`${FLOW}/connections/${ID}`)
        .reply(200, {
          items: [
            {
              ...system(),
              ...inputs,
              auth: { ...inputs.auth, params: { username: "mc-user", password: "********" } },
            },
          ],
        });
      const result = await baseConnection.create({ ...inputs, __provider: "text" });
      assert.deepEqual(result, { id: ID, outs: { ...inputs, ...serviceOutputs() } });
      api.done();
      ims.done();
    });

    it("update PATCHes exactly the changed paths with If-Match and returns the full outputs", async () => {
      const olds = { ...baseConnectionInputs(), ...serviceOutputs() };
      const news = baseConnectionInputs();
      news.name = "Renamed";
      news.auth.params.password = "rotated";
      delete (news as { description?: string }).description;
      const api = platform()
        .patch(`${FLOW}/connections/${ID}`, [
          { op: "replace", path: "/name", value: "Renamed" },
          { op: "remove", path: "/description" },
          {
            op: "replace",
            path: "/auth/params",
            value: { username: "mc-user", password: "rotated" },
          },
        ])
        .matchHeader("if-match", ETAG)
        .reply(200, { id: ID, etag: NEW_ETAG })
        .get(`${FLOW}/connections/${ID}`)
        .reply(200, {
          items: [{ ...system(NEW_ETAG), name: "Renamed", connectionSpec: news.connectionSpec }],
        });
      const result = await baseConnection.update(ID, olds, news);
      assert.deepEqual(result, { outs: { ...news, ...serviceOutputs(NEW_ETAG) } });
      api.done();
    });

    it("update refuses to overwrite a change made outside Pulumi (412) and says to refresh", async () => {
      const olds = { ...baseConnectionInputs(), ...serviceOutputs() };
      const news = { ...baseConnectionInputs(), name: "Renamed" };
      const api = platform()
        .patch(`${FLOW}/connections/${ID}`)
        .reply(412, {
          errorMessage: `Supplied version=[${ETAG}] does not match the current version on entity=[${NEW_ETAG}]`,
          errorDetails: "version mismatch",
        })
        .get(`${FLOW}/connections/${ID}`)
        .reply(200, {
          items: [
            { ...system(NEW_ETAG), ...baseConnectionInputs(), description: "edited in the UI" },
          ],
        });
      await assert.rejects(baseConnection.update(ID, olds, news), {
        message:
          `Updating BaseConnection "Renamed" (${ID}) failed: BaseConnection ${ID} was changed outside ` +
          "Pulumi (description differs from the last known state), so Pulumi did not overwrite it: " +
          "run `pulumi refresh` to take in the remote changes, then `pulumi up` again",
      });
      api.done();
    });

    it("update patches again with the fresh etag when only the etag moved", async () => {
      const olds = { ...baseConnectionInputs(), ...serviceOutputs() };
      const news = { ...baseConnectionInputs(), name: "Renamed" };
      const operations = [{ op: "replace", path: "/name", value: "Renamed" }];
      const api = platform()
        .patch(`${FLOW}/connections/${ID}`, operations)
        .matchHeader("if-match", ETAG)
        .reply(412, { errorMessage: "Supplied version does not match", errorDetails: "" })
        .get(`${FLOW}/connections/${ID}`)
        .reply(200, { items: [{ ...system(NEW_ETAG), ...baseConnectionInputs() }] })
        .patch(`${FLOW}/connections/${ID}`, operations)
        .matchHeader("if-match", NEW_ETAG)
        .reply(200, { id: ID, etag: '"third"' })
        .get(`${FLOW}/connections/${ID}`)
        .reply(200, { items: [{ ...system('"third"'), ...news }] });
      const result = await baseConnection.update(ID, olds, news);
      assert.equal(result.outs?.etag, '"third"');
      api.done();
    });

    it("update accepts a 412 whose cause is its own earlier, applied attempt", async () => {
      const olds = { ...baseConnectionInputs(), ...serviceOutputs() };
      const news = { ...baseConnectionInputs(), name: "Renamed" };
      const api = platform()
        .patch(`${FLOW}/connections/${ID}`)
        .reply(412, { errorMessage: "Supplied version does not match", errorDetails: "" })
        .get(`${FLOW}/connections/${ID}`)
        .times(2)
        .reply(200, { items: [{ ...system(NEW_ETAG), ...news }] });
      const result = await baseConnection.update(ID, olds, news);
      assert.equal(result.outs?.name, "Renamed");
      api.done();
    });

    it("read keeps masked secrets, shows real drift and returns inputs for the next diff", async () => {
      const previous = { ...baseConnectionInputs(), ...serviceOutputs(), __provider: "text" };
      const api = platform()
        .get(`${FLOW}/connections/${ID}`)
        .reply(200, {
          items: [
            {
              ...system(NEW_ETAG),
              ...baseConnectionInputs(),
              name: "Renamed in the UI",
              auth: {
                specName: "basic authentication",
                params: { username: "other-user", password: "********" },
              },
            },
          ],
        });
      const result = await baseConnection.read(ID, previous);
      const expectedInputs = {
        ...baseConnectionInputs(),
        name: "Renamed in the UI",
        auth: {
          specName: "Basic Authentication",
          params: { username: "other-user", password: "s3cret-password" },
        },
      };
      assert.deepEqual(result, {
        id: ID,
        props: { ...expectedInputs, ...serviceOutputs(NEW_ETAG) },
        inputs: { ...expectedInputs, ...LOCATION },
      });
      api.done();
    });

    it("read reports a deleted object with a blank id, so the engine drops it from the state", async () => {
      const api = platform()
        .get(`${FLOW}/connections/${ID}`)
        .reply(404, {
          type: "https://ns.adobe.com/aep/errors/FLOW-1439-404",
          title: "Resource not found",
          status: 404,
          report: { "detailed-message": `The requested connections resource ${ID} is not found.` },
        });
      assert.deepEqual(await baseConnection.read(ID, baseConnectionInputs()), { id: "" });
      api.done();
    });

    it("delete sends DELETE and treats a 404 as done", async () => {
      const api = platform()
        .delete(`${FLOW}/connections/${ID}`)
        .reply(204)
        .delete(`${FLOW}/connections/${ID}`)
        .reply(404, { errorMessage: `connections not found with id = [${ID}]`, errorDetails: "" });
      await baseConnection.delete(ID, baseConnectionInputs());
      await baseConnection.delete(ID, baseConnectionInputs());
      api.done();
    });

    it("delete surfaces Adobe's refusal for a base connection still used by a flow", async () => {
      const adobeMessage = `The base connection with the ID ${ID} cannot be deleted because the base connection is being used in one or more flows.`;
      platform()
        .delete(`${FLOW}/connections/${ID}`)
        .reply(400, {
          type: "https://ns.adobe.com/aep/errors/FLOW-1418-400",
          title: "Bad request",
          status: 400,
          report: { "detailed-message": adobeMessage, "request-id": "req-1418" },
        });
      await assert.rejects(baseConnection.delete(ID, baseConnectionInputs()), (error: Error) => {
        assert.match(
          error.message,
          /^Deleting BaseConnection "Mailchimp base connection" \(9601747c-[\w-]+\) failed: /,
        );
        assert.ok(error.message.includes(adobeMessage), error.message);
        assert.ok(!/at \w+ \(/.test(error.message), "no stack trace in the message");
        return true;
      });
    });
  });

  describe("SourceConnection", () => {
    it("create and a rename", async () => {
      const inputs = sourceConnectionInputs();
      const api = platform()
        .post(`${FLOW}/sourceConnections`, inputs)
        .reply(201, { id: ID, etag: ETAG })
        .get(`${FLOW}/sourceConnections/${ID}`)
        .reply(200, { items: [{ ...system(), ...inputs, data: { format: "json", schema: null } }] })
        .patch(`${FLOW}/sourceConnections/${ID}`, [
          { op: "replace", path: "/name", value: "Renamed" },
        ])
        .matchHeader("if-match", ETAG)
        .reply(200, { id: ID, etag: NEW_ETAG })
        .get(`${FLOW}/sourceConnections/${ID}`)
        .reply(200, { items: [{ ...system(NEW_ETAG), ...inputs, name: "Renamed" }] });
      const created = await sourceConnection.create(inputs);
      assert.deepEqual(created, { id: ID, outs: { ...inputs, ...serviceOutputs() } });
      const updated = await sourceConnection.update(ID, created.outs, {
        ...inputs,
        name: "Renamed",
      });
      assert.deepEqual(updated, {
        outs: { ...inputs, name: "Renamed", ...serviceOutputs(NEW_ETAG) },
      });
      api.done();
    });

    it("update re-PATCHes once when only a member the program does not declare changed (412)", async () => {
      // The program declares no description; someone added one in the UI, which moved the etag.
      const inputs = sourceConnectionInputs();
      const olds = { ...inputs, ...serviceOutputs() };
      const news = { ...inputs, name: "Renamed" };
      const operations = [{ op: "replace", path: "/name", value: "Renamed" }];
      const edited = { ...system(NEW_ETAG), ...inputs, description: "Added in the UI" };
      const api = platform()
        .patch(`${FLOW}/sourceConnections/${ID}`, operations)
        .matchHeader("if-match", ETAG)
        .reply(412, { errorMessage: "Supplied version does not match", errorDetails: "" })
        .get(`${FLOW}/sourceConnections/${ID}`)
        .reply(200, { items: [edited] })
        .patch(`${FLOW}/sourceConnections/${ID}`, operations)
        .matchHeader("if-match", NEW_ETAG)
        .reply(200, { id: ID, etag: '"third"' })
        .get(`${FLOW}/sourceConnections/${ID}`)
        .reply(200, { items: [{ ...edited, ...system('"third"'), name: "Renamed" }] });
      const result = await sourceConnection.update(ID, olds, news);
      assert.deepEqual(result, { outs: { ...news, ...serviceOutputs('"third"') } });
      api.done();
    });

    it("read leaves out a member the program does not declare, so no later up removes it", async () => {
      const inputs = sourceConnectionInputs();
      const api = platform()
        .get(`${FLOW}/sourceConnections/${ID}`)
        .reply(200, {
          items: [{ ...system(NEW_ETAG), ...inputs, description: "Added in the UI" }],
        });
      const result = await sourceConnection.read(ID, {
        ...inputs,
        ...serviceOutputs(),
        __provider: "text",
      });
      assert.deepEqual(result, {
        id: ID,
        props: { ...inputs, ...serviceOutputs(NEW_ETAG) },
        inputs: { ...inputs, ...LOCATION },
      });
      api.done();
    });

    it("read of an object with no previous inputs takes in every input member", async () => {
      const inputs = sourceConnectionInputs();
      const api = platform()
        .get(`${FLOW}/sourceConnections/${ID}`)
        .reply(200, {
          items: [{ ...system(), ...inputs, description: "Added in the UI" }],
        });
      const result = await sourceConnection.read(ID, {});
      const expected = { ...inputs, description: "Added in the UI" };
      assert.deepEqual(result, {
        id: ID,
        props: { ...expected, ...serviceOutputs() },
        inputs: { ...expected, ...LOCATION },
      });
      api.done();
    });
  });

  describe("TargetConnection", () => {
    it("create, and read tolerating data.schema.schemaId", async () => {
      const inputs = targetConnectionInputs();
      const api = platform()
        .post(`${FLOW}/targetConnections`, inputs)
        .reply(201, { id: ID, etag: ETAG })
        .get(`${FLOW}/targetConnections/${ID}`)
        .times(2)
        .reply(200, {
          items: [
            {
              ...system(),
              ...inputs,
              data: {
                format: "parquet_xdm",
                schema: { schemaId: inputs.data.schema.id, version: inputs.data.schema.version },
              },
            },
          ],
        });
      const created = await targetConnection.create(inputs);
      assert.equal(created.id, ID);
      const read = await targetConnection.read(ID, created.outs);
      assert.deepEqual(read.inputs, { ...inputs, ...LOCATION });
      api.done();
    });
  });

  describe("Dataflow", () => {
    it("create with enabled: false disables the new flow", async () => {
      const inputs = { ...dataflowInputs(), enabled: false };
      const { enabled: _local, ...payload } = inputs;
      const api = platform()
        .post(`${FLOW}/flows`, payload)
        .reply(201, { id: ID, etag: ETAG })
        .post(`${FLOW}/flows/${ID}/action`)
        .query({ op: "disable" })
        .reply(200, { id: ID, etag: NEW_ETAG })
        .get(`${FLOW}/flows/${ID}`)
        .reply(200, {
          items: [
            {
              ...system(NEW_ETAG),
              ...payload,
              state: "disabled",
              scheduleParams: { startTime: "1632809759", frequency: "minute", interval: "15" },
              runs: `/runs?property=flowId==${ID}`,
            },
          ],
        });
      const result = await dataflow.create(inputs);
      assert.deepEqual(result, {
        id: ID,
        outs: {
          ...inputs,
          ...serviceOutputs(NEW_ETAG),
          state: "disabled",
          runs: `/runs?property=flowId==${ID}`,
        },
      });
      api.done();
    });

    it("update patches schedule members and enables with the flow action", async () => {
      const olds = { ...dataflowInputs(), enabled: false, ...serviceOutputs(), state: "disabled" };
      const news = {
        ...dataflowInputs(),
        scheduleParams: { startTime: 1632809759, frequency: "hour", interval: 2 },
      };
      const api = platform()
        .patch(`${FLOW}/flows/${ID}`, [
          { op: "replace", path: "/scheduleParams/frequency", value: "hour" },
          { op: "replace", path: "/scheduleParams/interval", value: 2 },
        ])
        .matchHeader("if-match", ETAG)
        .reply(200, { id: ID, etag: NEW_ETAG })
        .post(`${FLOW}/flows/${ID}/action`)
        .query({ op: "enable" })
        .reply(200, { id: ID, etag: '"third"' })
        .get(`${FLOW}/flows/${ID}`)
        .reply(200, {
          items: [
            {
              ...system('"third"'),
              ...news,
              scheduleParams: { startTime: "1632809759", frequency: "hour", interval: "2" },
            },
          ],
        });
      const result = await dataflow.update(ID, olds, news);
      assert.deepEqual(result.outs?.scheduleParams, news.scheduleParams);
      assert.equal(result.outs?.enabled, true);
      assert.equal(result.outs?.state, "enabled");
      api.done();
    });

    it("adopts the flow a lost create response made, instead of leaking it", async () => {
      const inputs = dataflowInputs();
      const { enabled: _local, ...payload } = inputs;
      const api = platform()
        .post(`${FLOW}/flows`, payload)
        .reply(502, "<html>Bad gateway</html>")
        .get(`${FLOW}/flows`)
        .query({ property: `name=="${inputs.name}"` })
        .reply(200, { items: [{ ...system(), ...payload, createdAt: Date.now() }], _links: {} })
        .get(`${FLOW}/flows/${ID}`)
        .reply(200, { items: [{ ...system(), ...payload }] });
      const result = await dataflow.create(inputs);
      assert.equal(result.id, ID);
      api.done();
    });

    it("keeps the id when the flow exists but a later step fails", async () => {
      const inputs = dataflowInputs();
      platform()
        .post(`${FLOW}/flows`)
        .reply(201, { id: ID, etag: ETAG })
        .get(`${FLOW}/flows/${ID}`)
        .reply(404, { errorMessage: "not found", errorDetails: "" });
      await assert.rejects(
        dataflow.create(inputs),
        (error: Error & { id?: string; reasons?: string[] }) => {
          assert.equal(error.id, ID);
          assert.equal(
            error.message,
            `Finishing the creation of Dataflow "Mailchimp campaign dataflow" (${ID}) failed: it was not found right after it was created`,
          );
          return true;
        },
      );
    });
  });

  describe("Dataset", () => {
    it("create, update and delete through Catalog", async () => {
      const inputs = datasetInputs();
      const datasetId = "5c8c3c555033b814b69f947f";
      const record = {
        name: inputs.name,
        schemaRef: inputs.schemaRef,
        version: "1.0.0",
        created: 1,
        updated: 1,
        imsOrg: ORG,
      };
      const api = platform()
        .post("/data/foundation/catalog/dataSets", inputs)
        .reply(201, [`@/dataSets/${datasetId}`])
        .get(`/data/foundation/catalog/dataSets/${datasetId}`)
        .reply(200, { [datasetId]: record })
        .patch(`/data/foundation/catalog/dataSets/${datasetId}`, { name: "Renamed" })
        .reply(200, [`@/dataSets/${datasetId}`])
        .get(`/data/foundation/catalog/dataSets/${datasetId}`)
        .reply(200, { [datasetId]: { ...record, name: "Renamed", version: "1.0.1" } })
        .delete(`/data/foundation/catalog/dataSets/${datasetId}`)
        .reply(200, [`@/dataSets/${datasetId}`]);
      // Catalog answers no sandbox: the one the requests named is recorded.
      const outputs = {
        version: "1.0.0",
        created: 1,
        updated: 1,
        imsOrg: ORG,
        sandboxName: "dev",
        imsOrgId: ORG,
      };
      const created = await dataset.create(inputs);
      assert.deepEqual(created, { id: datasetId, outs: { ...inputs, ...outputs } });
      const updated = await dataset.update(datasetId, created.outs, { ...inputs, name: "Renamed" });
      assert.deepEqual(updated, {
        outs: { ...inputs, name: "Renamed", ...outputs, version: "1.0.1" },
      });
      await dataset.delete(datasetId, updated.outs);
      api.done();
    });
  });

  describe("an object recorded in another sandbox than the configured one", () => {
    const elsewhere = { ...ADOBE_HEADERS, "x-sandbox-name": "prod" };
    const recordedIn = (sandboxName: string) => ({
      ...sourceConnectionInputs(),
      ...serviceOutputs(),
      sandboxName,
    });

    it("read, update and delete go to the sandbox recorded in the state", async () => {
      const inputs = sourceConnectionInputs();
      const remote = { ...system(), ...inputs, sandboxName: "prod" };
      const api = nock(PLATFORM, { reqheaders: elsewhere })
        .get(`${FLOW}/sourceConnections/${ID}`)
        .reply(200, { items: [remote] })
        .patch(`${FLOW}/sourceConnections/${ID}`, [
          { op: "replace", path: "/name", value: "Renamed" },
        ])
        .reply(200, { id: ID, etag: NEW_ETAG })
        .get(`${FLOW}/sourceConnections/${ID}`)
        .reply(200, { items: [{ ...remote, ...system(NEW_ETAG), name: "Renamed" }] })
        .delete(`${FLOW}/sourceConnections/${ID}`)
        .reply(204);
      const read = await sourceConnection.read(ID, recordedIn("prod"));
      assert.equal(read.props?.sandboxName, "prod");
      const updated = await sourceConnection.update(ID, recordedIn("prod"), {
        ...inputs,
        name: "Renamed",
      });
      assert.equal(updated.outs?.sandboxName, "prod");
      await sourceConnection.delete(ID, recordedIn("prod"));
      api.done();
    });

    it("a Dataset without a recorded sandbox (older state) is read in the configured one", async () => {
      const datasetId = "5c8c3c555033b814b69f947f";
      const api = platform()
        .get(`/data/foundation/catalog/dataSets/${datasetId}`)
        .reply(200, { [datasetId]: { ...datasetInputs(), version: "1.0.0", imsOrg: ORG } });
      const read = await dataset.read(datasetId, { ...datasetInputs(), version: "1.0.0" });
      assert.equal(read.props?.sandboxName, "dev");
      assert.equal(read.props?.imsOrgId, ORG);
      api.done();
    });
  });

  describe("a refused credential while reading or deleting", () => {
    const hint =
      " Unless the program ran, `pulumi refresh`, `pulumi destroy` and `pulumi up --refresh` use " +
      "the settings recorded in the state at the last `pulumi up`, not the current stack config: " +
      "after changing a credential, run `pulumi up` first, or pass `--run-program` (`pulumi " +
      "refresh --run-program`, `pulumi destroy --run-program`), which uses the current stack config.";
    const refusedByIms = () => {
      nock.cleanAll();
      nock(IMS)
        .post("/ims/token/v3")
        .reply(401, { error: "invalid_client", error_description: "invalid client_secret" });
    };

    it("read and delete say which settings were used and how to use the current ones", async () => {
      const props = { ...sourceConnectionInputs(), ...serviceOutputs(), ...LOCATION };
      refusedByIms();
      const read = await sourceConnection.read(ID, props).then(
        () => assert.fail("read must fail"),
        (error: Error) => error.message,
      );
      assert.ok(read.startsWith(`Reading SourceConnection "${props.name}" (${ID}) failed: `), read);
      assert.ok(read.endsWith(hint), read);
      assert.match(read, /\(401 invalid_client\)/);
      resetClientForTests();
      configureClient(SETTINGS);
      refusedByIms();
      const deleted = await sourceConnection.delete(ID, props).then(
        () => assert.fail("delete must fail"),
        (error: Error) => error.message,
      );
      assert.ok(deleted.startsWith(`Deleting SourceConnection "${props.name}" (${ID}) failed: `));
      assert.ok(deleted.endsWith(hint), deleted);
    });

    it("a gateway 401 gets the hint too; other failures, and updates, do not", async () => {
      const props = { ...sourceConnectionInputs(), ...serviceOutputs(), ...LOCATION };
      platform()
        .get(`${FLOW}/sourceConnections/${ID}`)
        .times(2)
        .reply(401, { error_code: "401013", message: "Oauth token is not valid" })
        .delete(`${FLOW}/sourceConnections/${ID}`)
        .reply(403, { error_code: "403027", message: "User region is missing" });
      nock(IMS).post("/ims/token/v3").reply(200, { access_token: "issued-token", expires_in: 1 });
      const read = await sourceConnection.read(ID, props).then(
        () => assert.fail("read must fail"),
        (error: Error) => error.message,
      );
      assert.ok(read.endsWith(hint), read);
      const deleted = await sourceConnection.delete(ID, props).then(
        () => assert.fail("delete must fail"),
        (error: Error) => error.message,
      );
      assert.ok(!deleted.includes("--run-program"), deleted);
    });
  });

  describe("settings", () => {
    it("a missing setting names the config key and the environment variable, before any call", async () => {
      const partial = new Map(SETTINGS);
      partial.delete("aep:orgId");
      configureClient(partial);
      const saved = process.env.AEP_ORG_ID;
      delete process.env.AEP_ORG_ID;
      try {
        await assert.rejects(sourceConnection.create(sourceConnectionInputs()), {
          message:
            'Creating SourceConnection "Mailchimp campaign c66a200cda" failed: The AEP IMS organization id is not set: ' +
            "every Flow Service call names the IMS organization. Set the stack config `aep:orgId` " +
            "(`pulumi config set aep:orgId <value>`) or the environment variable AEP_ORG_ID.",
        });
      } finally {
        if (saved !== undefined) process.env.AEP_ORG_ID = saved;
      }
      assert.equal(ims.isDone(), false, "no token was requested");
    });
  });
});
