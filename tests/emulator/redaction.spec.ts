/**
 * Credentials in what the emulator shows: the request log (`requests()`, `GET /__emulator/requests`)
 * and the admin API's objects never show an auth param its connection specs mark secret, the token
 * request's client secret or the bearer token. CI jobs print both on failure.
 */
import assert from "node:assert/strict";
import type { RequestLogEntry } from "../../provider/emulator";
import { basicAuthConnection, call, CLIENT_ID, CLIENT_SECRET, FLOW, useEmulator } from "./helpers";

const CONNECTIONS = `${FLOW}/connections`;
const API_KEY = "mailchimp-api-key-123";
const ROTATED_KEY = "mailchimp-api-key-rotated-4c2f";
const THIRD_KEY = "mailchimp-api-key-third-77e9";
const ACCESS_TOKEN = "mailchimp-oauth-access-token-0d5e";
const REDACTED = "[REDACTED]";
const TEST_URL = "https://login.mailchimp.com/oauth2/metadata";

/** What a test asserts of a log entry: everything but the headers fetch adds on its own. */
function summary(entry: RequestLogEntry): Record<string, unknown> {
  const { method, path, query, body, status, headers } = entry;
  return { method, path, query, body, status, authorization: headers.authorization };
}

interface StoredConnection {
  auth: { params: Record<string, unknown> };
}

/** The {@link summary} of a logged call made with the test's token. */
function logged(method: string, path: string, status: number, body: unknown) {
  return { method, path, query: {}, body, status, authorization: `Bearer ${REDACTED}` };
}

function basicAuth(params: Record<string, unknown>): Record<string, unknown> {
  return { specName: "Basic Authentication", params };
}

