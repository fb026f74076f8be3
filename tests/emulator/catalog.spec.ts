/** Catalog datasets: create, read (keyed by id), merge-patch, delete, list. */
import assert from "node:assert/strict";
import {
  CATALOG,
  CLIENT_ID,
  dataSetBody,
  ORG,
  type Reply,
  UUID_PATTERN,
  useEmulator,
} from "./helpers";

describe("emulator Catalog datasets", () => {
  const { emulator, api } = useEmulator();

  const catalog = (method: string, path: string, json?: unknown): Promise<Reply> =>
    api.request(method, `${CATALOG}${path}`, { json });

  const assertCatalogError = (
    reply: Reply,
    status: number,
    title: string,
    detail: string,
  ): void => {
    assert.equal(reply.status, status, reply.text);
    assert.deepEqual(reply.body, {
      type: `https://ns.adobe.com/aep/errors/CAT-${status}`,
      title,
      status,
      detail,
      "request-id": reply.headers.get("x-request-id"),
    });
    assert.match(String(reply.body["request-id"]), UUID_PATTERN);
  };

  it('creates a dataset: 201 with ["@/dataSets/<24 hex>"] and a Location', async () => {
    const schemaId = await api.tutorialSchemaId();
    const reply = await catalog("POST", "/dataSets", {
      ...dataSetBody("LoyaltyMembers", schemaId),
      tags: { team: ["growth"] },
    });
    assert.equal(reply.status, 201);
    assert.equal(reply.body.length, 1);
    const [reference] = reply.body as string[];
    assert.match(reference as string, /^@\/dataSets\/[0-9a-f]{24}$/);
    const id = (reference as string).slice("@/dataSets/".length);
    assert.equal(reply.headers.get("location"), `${CATALOG}/dataSets/${id}`);

    const read = await catalog("GET", `/dataSets/${id}`);
    assert.equal(read.status, 200);
    assert.deepEqual(Object.keys(read.body), [id]);
    const dataSet = read.body[id];
    assert.equal(dataSet.name, "LoyaltyMembers");
    assert.equal(dataSet.description, "Email activity from Mailchimp");
    assert.equal(dataSet.imsOrg, ORG);
    assert.deepEqual(dataSet.tags, { team: ["growth"] });
    assert.equal(dataSet.version, "1.0.0");
    assert.equal(typeof dataSet.created, "number");
    assert.equal(dataSet.updated, dataSet.created);
    assert.equal(dataSet.createdClient, CLIENT_ID);
    assert.deepEqual(dataSet.schemaRef, {
      id: schemaId,
      contentType: "application/vnd.adobe.xed+json;version=1",
    });
    assert.equal(dataSet.files, `@/dataSetFiles?dataSetId=${id}`);
  });

  it("limits a read to ?properties", async () => {
    const id = await api.createDataSet("Props");
    const reply = await catalog("GET", `/dataSets/${id}?properties=name,tags`);
    assert.deepEqual(reply.body, { [id]: { name: "Props", tags: {} } });
  });

  it("requires name and schemaRef.id", async () => {
    assertCatalogError(
      await catalog("POST", "/dataSets", { schemaRef: { id: "x" } }),
      400,
      "Bad Request",
      "Required field 'name' is missing.",
    );
    assertCatalogError(
      await catalog("POST", "/dataSets", { name: "n", schemaRef: {} }),
      400,
      "Bad Request",
      "Required field 'schemaRef.id' is missing.",
    );
  });

  it("needs the schema to exist in the sandbox's Schema Registry", async () => {
    const invented = "https://ns.adobe.com/acme/schemas/719c4e19184402c27595e65b931a142b";
    assertCatalogError(
      await catalog("POST", "/dataSets", dataSetBody("No schema", invented)),
      400,
      "Bad Request",
      `The schema ${invented} of 'schemaRef.id' does not exist in sandbox prod. Create it in the Schema Registry first.`,
    );
    const devSchema = await api.in(ORG, "dev").tutorialSchemaId();
    assert.equal(
      (await catalog("POST", "/dataSets", dataSetBody("Other sandbox's schema", devSchema))).status,
      400,
    );
  });

  it("enables a dataset for Profile only when its schema is enabled for Profile", async () => {
    const plain = await api.tutorialSchemaId();
    const profileTags = { unifiedProfile: ["enabled:true"], unifiedIdentity: ["enabled: true"] };
    assertCatalogError(
      await catalog("POST", "/dataSets", { ...dataSetBody("Profile", plain), tags: profileTags }),
      400,
      "Bad Request",
      `The dataset cannot be enabled for unifiedProfile and unifiedIdentity: its schema ${plain} is not enabled for Profile (meta:immutableTags has no "union").`,
    );
    const id = await api.createDataSet("Later");
    assert.equal(
      (await catalog("PATCH", `/dataSets/${id}`, { tags: { unifiedProfile: ["enabled:true"] } }))
        .status,
      400,
    );
    const disabled = await catalog("PATCH", `/dataSets/${id}`, {
      tags: { unifiedProfile: ["enabled:false"] },
    });
    assert.equal(disabled.status, 200, disabled.text);
    const union = await api.createSchema("Profile schema", [], {
      "meta:immutableTags": ["union"],
    });
    const enabled = await catalog("POST", "/dataSets", {
      ...dataSetBody("Profile", String(union.$id)),
      tags: profileTags,
    });
    assert.equal(enabled.status, 201, enabled.text);
  });

  it("merges name, description and tags on PATCH and bumps version and updated", async () => {
    const id = await api.createDataSet("Before");
    emulator.advanceClock(1000);
    const reply = await catalog("PATCH", `/dataSets/${id}`, {
      name: "After",
      tags: { extra: ["a"] },
    });
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body, [`@/dataSets/${id}`]);
    const dataSet = (await catalog("GET", `/dataSets/${id}`)).body[id];
    assert.equal(dataSet.name, "After");
    assert.equal(dataSet.description, "Email activity from Mailchimp");
    assert.deepEqual(dataSet.tags, { extra: ["a"] });
    assert.equal(dataSet.version, "1.0.1");
    assert.ok(dataSet.updated >= dataSet.created + 1000);
    assertCatalogError(
      await catalog("PATCH", `/dataSets/${id}`, { schemaRef: { id: "y" } }),
      400,
      "Bad Request",
      "Only name, description, tags can be changed; got schemaRef.",
    );
  });

  it('deletes with 200 ["@/dataSets/<id>"], then 404s', async () => {
    const id = await api.createDataSet("Doomed");
    const deleted = await catalog("DELETE", `/dataSets/${id}`);
    assert.equal(deleted.status, 200);
    assert.deepEqual(deleted.body, [`@/dataSets/${id}`]);
    assertCatalogError(
      await catalog("GET", `/dataSets/${id}`),
      404,
      "Not Found",
      `DataSet ${id} was not found.`,
    );
    assertCatalogError(
      await catalog("DELETE", `/dataSets/${id}`),
      404,
      "Not Found",
      `DataSet ${id} was not found.`,
    );
    assertCatalogError(
      await catalog("PATCH", `/dataSets/${id}`, { name: "x" }),
      404,
      "Not Found",
      `DataSet ${id} was not found.`,
    );
  });

  it("lists datasets keyed by id, scoped to the sandbox", async () => {
    const first = await api.createDataSet("One");
    const second = await api.createDataSet("Two");
    await api.in(ORG, "dev").createDataSet("Elsewhere");
    const reply = await catalog("GET", "/dataSets");
    assert.deepEqual(Object.keys(reply.body), [first, second]);
    assert.equal(reply.body[second].name, "Two");
    assert.deepEqual(Object.keys((await catalog("GET", "/dataSets?limit=1&start=1")).body), [
      second,
    ]);
    assert.deepEqual(Object.keys((await catalog("GET", "/dataSets?name=One")).body), [first]);
    assert.equal(
      (await api.in(ORG, "dev").request("GET", `${CATALOG}/dataSets/${first}`)).status,
      404,
    );
  });
});
