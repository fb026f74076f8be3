/** Seeded connection/flow specs, and explore/test on a base connection. */
import assert from "node:assert/strict";
import { connectionSpecIds, flowSpecIds } from "../../provider/resources/specCatalog";
import {
  assertNotFound,
  assertProblem,
  basicAuthConnection,
  CAMPAIGN_SOURCE_PARAMS,
  useEmulator,
} from "./helpers";

const base64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64");

describe("emulator specs and explore", () => {
  const { api } = useEmulator({ reset: false });
  let campaignConnection: string;
  let membersConnection: string;

  before(async () => {
    campaignConnection = (await api.create("connections", basicAuthConnection())).id;
    membersConnection = (
      await api.create(
        "connections",
        basicAuthConnection({
          connectionSpec: { id: connectionSpecIds.mailchimpMembers, version: "1.0" },
        }),
      )
    ).id;
  });

  describe("connection specs", () => {
    it("serves the Mailchimp specs with both auth specs and a sourceSpec", async () => {
      for (const [id, param] of [
        [connectionSpecIds.mailchimpCampaign, "campaignId"],
        [connectionSpecIds.mailchimpMembers, "listId"],
      ] as const) {
        const reply = await api.get(`/connectionSpecs/${id}`);
        assert.equal(reply.status, 200);
        const spec = reply.body.items[0];
        assert.equal(spec.id, id);
        assert.equal(spec.version, "1.0");
        assert.deepEqual(
          spec.authSpec.map((auth: { name: string; type: string }) => [auth.name, auth.type]),
          [
            ["Basic Authentication", "BasicAuthentication"],
            ["OAuth2 Refresh Code", "OAuth2RefreshCode"],
          ],
        );
        const [basic, oauth] = spec.authSpec;
        assert.deepEqual(basic.spec.required, ["username", "password"]);
        assert.equal(basic.spec.properties.password.format, "password");
        assert.ok("authorizationTestUrl" in basic.spec.properties);
        assert.deepEqual(oauth.spec.required, ["accessToken"]);
        assert.equal(oauth.spec.properties.accessToken.format, "password");
        assert.deepEqual(spec.sourceSpec.spec.required, [param]);
      }
    });

    it("serves the Data Lake target spec requiring dataSetId", async () => {
      const spec = (await api.get(`/connectionSpecs/${connectionSpecIds.dataLake}`)).body.items[0];
      assert.deepEqual(spec.targetSpec.spec.required, ["dataSetId"]);
    });

    it("lists specs and 404s unknown ones", async () => {
      const all = await api.get("/connectionSpecs");
      assert.deepEqual(
        all.body.items.map((spec: { id: string }) => spec.id).sort(),
        [
          connectionSpecIds.dataLake,
          connectionSpecIds.mailchimpMembers,
          connectionSpecIds.mailchimpCampaign,
        ].sort(),
      );
      assertNotFound(await api.get("/connectionSpecs/nope"), "connectionSpecs", "nope");
    });
  });

  describe("flow specs", () => {
    it("serves RestStorageToAEP with its connection specs and scheduleSpec", async () => {
      const spec = (await api.get(`/flowSpecs/${flowSpecIds.restStorageToAep}`)).body.items[0];
      assert.equal(spec.name, "RestStorageToAEP");
      assert.deepEqual(spec.sourceConnectionSpecIds, [
        connectionSpecIds.mailchimpCampaign,
        connectionSpecIds.mailchimpMembers,
      ]);
      assert.deepEqual(spec.targetConnectionSpecIds, [connectionSpecIds.dataLake]);
      assert.deepEqual(spec.scheduleSpec.spec.required, ["startTime", "frequency"]);
      assert.deepEqual(spec.scheduleSpec.spec.properties.frequency.enum, [
        "once",
        "minute",
        "hour",
        "day",
        "week",
      ]);
      assertNotFound(await api.get("/flowSpecs/nope"), "flowSpecs", "nope");
    });
  });

  describe("explore", () => {
    const explore = (connection: string, query: string) =>
      api.get(`/connections/${connection}/explore?${query}`);

    it("previews campaign activity deterministically from the campaignId", async () => {
      const query = `objectType=rest&object=json&fileType=json&preview=true&sourceParams=${CAMPAIGN_SOURCE_PARAMS}`;
      const first = await explore(campaignConnection, query);
      const second = await explore(campaignConnection, query);
      assert.equal(first.status, 200);
      assert.deepEqual(Object.keys(first.body), ["data"]);
      assert.equal(first.body.data.length, 3);
      assert.deepEqual(first.body, second.body);
      const row = first.body.data[0];
      assert.deepEqual(Object.keys(row), [
        "campaign_id",
        "list_id",
        "list_is_active",
        "email_id",
        "email_address",
        "activity",
      ]);
      assert.equal(row.activity[0].action, "open");
      assert.ok(!Number.isNaN(Date.parse(row.activity[0].timestamp)));
      assert.match(row.activity[0].ip, /^198\.51\.100\.\d+$/);
      const other = await explore(
        campaignConnection,
        `objectType=REST&sourceParams=${base64({ campaignId: "other" })}`,
      );
      assert.notDeepEqual(other.body.data[0].email_id, row.email_id);
    });

    it("previews list members for the Members spec", async () => {
      const reply = await explore(
        membersConnection,
        `objectType=rest&object=json&sourceParams=eyJsaXN0SWQiOiIxMGMwOTdjYTcxIn0=`,
      );
      assert.equal(reply.status, 200);
      assert.equal(reply.body.data[0].list_id, "10c097ca71");
      assert.equal(reply.body.data[0].status, "subscribed");
    });

    it("lists the root as a bare array", async () => {
      const reply = await explore(campaignConnection, "objectType=root");
      assert.deepEqual(reply.body, [
        {
          type: "rest",
          name: "Mailchimp Campaign",
          path: "json",
          canPreview: true,
          canFetchSchema: true,
        },
      ]);
    });

    it("refuses bad sourceParams with a clear message", async () => {
      const cases: Array<[string, string]> = [
        [
          "objectType=rest",
          "The query parameter 'sourceParams' is required for objectType rest: base64 of a JSON object of source params.",
        ],
        [
          "objectType=rest&sourceParams=%25%25%25",
          "The query parameter 'sourceParams' is not valid base64.",
        ],
        [
          `objectType=rest&sourceParams=${Buffer.from("{oops").toString("base64")}`,
          "The query parameter 'sourceParams' does not decode to JSON.",
        ],
        [
          `objectType=rest&sourceParams=${base64([1])}`,
          "The query parameter 'sourceParams' must decode to a JSON object.",
        ],
        [
          `objectType=rest&sourceParams=${base64({ listId: "x" })}`,
          "Invalid sourceParams: 'sourceParams.campaignId' is required.",
        ],
        [
          "sourceParams=x",
          "The query parameter 'objectType' is required (root or rest for this source).",
        ],
        [
          "objectType=table",
          "objectType 'table' is not supported for this connection; use root or rest.",
        ],
      ];
      for (const [query, message] of cases) {
        assertProblem(await explore(campaignConnection, query), 400, "1100", message);
      }
    });

    it("404s an unknown connection", async () => {
      const id = "66666666-6666-6666-6666-666666666666";
      assertNotFound(await explore(id, "objectType=root"), "connections", id);
    });
  });

  it("tests a connection", async () => {
    const reply = await api.get(`/connections/${campaignConnection}/test`);
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body, { result: true });
  });
});
