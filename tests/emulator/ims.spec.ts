import assert from "node:assert/strict";
import { startEmulator, type EmulatorHandle } from "../../provider/emulator";
import { call, CLIENT_ID, CLIENT_SECRET } from "./helpers";

const FORM = { "content-type": "application/x-www-form-urlencoded" };

function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

describe("emulator IMS token endpoint", () => {
  let emulator: EmulatorHandle;

  before(async () => {
    emulator = await startEmulator({ port: 0 });
  });
  after(() => emulator.close());

  it("issues a bearer token for client credentials sent as a form", async () => {
    const reply = await call(emulator.url, "POST", "/ims/token/v3", {
      headers: FORM,
      rawBody: form({
        grant_type: "client_credentials",
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        scope: "openid,AdobeID,read_organizations",
      }),
    });
    assert.equal(reply.status, 200);
    assert.deepEqual(Object.keys(reply.body).sort(), ["access_token", "expires_in", "token_type"]);
    assert.equal(reply.body.token_type, "bearer");
    assert.equal(reply.body.expires_in, 86399);
    assert.match(reply.body.access_token, /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it("accepts the fields in the query string", async () => {
    const query = form({
      grant_type: "client_credentials",
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });
    const reply = await call(emulator.url, "POST", `/ims/token/v3?${query}`);
    assert.equal(reply.status, 200);
    assert.equal(reply.body.token_type, "bearer");
  });

  it("gives a different token on every request", async () => {
    const fields = {
      grant_type: "client_credentials",
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    };
    const first = await call(emulator.url, "POST", "/ims/token/v3", {
      headers: FORM,
      rawBody: form(fields),
    });
    const second = await call(emulator.url, "POST", "/ims/token/v3", {
      headers: FORM,
      rawBody: form(fields),
    });
    assert.notEqual(first.body.access_token, second.body.access_token);
  });

  it("refuses another grant type", async () => {
    const reply = await call(emulator.url, "POST", "/ims/token/v3", {
      headers: FORM,
      rawBody: form({
        grant_type: "authorization_code",
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
      }),
    });
    assert.equal(reply.status, 400);
    assert.deepEqual(reply.body, {
      error: "unsupported_grant_type",
      error_description: "grant_type must be client_credentials",
    });
  });

  it("refuses a missing client id (400) and a missing secret (401)", async () => {
    const noId = await call(emulator.url, "POST", "/ims/token/v3", {
      headers: FORM,
      rawBody: form({ grant_type: "client_credentials", client_secret: CLIENT_SECRET }),
    });
    assert.equal(noId.status, 400);
    assert.deepEqual(noId.body, {
      error: "invalid_client",
      error_description: "missing client_id parameter",
    });
    const noSecret = await call(emulator.url, "POST", "/ims/token/v3", {
      headers: FORM,
      rawBody: form({ grant_type: "client_credentials", client_id: CLIENT_ID, client_secret: "" }),
    });
    assert.equal(noSecret.status, 401);
    assert.deepEqual(noSecret.body, {
      error: "invalid_client",
      error_description: "missing client_secret parameter",
    });
  });

  describe("with fixed credentials", () => {
    let locked: EmulatorHandle;

    before(async () => {
      locked = await startEmulator({ port: 0, clientId: "the-id", clientSecret: "the-secret" });
    });
    after(() => locked.close());

    it("issues tokens only for the configured pair", async () => {
      const good = await call(locked.url, "POST", "/ims/token/v3", {
        headers: FORM,
        rawBody: form({
          grant_type: "client_credentials",
          client_id: "the-id",
          client_secret: "the-secret",
        }),
      });
      assert.equal(good.status, 200);
      const bad = await call(locked.url, "POST", "/ims/token/v3", {
        headers: FORM,
        rawBody: form({
          grant_type: "client_credentials",
          client_id: "the-id",
          client_secret: "wrong",
        }),
      });
      assert.equal(bad.status, 401);
      assert.deepEqual(bad.body, {
        error: "invalid_client",
        error_description: "invalid client_id or client_secret",
      });
    });
  });
});
