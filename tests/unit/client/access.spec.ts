// The process-wide accessor used by the resource providers, and the concurrency limiter.
import assert from "node:assert/strict";
import {
  configureClient,
  getClient,
  resetClientForTests,
  SettingsError,
  type ConfigSource,
} from "../../../provider/client";
import { createLimiter } from "../../../provider/client/limiter";
import {
  CLIENT_ID,
  FIXED_TOKEN,
  FLOW,
  FLOW_ID,
  ETAG_1,
  ORG_ID,
  PLATFORM,
  platformNoBody,
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