describe("emulator: no credential in the request log or the admin API", () => {
  const { emulator, api } = useEmulator();

  /** Every credential the tests send, none of which may appear in what the emulator shows. */
  const credentials = (): string[] => [
    API_KEY,
    ROTATED_KEY,
    THIRD_KEY,
    ACCESS_TOKEN,
    CLIENT_SECRET,
    api.token,
  ];
  const assertNoCredential = (shown: unknown): void => {
    const text = JSON.stringify(shown);
    for (const credential of credentials()) {
      assert.ok(!text.includes(credential), `${credential} shown in ${text}`);
    }
  };
  const admin = (method: string, path: string, json?: unknown) =>
    call(emulator.url, method, `/__emulator${path}`, { json });

  it("logs the POST and the PATCHes of a base connection with the password redacted", async () => {
    const created = await api.create("connections", basicAuthConnection());
    const replaced = await api.patch(
      `/connections/${created.id}`,
      [
        { op: "replace", path: "/auth/params/password", value: ROTATED_KEY },
        { op: "replace", path: "/name", value: "Renamed" },
      ],
      created.etag,
    );
    assert.equal(replaced.status, 200, replaced.text);
    const whole = await api.patch(
      `/connections/${created.id}`,
      [{ op: "replace", path: "/auth/params", value: { username: "u2", password: THIRD_KEY } }],
      replaced.body.etag,
    );
    assert.equal(whole.status, 200, whole.text);
    // Refused operations are logged too: `/auth` is not patchable, `add` inside the password is nonsense.
    const refused = await api.patch(
      `/connections/${created.id}`,
      [
        { op: "replace", path: "/auth", value: basicAuth({ username: "u3", password: API_KEY }) },
        { op: "add", path: "/auth/params/password/0", value: ROTATED_KEY },
      ],
      whole.body.etag,
    );
    assert.equal(refused.status, 400);

    const log = emulator.requests();
    const path = `${CONNECTIONS}/${created.id}`;
    assert.deepEqual(log.map(summary), [
      logged("POST", CONNECTIONS, 201, {
        ...basicAuthConnection(),
        auth: basicAuth({
          authorizationTestUrl: TEST_URL,
          username: "mailchimp-user",
          password: REDACTED,
        }),
      }),
      logged("PATCH", path, 200, [
        { op: "replace", path: "/auth/params/password", value: REDACTED },
        { op: "replace", path: "/name", value: "Renamed" },
      ]),
      logged("PATCH", path, 200, [
        { op: "replace", path: "/auth/params", value: { username: "u2", password: REDACTED } },
      ]),
      logged("PATCH", path, 400, [
        { op: "replace", path: "/auth", value: basicAuth({ username: "u3", password: REDACTED }) },
        { op: "add", path: "/auth/params/password/0", value: REDACTED },
      ]),
    ]);
    assertNoCredential(log);
    const overHttp = await admin("GET", "/requests");
    assert.deepEqual(overHttp.body, log);
    // The changes were applied with the real values; only what the emulator shows is redacted.
    const [stored] = emulator.objects("connections") as Array<{ auth: { params: unknown } }>;
    assert.deepEqual(stored?.auth.params, { username: "u2", password: THIRD_KEY });
  });

  it("redacts an OAuth access token, whatever the spec and even when the create is refused", async () => {
    const oauth = {
      specName: "OAuth2 Refresh Code",
      params: { accessToken: ACCESS_TOKEN, authorizationTestUrl: TEST_URL },
    };
    const created = await api.create("connections", basicAuthConnection({ auth: oauth }));
    const patched = await api.patch(
      `/connections/${created.id}`,
      [{ op: "add", path: "/auth/params/accessToken", value: ACCESS_TOKEN }],
      created.etag,
    );
    assert.equal(patched.status, 200, patched.text);
    const unknownSpec = await api.post("/connections", {
      ...basicAuthConnection({ auth: oauth }),
      connectionSpec: { id: "00000000-0000-0000-0000-000000000000", version: "1.0" },
    });
    assert.equal(unknownSpec.status, 400);

    const redactedAuth = {
      specName: "OAuth2 Refresh Code",
      params: { accessToken: REDACTED, authorizationTestUrl: TEST_URL },
    };
    assert.deepEqual(
      emulator.requests().map((entry) => [entry.method, entry.status, entry.body]),
      [
        ["POST", 201, basicAuthConnection({ auth: redactedAuth })],
        ["PATCH", 200, [{ op: "add", path: "/auth/params/accessToken", value: REDACTED }]],
        [
          "POST",
          400,
          {
            ...basicAuthConnection({ auth: redactedAuth }),
            connectionSpec: { id: "00000000-0000-0000-0000-000000000000", version: "1.0" },
          },
        ],
      ],
    );
    assertNoCredential(emulator.requests());
  });

  it("redacts the token request's client secret (body and query) and unparsed text bodies", async () => {
    const form = new URLSearchParams({
      grant_type: "client_credentials",
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    }).toString();
    const asForm = await call(emulator.url, "POST", "/ims/token/v3", {
      headers: { "content-type": "application/x-www-form-urlencoded" },
      rawBody: form,
    });
    assert.equal(asForm.status, 200);
    const asQuery = await call(emulator.url, "POST", `/ims/token/v3?${form}`);
    assert.equal(asQuery.status, 200);
    const asText = await call(emulator.url, "POST", "/ims/token/v3", {
      headers: { "content-type": "text/plain" },
      rawBody: form,
    });
    assert.equal(asText.status, 400);

    const fields = { grant_type: "client_credentials", client_id: CLIENT_ID };
    assert.deepEqual(
      emulator.requests().map((entry) => [entry.query, entry.body, entry.status]),
      [
        [{}, { ...fields, client_secret: REDACTED }, 200],
        [{ ...fields, client_secret: REDACTED }, undefined, 200],
        [{}, REDACTED, 400],
      ],
    );
    assertNoCredential(emulator.requests());
  });

  it("shows connections through the admin API with their secrets redacted", async () => {
    const basic = await api.create("connections", basicAuthConnection());
    const oauth = { specName: "OAuth2 Refresh Code", params: { accessToken: ACCESS_TOKEN } };
    await api.create("connections", basicAuthConnection({ auth: oauth }));
    const stored = () => emulator.objects("connections") as unknown as StoredConnection[];
    const redacted = (object: StoredConnection, secret: string): StoredConnection => ({
      ...object,
      auth: { ...object.auth, params: { ...object.auth.params, [secret]: REDACTED } },
    });

    const listed = await admin("GET", "/objects/connections");
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.body, [
      redacted(stored()[0]!, "password"),
      redacted(stored()[1]!, "accessToken"),
    ]);
    const edited = await admin("PATCH", `/objects/connections/${basic.id}`, { name: "Edited" });
    assert.equal(edited.status, 200);
    assert.equal(edited.body.name, "Edited");
    assert.deepEqual(edited.body, redacted(stored()[0]!, "password"));
    assertNoCredential([listed.body, edited.body]);
    // The in-process handle keeps the stored values, for a test's own assertions.
    assert.equal(stored()[0]?.auth.params.password, API_KEY);
  });
});
