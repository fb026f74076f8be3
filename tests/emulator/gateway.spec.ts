import assert from "node:assert/strict";
import { startEmulator, type EmulatorHandle } from "../../provider/emulator";
import {
  Api,
  assertNotFound,
  assertProblem,
  basicAuthConnection,
  call,
  CATALOG,
  CLIENT_ID,
  DAY,
  FLOW,
  issueToken,
  ORG,
  SANDBOX,
  UUID_PATTERN,
} from "./helpers";

describe("emulator gateway checks", () => {
  let emulator: EmulatorHandle;
  let token: string;

  const headers = (): Record<string, string> => ({
    authorization: `Bearer ${token}`,
    "x-api-key": CLIENT_ID,
    "x-gw-ims-org-id": ORG,
    "x-sandbox-name": SANDBOX,
  });
  const without = (name: string): Record<string, string> => {
    const copy = headers();
    delete copy[name];
    return copy;
  };

  before(async () => {
    emulator = await startEmulator({ port: 0 });
    token = await issueToken(emulator.url);
  });
  after(() => emulator.close());

  it("answers a well-formed call, with an x-request-id", async () => {
    const reply = await call(emulator.url, "GET", `${FLOW}/connections`, { headers: headers() });
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body, { items: [], _links: {} });
    assert.match(reply.headers.get("x-request-id") ?? "", UUID_PATTERN);
  });

  it("403010 without a token", async () => {
    const reply = await call(emulator.url, "GET", `${FLOW}/connections`, {
      headers: without("authorization"),
    });
    assert.equal(reply.status, 403);
    assert.deepEqual(reply.body, { error_code: "403010", message: "Oauth token is missing." });
  });

  it("403000 without an API key", async () => {
    const reply = await call(emulator.url, "GET", `${FLOW}/flows`, {
      headers: without("x-api-key"),
    });
    assert.equal(reply.status, 403);
    assert.deepEqual(reply.body, { error_code: "403000", message: "Api Key is required" });
  });

  it("401013 for a token the emulator did not issue", async () => {
    const reply = await call(emulator.url, "GET", `${FLOW}/flows`, {
      headers: { ...headers(), authorization: "Bearer not-a-real-token" },
    });
    assert.equal(reply.status, 401);
    assert.deepEqual(reply.body, { error_code: "401013", message: "Oauth token is not valid" });
  });

  it("401013 for a non-bearer authorization", async () => {
    const reply = await call(emulator.url, "GET", `${FLOW}/flows`, {
      headers: { ...headers(), authorization: `Basic ${token}` },
    });
    assert.equal(reply.status, 401);
    assert.deepEqual(reply.body, { error_code: "401013", message: "Oauth token is not valid" });
  });

  it("403003 when the API key is not the token's client id", async () => {
    const reply = await call(emulator.url, "GET", `${FLOW}/flows`, {
      headers: { ...headers(), "x-api-key": "someone-else" },
    });
    assert.equal(reply.status, 403);
    assert.deepEqual(reply.body, { error_code: "403003", message: "Api Key is invalid" });
  });

  it("400003 without the org header", async () => {
    const reply = await call(emulator.url, "GET", `${FLOW}/flows`, {
      headers: without("x-gw-ims-org-id"),
    });
    assert.equal(reply.status, 400);
    assert.deepEqual(reply.body, { error_code: "400003", message: "Missing header" });
  });

  it("2105 (Flow Service problem format) without the sandbox header", async () => {
    const reply = await call(emulator.url, "GET", `${FLOW}/flows`, {
      headers: without("x-sandbox-name"),
    });
    assertProblem(
      reply,
      400,
      "2105",
      "The header x-sandbox-name is missing. Set it to the name of the sandbox, for example prod.",
    );
  });

  it("applies the same checks to Catalog", async () => {
    const reply = await call(emulator.url, "GET", `${CATALOG}/dataSets`, {
      headers: without("authorization"),
    });
    assert.equal(reply.status, 403);
    assert.deepEqual(reply.body, { error_code: "403010", message: "Oauth token is missing." });
  });

  it("checks the gateway before routing (unknown Flow Service path)", async () => {
    const anonymous = await call(emulator.url, "GET", `${FLOW}/nothing-here`);
    assert.equal(anonymous.status, 403);
    const known = await call(emulator.url, "GET", `${FLOW}/nothing-here`, { headers: headers() });
    assertProblem(
      known,
      404,
      "1101",
      "No resource is served at GET /data/foundation/flowservice/nothing-here.",
    );
  });

  it("answers Catalog's not-found body for an unserved Catalog path", async () => {
    const known = await call(emulator.url, "GET", `${CATALOG}/batches`, { headers: headers() });
    assert.equal(known.status, 404);
    assert.deepEqual(known.body, {
      type: "https://ns.adobe.com/aep/errors/CAT-404",
      title: "Not Found",
      status: 404,
      detail: "No resource is served at GET /data/foundation/catalog/batches.",
      "request-id": known.headers.get("x-request-id"),
    });
  });

  describe("denies by default what it serves no routes for", () => {
    const unserved = [
      // Paths of no service at all (every service of provider/services.ts is served).
      ["GET", "/data/foundation/unknown/x"],
      ["POST", "/data/foundation/export/flows"],
      ["GET", "/"],
      ["DELETE", "/data/foundation/flowservicex/flows"],
    ] as const;

    for (const [method, path] of unserved) {
      it(`${method} ${path}: the gateway's 403010, 401013, then 403003 for a valid token`, async () => {
        const anonymous = await call(emulator.url, method, path);
        assert.equal(anonymous.status, 403);
        assert.deepEqual(anonymous.body, {
          error_code: "403010",
          message: "Oauth token is missing.",
        });
        const forged = await call(emulator.url, method, path, {
          headers: { ...headers(), authorization: "Bearer not-a-real-token" },
        });
        assert.equal(forged.status, 401);
        assert.deepEqual(forged.body, {
          error_code: "401013",
          message: "Oauth token is not valid",
        });
        const valid = await call(emulator.url, method, path, {
          headers: headers(),
          json: method === "POST" ? { name: "x" } : undefined,
        });
        assert.equal(valid.status, 403);
        assert.deepEqual(valid.body, { error_code: "403003", message: "Api Key is invalid" });
      });
    }

    it("logs the refused calls, with their status", async () => {
      emulator.clearRequests();
      await call(emulator.url, "GET", "/data/foundation/unknown/x", { headers: headers() });
      assert.deepEqual(
        emulator.requests().map((entry) => [entry.method, entry.path, entry.status]),
        [["GET", "/data/foundation/unknown/x", 403]],
      );
    });
  });

  it("expires tokens after expires_in on the emulator clock", async () => {
    const shortLived = await issueToken(emulator.url);
    emulator.advanceClock(86_398_000);
    const alive = await call(emulator.url, "GET", `${FLOW}/flows`, {
      headers: { ...headers(), authorization: `Bearer ${shortLived}` },
    });
    assert.equal(alive.status, 200);
    emulator.advanceClock(2_000);
    const expired = await call(emulator.url, "GET", `${FLOW}/flows`, {
      headers: { ...headers(), authorization: `Bearer ${shortLived}` },
    });
    assert.equal(expired.status, 401);
    assert.deepEqual(expired.body, { error_code: "401013", message: "Oauth token is not valid" });
    token = await issueToken(emulator.url);
  });

  describe("request bodies", () => {
    it("400 BadRequestError for a POST body without a JSON content type", async () => {
      const reply = await call(emulator.url, "POST", `${FLOW}/connections`, {
        headers: { ...headers(), "content-type": "text/plain" },
        rawBody: JSON.stringify(basicAuthConnection()),
      });
      assert.equal(reply.status, 400);
      assert.deepEqual(reply.body, {
        type: "/placeholder/type/uri",
        status: 400,
        title: "BadRequestError",
        detail: "A valid content-type must be specified",
      });
    });

    it("400 BadRequestError for a PATCH body without any content type", async () => {
      const response = await fetch(`${emulator.url}${FLOW}/connections/x`, {
        method: "PATCH",
        headers: { ...headers(), "if-match": '"x"' },
        body: new Uint8Array(Buffer.from("[]")),
      });
      assert.equal(response.status, 400);
      assert.equal(((await response.json()) as { title: string }).title, "BadRequestError");
    });

    it("accepts application/json with a charset and +json types", async () => {
      const api = new Api(emulator.url, token);
      const charset = await api.request("POST", `${FLOW}/connections`, {
        json: basicAuthConnection(),
        headers: { "content-type": "application/json; charset=utf-8" },
      });
      assert.equal(charset.status, 201);
      const patchType = await api.request("PATCH", `${FLOW}/connections/${charset.body.id}`, {
        json: [{ op: "replace", path: "/name", value: "renamed" }],
        headers: { "content-type": "application/json-patch+json", "if-match": charset.body.etag },
      });
      assert.equal(patchType.status, 200);
    });

    it("400 in the problem format for malformed JSON", async () => {
      const reply = await call(emulator.url, "POST", `${FLOW}/connections`, {
        headers: { ...headers(), "content-type": "application/json" },
        rawBody: "{not json",
      });
      assertProblem(reply, 400, "1100", /^The request body is not valid JSON: /);
    });
  });

  describe("org and sandbox scoping", () => {
    it("hides an object from other orgs and sandboxes", async () => {
      const api = new Api(emulator.url, token);
      const { id } = await api.create("connections", basicAuthConnection());
      assert.equal((await api.get(`/connections/${id}`)).status, 200);
      assertNotFound(
        await api.in("FFFFFFFFFFFFFFFFFFFFFFFF@AdobeOrg", SANDBOX).get(`/connections/${id}`),
        "connections",
        id,
      );
      assertNotFound(await api.in(ORG, "dev").get(`/connections/${id}`), "connections", id);
      assert.equal((await api.in(ORG, "dev").get("/connections")).body.items.length, 0);
      const patched = await api
        .in(ORG, "dev")
        .patch(`/connections/${id}`, [{ op: "replace", path: "/name", value: "x" }], '"x"');
      assertNotFound(patched, "connections", id);
      assertNotFound(await api.in(ORG, "dev").delete(`/connections/${id}`), "connections", id);
    });

    it("records the sandbox and org on the object, with a stable sandbox id", async () => {
      const api = new Api(emulator.url, token);
      const dev = api.in(ORG, "dev");
      const first = await dev.object(
        "connections",
        (await dev.create("connections", basicAuthConnection())).id,
      );
      const second = await dev.object(
        "connections",
        (await dev.create("connections", basicAuthConnection())).id,
      );
      const prod = await api.object(
        "connections",
        (await api.create("connections", basicAuthConnection())).id,
      );
      assert.equal(first.sandboxName, "dev");
      assert.equal(first.imsOrgId, ORG);
      assert.match(String(first.sandboxId), UUID_PATTERN);
      assert.equal(first.sandboxId, second.sandboxId);
      assert.notEqual(first.sandboxId, prod.sandboxId);
    });
  });

  it("keeps working after a day of clock advance once a new token is used", async () => {
    emulator.advanceClock(DAY);
    token = await issueToken(emulator.url);
    const reply = await call(emulator.url, "GET", `${FLOW}/flows`, { headers: headers() });
    assert.equal(reply.status, 200);
  });
});
