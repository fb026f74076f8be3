/** List endpoints: `property` filters, `orderby`, `limit` + `continuationToken`, `count`. */
import assert from "node:assert/strict";
import { connectionSpecIds } from "../../provider/resources/specCatalog";
import {
  assertProblem,
  basicAuthConnection,
  campaignSourceConnection,
  FLOW,
  ORG,
  type Reply,
  useEmulator,
} from "./helpers";

const names = (reply: Reply): string[] =>
  reply.body.items.map((item: { name: string }) => item.name);

describe("emulator list queries", () => {
  const { emulator, api } = useEmulator({ reset: false });
  const ids: Record<string, string> = {};

  before(async () => {
    // Five base connections: alpha..echo, two on the Members spec, one OAuth.
    const specs = [
      connectionSpecIds.mailchimpCampaign,
      connectionSpecIds.mailchimpMembers,
      connectionSpecIds.mailchimpCampaign,
      connectionSpecIds.mailchimpMembers,
      connectionSpecIds.mailchimpCampaign,
    ];
    for (const [index, name] of ["alpha", "bravo", "charlie", "delta", "echo"].entries()) {
      const auth =
        name === "delta"
          ? { specName: "OAuth2 Refresh Code", params: { accessToken: "t" } }
          : {
              specName: "Basic Authentication",
              params: { username: `user-${name}`, password: "p" },
            };
      const { id } = await api.create(
        "connections",
        basicAuthConnection({ name, connectionSpec: { id: specs[index] }, auth }),
      );
      ids[name] = id;
      emulator.advanceClock(1000);
    }
    const first = await api.create(
      "sourceConnections",
      campaignSourceConnection(ids.alpha as string, "aaa111"),
    );
    ids.sourceA = first.id;
    const second = await api.create(
      "sourceConnections",
      campaignSourceConnection(ids.alpha as string, "bbb222"),
    );
    ids.sourceB = second.id;
  });

  describe("property filters", () => {
    it("filters with == on a nested dot path", async () => {
      const reply = await api.get(
        `/connections?property=connectionSpec.id==${connectionSpecIds.mailchimpMembers}`,
      );
      assert.equal(reply.status, 200);
      assert.deepEqual(names(reply), ["bravo", "delta"]);
    });

    it("filters with !=", async () => {
      assert.deepEqual(
        names(
          await api.get(
            `/connections?property=connectionSpec.id!=${connectionSpecIds.mailchimpMembers}`,
          ),
        ),
        ["alpha", "charlie", "echo"],
      );
    });

    it("treats comma-separated values as any-of", async () => {
      assert.deepEqual(names(await api.get(`/connections?property=id==${ids.alpha},${ids.echo}`)), [
        "alpha",
        "echo",
      ]);
    });

    it("accepts quoted string values (URL-encoded quotes)", async () => {
      assert.deepEqual(names(await api.get("/connections?property=name==%22charlie%22")), [
        "charlie",
      ]);
      assert.deepEqual(names(await api.get(`/connections?property=name=="bravo","delta"`)), [
        "bravo",
        "delta",
      ]);
    });

    it("compares numbers with < > <= >=", async () => {
      const all = (await api.get("/connections")).body.items as Array<{
        name: string;
        createdAt: number;
      }>;
      const charlie = all.find((item) => item.name === "charlie")?.createdAt;
      assert.deepEqual(names(await api.get(`/connections?property=createdAt<${charlie}`)), [
        "alpha",
        "bravo",
      ]);
      assert.deepEqual(names(await api.get(`/connections?property=createdAt<=${charlie}`)), [
        "alpha",
        "bravo",
        "charlie",
      ]);
      assert.deepEqual(names(await api.get(`/connections?property=createdAt>${charlie}`)), [
        "delta",
        "echo",
      ]);
      assert.deepEqual(names(await api.get(`/connections?property=createdAt>=${charlie}`)), [
        "charlie",
        "delta",
        "echo",
      ]);
    });

    it("ANDs several property parameters", async () => {
      const reply = await api.get(
        `/connections?property=connectionSpec.id==${connectionSpecIds.mailchimpMembers}&property=auth.specName==Basic Authentication`,
      );
      assert.deepEqual(names(reply), ["bravo"]);
    });

    it("matches array members with []", async () => {
      const byParam = await api.get(`/sourceConnections?property=params.campaignId==bbb222`);
      assert.deepEqual(
        byParam.body.items.map((item: { id: string }) => item.id),
        [ids.sourceB],
      );
      const other = api.in(ORG, "flows");
      const pipeline = await other.createPipeline();
      const byMember = await other.get(
        `/flows?property=sourceConnectionIds[]==${pipeline.sourceId}`,
      );
      assert.deepEqual(
        byMember.body.items.map((item: { id: string }) => item.id),
        [pipeline.flowId],
      );
      const nested = await other.get(
        `/flows?property=inheritedAttributes.sourceConnections[].baseConnection.id==${pipeline.baseId}`,
      );
      assert.equal(nested.body.items.length, 1);
      assert.equal(
        (await other.get(`/flows?property=sourceConnectionIds[]==nope`)).body.items.length,
        0,
      );
    });

    it("matches booleans", async () => {
      const other = api.in(ORG, "booleans");
      await other.createPipeline();
      const reply = await other.get(
        "/flows?property=inheritedAttributes.properties.isSourceFlow==true",
      );
      assert.equal(reply.body.items.length, 1);
      const none = await other.get(
        "/flows?property=inheritedAttributes.properties.isSourceFlow==false",
      );
      assert.equal(none.body.items.length, 0);
    });

    it("refuses malformed filters with the documented codes", async () => {
      assertProblem(
        await api.get("/connections?property=name~al"),
        400,
        "1440",
        "The operator '~' in filter 'name~al' is not implemented.",
      );
      assertProblem(
        await api.get("/connections?property=name=alpha"),
        400,
        "1450",
        "Invalid operator '=' in filter 'name=alpha'; use '=='.",
      );
      assertProblem(
        await api.get("/connections?property=name"),
        400,
        "1450",
        "Invalid filter 'name': expected <field><operator><value>.",
      );
      assertProblem(
        await api.get("/connections?property=na%20me==x"),
        400,
        "1449",
        "Invalid field 'na me' in filter 'na me==x'.",
      );
      assertProblem(
        await api.get("/connections?property=createdAt<=1,2"),
        400,
        "1443",
        "The operator '<=' takes a single value (filter 'createdAt<=1,2').",
      );
      assertProblem(
        await api.get("/connections?property=id>=a"),
        400,
        "1448",
        "The operator '>=' is not supported on 'id'.",
      );
    });
  });

  describe("orderby", () => {
    it("sorts ascending by default or with +, descending with -", async () => {
      assert.deepEqual(names(await api.get("/connections?orderby=-name")), [
        "echo",
        "delta",
        "charlie",
        "bravo",
        "alpha",
      ]);
      assert.deepEqual(names(await api.get("/connections?orderby=name")), [
        "alpha",
        "bravo",
        "charlie",
        "delta",
        "echo",
      ]);
      assert.deepEqual(names(await api.get("/connections?orderby=%2BcreatedAt")), [
        "alpha",
        "bravo",
        "charlie",
        "delta",
        "echo",
      ]);
      // An unencoded '+' decodes to a space and still means ascending.
      assert.deepEqual(names(await api.get("/connections?orderby=+createdAt")), [
        "alpha",
        "bravo",
        "charlie",
        "delta",
        "echo",
      ]);
      assert.deepEqual(names(await api.get("/connections?orderby=-createdAt")), [
        "echo",
        "delta",
        "charlie",
        "bravo",
        "alpha",
      ]);
    });

    it("sorts by several keys", async () => {
      assert.deepEqual(names(await api.get("/connections?orderby=connectionSpec.id,-name")), [
        "delta",
        "bravo",
        "echo",
        "charlie",
        "alpha",
      ]);
    });

    it("refuses a malformed orderby (1432)", async () => {
      assertProblem(
        await api.get("/connections?orderby=--name"),
        400,
        "1432",
        "Invalid orderby '--name': expected [+|-]<field>.",
      );
    });
  });

  describe("paging", () => {
    it("pages with limit and a continuation token relative to the service base", async () => {
      const first = await api.get("/connections?limit=2&orderby=name");
      assert.deepEqual(names(first), ["alpha", "bravo"]);
      const href: string = first.body._links.next.href;
      assert.match(href, /^\/connections\?continuationToken=[\w-]+$/);
      const second = await api.get(href);
      assert.deepEqual(names(second), ["charlie", "delta"]);
      const third = await api.get(second.body._links.next.href);
      assert.deepEqual(names(third), ["echo"]);
      assert.deepEqual(third.body._links, {});
    });

    it("keeps the filters in the continuation token", async () => {
      const first = await api.get(
        `/connections?limit=1&property=connectionSpec.id==${connectionSpecIds.mailchimpCampaign}`,
      );
      assert.deepEqual(names(first), ["alpha"]);
      const token = new URL(first.body._links.next.href, "http://x").searchParams.get(
        "continuationToken",
      );
      const second = await api.get(`/connections?continuationToken=${token}`);
      assert.deepEqual(names(second), ["charlie"]);
    });

    it("answers no next link when everything fits", async () => {
      const reply = await api.get("/connections?limit=5");
      assert.equal(reply.body.items.length, 5);
      assert.deepEqual(reply.body._links, {});
    });

    it("refuses a bad limit and a bad token", async () => {
      assertProblem(
        await api.get("/connections?limit=0"),
        400,
        "1100",
        "The query parameter 'limit' must be a positive integer (got '0').",
      );
      assertProblem(
        await api.get("/connections?continuationToken=garbage"),
        400,
        "1100",
        "The continuationToken 'garbage' is not valid.",
      );
    });
  });

  describe("count", () => {
    it("answers {count} only", async () => {
      const reply = await api.get(
        `/connections?count=true&property=connectionSpec.id==${connectionSpecIds.mailchimpCampaign}`,
      );
      assert.equal(reply.status, 200);
      assert.deepEqual(reply.body, { count: 3 });
    });

    it("refuses count with limit (1401)", async () => {
      assertProblem(
        await api.get("/connections?count=true&limit=2"),
        400,
        "1401",
        "The query parameters 'count' and 'limit' cannot be used together.",
      );
    });
  });

  it("serves the same query language on specs", async () => {
    const reply = await api.request("GET", `${FLOW}/flowSpecs?property=name=="RestStorageToAEP"`);
    assert.equal(reply.body.items.length, 1);
    const sources = await api.get(
      `/connectionSpecs?property=attributes.isSource==true&orderby=name`,
    );
    assert.deepEqual(names(sources), ["mailchimp-campaign", "mailchimp-members"]);
  });
});
