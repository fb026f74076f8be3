// The process-wide accessor used by the resource providers, and the concurrency limiter.
import assert from "node:assert/strict";
import nock from "nock";
import {
  configureClient,
  getClient,
  resetClientForTests,
  SettingsError,
  type ConfigSource,
} from "../../../provider/client";
import { createLimiter } from "../../../provider/client/limiter";
import {
  CATALOG,
  CLIENT_ID,
  CLIENT_SECRET,
  DATASET_ID,
  FIXED_TOKEN,
  FLOW,
  FLOW_ID,
  ETAG_1,
  IMS,
  imsToken,
  ORG_ID,
  PLATFORM,
  platformHeaders,
  platformNoBody,
  TOKEN_1,
} from "./helpers";

/** A stack config as `configure` receives it, keyed `aep:<name>`. */
function config(values: Record<string, string>): ConfigSource {
  const map = new Map(Object.entries(values));
  return { get: (key) => map.get(key) };
}

const complete = {
  "aep:platformUrl": PLATFORM,
  "aep:imsUrl": "https://ims.example.test",
  "aep:orgId": ORG_ID,
  "aep:sandboxName": "dev",
  "aep:apiKey": CLIENT_ID,
  "aep:accessToken": FIXED_TOKEN,
};

describe("client: getClient / configureClient", () => {
  const saved: Record<string, string | undefined> = {};

  beforeEach(() => {
    // Environment variables must not decide these tests.
    for (const key of Object.keys(process.env)) {
      if (key.startsWith("AEP_")) {
        saved[key] = process.env[key];
        delete process.env[key];
      }
    }
    resetClientForTests();
  });

  afterEach(() => {
    resetClientForTests();
    for (const [key, value] of Object.entries(saved)) {
      if (value !== undefined) process.env[key] = value;
    }
  });

  it("builds the client from the configured stack config, once per distinct settings", async () => {
    configureClient(config(complete));
    const client = getClient();
    assert.equal(getClient(), client);
    const api = platformNoBody(FIXED_TOKEN)
      .get(`${FLOW}/flows/${FLOW_ID}`)
      .reply(200, { items: [{ id: FLOW_ID, etag: ETAG_1 }] });
    assert.deepEqual(await client.get("flows", FLOW_ID), { id: FLOW_ID, etag: ETAG_1 });
    api.done();

    configureClient(config({ ...complete, "aep:sandboxName": "prod" }));
    const other = getClient();
    assert.notEqual(other, client);
    configureClient(config(complete));
    assert.equal(getClient(), client);
  });

  describe("getClient(scope)", () => {
    const OTHER_ORG = "FEDCBA9876543210FEDCBA98@AdobeOrg";
    const flow = { id: FLOW_ID, etag: ETAG_1 };

    /** A platform scope expecting exactly these org and sandbox headers. */
    function platformIn(orgId: string, sandboxName: string, token = FIXED_TOKEN): nock.Scope {
      return nock(PLATFORM, {
        reqheaders: {
          ...platformHeaders(token),
          "x-gw-ims-org-id": orgId,
          "x-sandbox-name": sandboxName,
        },
      });
    }

    it("sends the overridden sandbox and/or org; the same settings and scope give the same client", async () => {
      configureClient(config(complete));
      const configured = getClient();
      const otherSandbox = getClient({ sandboxName: "staging" });
      const otherOrg = getClient({ orgId: OTHER_ORG });
      const both = getClient({ orgId: OTHER_ORG, sandboxName: "staging" });
      assert.equal(new Set([configured, otherSandbox, otherOrg, both]).size, 4);
      assert.equal(getClient({}), configured);
      assert.equal(getClient({ sandboxName: "dev", orgId: ORG_ID }), configured);
      assert.equal(getClient({ sandboxName: "staging" }), otherSandbox);
      assert.equal(getClient({ sandboxName: "staging", orgId: OTHER_ORG }), both);

      const path = `${FLOW}/flows/${FLOW_ID}`;
      const dev = platformIn(ORG_ID, "dev")
        .get(path)
        .reply(200, { items: [flow] });
      const staging = platformIn(ORG_ID, "staging")
        .get(path)
        .reply(200, { items: [flow] });
      const org = platformIn(OTHER_ORG, "dev").delete(path).reply(204);
      const dataset = platformIn(OTHER_ORG, "staging")
        .get(`${CATALOG}/dataSets/${DATASET_ID}`)
        .reply(200, { [DATASET_ID]: { name: "d" } });
      assert.deepEqual(await configured.get("flows", FLOW_ID), flow);
      assert.deepEqual(await otherSandbox.get("flows", FLOW_ID), flow);
      assert.equal(await otherOrg.delete("flows", FLOW_ID), true);
      assert.deepEqual(await both.getDataset(DATASET_ID), { name: "d" });
      dev.done();
      staging.done();
      org.done();
      dataset.done();
    });

    it("every scope of one credential shares one token", async () => {
      const { "aep:accessToken": _fixed, ...rest } = complete;
      configureClient(
        config({
          ...rest,
          "aep:imsUrl": IMS,
          "aep:clientId": CLIENT_ID,
          "aep:clientSecret": CLIENT_SECRET,
        }),
      );
      const ims = imsToken(TOKEN_1); // one interception: a second token request would fail
      const path = `${FLOW}/flows/${FLOW_ID}`;
      const dev = platformIn(ORG_ID, "dev", TOKEN_1)
        .get(path)
        .reply(200, { items: [flow] });
      const staging = platformIn(ORG_ID, "staging", TOKEN_1)
        .get(path)
        .reply(200, { items: [flow] });
      await getClient().get("flows", FLOW_ID);
      await getClient({ sandboxName: "staging" }).get("flows", FLOW_ID);
      ims.done();
      dev.done();
      staging.done();
    });

    it("refuses an empty sandbox or org rather than falling back to the configured one", () => {
      configureClient(config(complete));
      assert.throws(
        () => getClient({ sandboxName: " " }),
        /^TypeError: getClient: sandboxName must be a non-empty string, got " "\.$/,
      );
      assert.throws(
        () => getClient({ orgId: "" }),
        /^TypeError: getClient: orgId must be a non-empty string, got ""\.$/,
      );
    });
  });

  it("falls back to environment variables", () => {
    process.env.AEP_ORG_ID = ORG_ID;
    process.env.AEP_ACCESS_TOKEN = FIXED_TOKEN;
    process.env.AEP_API_KEY = CLIENT_ID;
    try {
      assert.ok(getClient());
    } finally {
      delete process.env.AEP_ORG_ID;
      delete process.env.AEP_ACCESS_TOKEN;
      delete process.env.AEP_API_KEY;
    }
  });

  it("throws the SettingsError of a missing setting", () => {
    configureClient(config({ "aep:accessToken": FIXED_TOKEN }));
    assert.throws(() => getClient(), SettingsError);
    assert.throws(() => getClient(), /aep:orgId/);
  });

  it("resetClientForTests(options) gives later clients those options (fast retries)", async () => {
    const retries: number[] = [];
    resetClientForTests({
      retry: { baseDelayMs: 1, maxDelayMs: 2 },
      onRetry: (event) => retries.push(event.status),
    });
    configureClient(config(complete));
    const api = platformNoBody(FIXED_TOKEN)
      .get(`${FLOW}/flows/${FLOW_ID}`)
      .reply(503)
      .get(`${FLOW}/flows/${FLOW_ID}`)
      .reply(200, { items: [{ id: FLOW_ID, etag: ETAG_1 }] });
    assert.deepEqual(await getClient().get("flows", FLOW_ID), { id: FLOW_ID, etag: ETAG_1 });
    assert.deepEqual(retries, [503]);
    api.done();
  });

  it("resetClientForTests forgets the config and the clients", () => {
    configureClient(config(complete));
    const client = getClient();
    resetClientForTests();
    assert.throws(() => getClient(), SettingsError);
    configureClient(config(complete));
    assert.notEqual(getClient(), client);
  });
});

describe("client: concurrency limiter", () => {
  it("runs at most `max` tasks at once, in arrival order", async () => {
    const limit = createLimiter(2);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const release: Array<() => void> = [];
    const tasks = [0, 1, 2, 3, 4].map((n) =>
      limit(async () => {
        started.push(n);
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((resolve) => release.push(resolve));
        running--;
        return n;
      }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(started, [0, 1]);
    while (release.length > 0 || started.length < 5) {
      release.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.deepEqual(await Promise.all(tasks), [0, 1, 2, 3, 4]);
    assert.deepEqual(started, [0, 1, 2, 3, 4]);
    assert.equal(peak, 2);
  });

  it("frees the slot when a task fails", async () => {
    const limit = createLimiter(1);
    await assert.rejects(
      limit(() => Promise.reject(new Error("boom"))),
      /boom/,
    );
    assert.equal(await limit(() => Promise.resolve("next")), "next");
  });

  it("rejects a non-positive maximum", () => {
    assert.throws(() => createLimiter(0), /maxConcurrency must be an integer >= 1/);
  });
});
