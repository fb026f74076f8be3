// The access token: one IMS request shared by concurrent callers, renewal before expiry and once
// after a 401, the ready-made token mode, and IMS failures.
import assert from "node:assert/strict";
import { FlowServiceError } from "../../../provider/client";
import {
  CLIENT_SECRET,
  FIXED_TOKEN,
  FLOW,
  FLOW_ID,
  ETAG_1,
  fixedTokenSettings,
  imsScope,
  imsToken,
  platformNoBody,
  rejection,
  testClient,
  TOKEN_1,
  TOKEN_2,
  TOKEN_FORM,
} from "./helpers";

const flow = { id: FLOW_ID, etag: ETAG_1, name: "members flow" };
const invalidToken = { error_code: "401013", message: "Oauth token is not valid" };

describe("client: access token", () => {
  it("sends the client credentials as a form body and uses the token it gets back", async () => {
    // imsToken() matches the exact form body and no query string at all.
    const ims = imsToken(TOKEN_1);
    const api = platformNoBody(TOKEN_1)
      .get(`${FLOW}/flows/${FLOW_ID}`)
      .reply(200, { items: [flow] });
    const { client } = testClient();
    assert.deepEqual(await client.get("flows", FLOW_ID), flow);
    ims.done();
    api.done();
  });

  it("makes a single token request for many concurrent calls", async () => {
    const ims = imsToken(TOKEN_1); // one interception only: a second IMS call would fail
    const api = platformNoBody(TOKEN_1)
      .get(`${FLOW}/flows/${FLOW_ID}`)
      .times(6)
      .reply(200, { items: [flow] });
    const { client } = testClient();
    const results = await Promise.all(
      Array.from({ length: 6 }, () => client.get("flows", FLOW_ID)),
    );
    assert.deepEqual(
      results,
      Array.from({ length: 6 }, () => flow),
    );
    ims.done();
    api.done();
  });

  it("renews the token before it expires (5 min, or 10 % of a short lifetime)", async () => {
    let now = 1_000_000;
    // 100 s lifetime: renewed once less than 10 s remain, i.e. from 90 s on.
    const first = imsToken(TOKEN_1, 100);
    const api1 = platformNoBody(TOKEN_1)
      .get(`${FLOW}/flows/${FLOW_ID}`)
      .times(2)
      .reply(200, { items: [flow] });
    const { client } = testClient(undefined, { now: () => now });
    await client.get("flows", FLOW_ID);
    now += 89_000;
    await client.get("flows", FLOW_ID);
    first.done();
    api1.done();

    const second = imsToken(TOKEN_2, 100);
    const api2 = platformNoBody(TOKEN_2)
      .get(`${FLOW}/flows/${FLOW_ID}`)
      .reply(200, { items: [flow] });
    now += 2_000;
    await client.get("flows", FLOW_ID);
    second.done();
    api2.done();
  });

  it("renews a long-lived token 5 minutes before expiry", async () => {
    let now = 0;
    const first = imsToken(TOKEN_1, 86_399);
    const second = imsToken(TOKEN_2, 86_399);
    const api = platformNoBody(TOKEN_1)
      .get(`${FLOW}/flows/${FLOW_ID}`)
      .times(2)
      .reply(200, { items: [flow] });
    const api2 = platformNoBody(TOKEN_2)
      .get(`${FLOW}/flows/${FLOW_ID}`)
      .reply(200, { items: [flow] });
    const { client } = testClient(undefined, { now: () => now });
    await client.get("flows", FLOW_ID);
    now = (86_399 - 301) * 1000;
    await client.get("flows", FLOW_ID);
    assert.equal(second.isDone(), false);
    now = (86_399 - 299) * 1000;
    await client.get("flows", FLOW_ID);
    first.done();
    second.done();
    api.done();
    api2.done();
  });

  it("after a 401 renews the token once and repeats the request", async () => {
    const ims1 = imsToken(TOKEN_1);
    const rejected = platformNoBody(TOKEN_1)
      .get(`${FLOW}/flows/${FLOW_ID}`)
      .reply(401, invalidToken);
    const ims2 = imsToken(TOKEN_2);
    const accepted = platformNoBody(TOKEN_2)
      .get(`${FLOW}/flows/${FLOW_ID}`)
      .times(2)
      .reply(200, { items: [flow] });
    const { client, retries } = testClient();
    assert.deepEqual(await client.get("flows", FLOW_ID), flow);
    // The renewed token is kept for later calls.
    assert.deepEqual(await client.get("flows", FLOW_ID), flow);
    assert.deepEqual(retries, []); // a renewal is not a backoff retry
    ims1.done();
    rejected.done();
    ims2.done();
    accepted.done();
  });

  it("renews after a 401 even when retries are disabled (limit 0)", async () => {
    const ims1 = imsToken(TOKEN_1);
    const rejected = platformNoBody(TOKEN_1)
      .get(`${FLOW}/flows/${FLOW_ID}`)
      .reply(401, invalidToken);
    const ims2 = imsToken(TOKEN_2);
    const accepted = platformNoBody(TOKEN_2)
      .get(`${FLOW}/flows/${FLOW_ID}`)
      .reply(200, { items: [flow] });
    const { client } = testClient(undefined, { retry: { limit: 0 } });
    assert.deepEqual(await client.get("flows", FLOW_ID), flow);
    ims1.done();
    rejected.done();
    ims2.done();
    accepted.done();
  });

  it("renews after a 401 on every call that needs it, not only the first", async () => {
    imsToken(TOKEN_1);
    imsToken(TOKEN_2);
    imsToken("access-token-0000000000000003");
    const scope = platformNoBody(TOKEN_1).get(`${FLOW}/flows/${FLOW_ID}`).reply(401, invalidToken);
    const scope2 = platformNoBody(TOKEN_2)
      .get(`${FLOW}/flows/${FLOW_ID}`)
      .reply(200, { items: [flow] })
      .get(`${FLOW}/flows/${FLOW_ID}`)
      .reply(401, invalidToken);
    const scope3 = platformNoBody("access-token-0000000000000003")
      .get(`${FLOW}/flows/${FLOW_ID}`)
      .reply(200, { items: [flow] });
    const { client } = testClient();
    assert.deepEqual(await client.get("flows", FLOW_ID), flow);
    assert.deepEqual(await client.get("flows", FLOW_ID), flow);
    scope.done();
    scope2.done();
    scope3.done();
  });

  it("concurrent 401s share one renewal", async () => {
    const ims1 = imsToken(TOKEN_1);
    const ims2 = imsToken(TOKEN_2);
    const rejected = platformNoBody(TOKEN_1)
      .get(`${FLOW}/flows/${FLOW_ID}`)
      .times(3)
      .reply(401, invalidToken);
    const accepted = platformNoBody(TOKEN_2)
      .get(`${FLOW}/flows/${FLOW_ID}`)
      .times(3)
      .reply(200, { items: [flow] });
    const { client } = testClient();
    const results = await Promise.all([1, 2, 3].map(() => client.get("flows", FLOW_ID)));
    assert.deepEqual(results, [flow, flow, flow]);
    ims1.done();
    ims2.done();
    rejected.done();
    accepted.done();
  });

  it("a second 401 after the renewal is an error", async () => {
    const ims1 = imsToken(TOKEN_1);
    const ims2 = imsToken(TOKEN_2);
    const api1 = platformNoBody(TOKEN_1).get(`${FLOW}/flows/${FLOW_ID}`).reply(401, invalidToken);
    const api2 = platformNoBody(TOKEN_2)
      .get(`${FLOW}/flows/${FLOW_ID}`)
      .reply(401, invalidToken, { "x-request-id": "req-401" });
    const { client } = testClient();
    const error = await rejection(client.get("flows", FLOW_ID));
    assert.ok(error instanceof FlowServiceError);
    assert.equal(error.status, 401);
    assert.equal(error.code, "401013");
    assert.equal(
      error.message,
      `Oauth token is not valid (401 401013) GET ${FLOW}/flows/${FLOW_ID}, request id req-401, ` +
        "after 2 attempts. The access token was rejected even after renewing it: check that the " +
        "credential `aep:clientId` (AEP_CLIENT_ID) belongs to the IMS organization `aep:orgId` " +
        "(AEP_ORG_ID) and has access to Experience Platform.",
    );
    ims1.done();
    ims2.done();
    api1.done();
    api2.done();
  });

  describe("with aep:accessToken", () => {
    it("sends the given token and never calls IMS", async () => {
      // No IMS interceptor: with net connect disabled, a token request would fail the call.
      const api = platformNoBody(FIXED_TOKEN)
        .get(`${FLOW}/flows/${FLOW_ID}`)
        .reply(200, { items: [flow] });
      const { client } = testClient(fixedTokenSettings());
      assert.deepEqual(await client.get("flows", FLOW_ID), flow);
      api.done();
    });

    it("a 401 is an error naming aep:accessToken / AEP_ACCESS_TOKEN, without a renewal", async () => {
      const api = platformNoBody(FIXED_TOKEN)
        .get(`${FLOW}/flows/${FLOW_ID}`)
        .reply(401, invalidToken, { "x-request-id": "req-1" });
      const { client } = testClient(fixedTokenSettings());
      const error = await rejection(client.get("flows", FLOW_ID));
      assert.ok(error instanceof FlowServiceError);
      assert.equal(error.status, 401);
      assert.equal(error.attempts, 1);
      assert.equal(
        error.message,
        `Oauth token is not valid (401 401013) GET ${FLOW}/flows/${FLOW_ID}, request id req-1. ` +
          "The access token provided in `aep:accessToken` (AEP_ACCESS_TOKEN) was rejected; it may " +
          "have expired. Set a fresh token, or unset it so the provider gets tokens itself with " +
          "`aep:clientId` (AEP_CLIENT_ID) and `aep:clientSecret` (AEP_CLIENT_SECRET).",
      );
      assert.ok(!error.message.includes(FIXED_TOKEN));
      api.done();
    });
  });

  describe("IMS failures", () => {
    it("a rejected credential becomes a FlowServiceError naming aep:clientId / aep:clientSecret", async () => {
      const ims = imsScope().post("/ims/token/v3", TOKEN_FORM).reply(401, {
        error: "invalid_client",
        error_description: "invalid client_secret parameter",
      });
      const { client } = testClient();
      const error = await rejection(client.get("flows", FLOW_ID));
      assert.ok(error instanceof FlowServiceError);
      assert.equal(error.status, 401);
      assert.equal(error.method, "POST");
      assert.equal(error.path, "/ims/token/v3");
      assert.equal(error.code, "invalid_client");
      assert.equal(error.retryable, false);
      assert.equal(
        error.message,
        "invalid client_secret parameter (401 invalid_client) POST /ims/token/v3. IMS refused the " +
          "OAuth Server-to-Server credential: check `aep:clientId` (AEP_CLIENT_ID) and " +
          "`aep:clientSecret` (AEP_CLIENT_SECRET).",
      );
      assert.ok(!JSON.stringify(error).includes(CLIENT_SECRET));
      ims.done();
    });

    it("concurrent callers share the failure, and the next call asks IMS again", async () => {
      const failing = imsScope()
        .post("/ims/token/v3", TOKEN_FORM)
        .reply(400, { error: "invalid_scope", error_description: "invalid scope" });
      const { client } = testClient();
      const errors = await Promise.all(
        [1, 2, 3].map(() => rejection(client.get("flows", FLOW_ID))),
      );
      for (const error of errors) {
        assert.ok(error instanceof FlowServiceError);
        assert.equal(error.code, "invalid_scope");
        assert.match(error.message, /Check the OAuth scopes `aep:scopes` \(AEP_SCOPES\)\.$/);
      }
      assert.equal(errors[0], errors[1]);
      failing.done();

      const ims = imsToken(TOKEN_1);
      const api = platformNoBody(TOKEN_1)
        .get(`${FLOW}/flows/${FLOW_ID}`)
        .reply(200, { items: [flow] });
      assert.deepEqual(await client.get("flows", FLOW_ID), flow);
      ims.done();
      api.done();
    });

    it("a 503 from IMS is retried like a GET (the token request is idempotent)", async () => {
      const ims = imsScope()
        .post("/ims/token/v3", TOKEN_FORM)
        .reply(503, "Service Unavailable")
        .post("/ims/token/v3", TOKEN_FORM)
        .reply(200, { access_token: TOKEN_1, token_type: "bearer", expires_in: 86399 });
      const api = platformNoBody(TOKEN_1)
        .get(`${FLOW}/flows/${FLOW_ID}`)
        .reply(200, { items: [flow] });
      const { client, retries } = testClient();
      assert.deepEqual(await client.get("flows", FLOW_ID), flow);
      assert.deepEqual(retries, [
        { retry: 1, method: "POST", path: "/ims/token/v3", status: 503, delayMs: 1 },
      ]);
      ims.done();
      api.done();
    });

    it("a 200 without access_token is an UNEXPECTED_RESPONSE error", async () => {
      const ims = imsScope().post("/ims/token/v3", TOKEN_FORM).reply(200, { token_type: "bearer" });
      const { client } = testClient();
      const error = await rejection(client.get("flows", FLOW_ID));
      assert.ok(error instanceof FlowServiceError);
      assert.equal(error.code, "UNEXPECTED_RESPONSE");
      assert.equal(
        error.message,
        "Adobe IMS answered without an access_token (200 UNEXPECTED_RESPONSE) POST /ims/token/v3.",
      );
      ims.done();
    });
  });
});
