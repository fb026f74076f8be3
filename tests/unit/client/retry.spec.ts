// Retries: which failures are retried for which requests, and how long the client waits.
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { FlowServiceError } from "../../../provider/client";
import {
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  isRetryableFailure,
  resolveRetryPolicy,
  RETRY_STATUS_CODES,
} from "../../../provider/client/retry";
import {
  CATALOG,
  CONNECTION_ID,
  DATASET_ID,
  ETAG_1,
  ETAG_2,
  FLOW,
  FLOW_ID,
  fixedTokenSettings,
  imsToken,
  networkError,
  platformJson,
  platformNoBody,
  rejection,
  testClient,
} from "./helpers";

const flow = { id: FLOW_ID, etag: ETAG_1 };
const flowPath = `${FLOW}/flows/${FLOW_ID}`;
const throttled = { error_code: "429050", message: "Too many requests" };
const body = { name: "members", connectionSpec: { id: "spec-1", version: "1.0" } };

describe("client: retries", () => {
  describe("policy", () => {
    it("defaults to 5 retries from 500 ms, 30 s per backoff step, 60 s per Retry-After", () => {
      assert.deepEqual(DEFAULT_RETRY_POLICY, {
        limit: 5,
        baseDelayMs: 500,
        maxDelayMs: 30_000,
        maxRetryAfterMs: 60_000,
      });
    });

    it("classifies 429, every 5xx but 501 and transient network errors as retryable", () => {
      assert.deepEqual(RETRY_STATUS_CODES, [
        429,
        500,
        ...Array.from({ length: 98 }, (_, i) => 502 + i),
      ]);
      assert.deepEqual(
        [429, 500, 501, 503, 599, 400, 404, 412].map((status) =>
          isRetryableFailure(status, undefined),
        ),
        [true, true, false, true, true, false, false, false],
      );
      assert.equal(isRetryableFailure(0, "ECONNRESET"), true);
      assert.equal(isRetryableFailure(0, "EPROTO"), false);
    });

    it("backs off exponentially with equal jitter, capped at maxDelayMs", () => {
      const policy = { limit: 9, baseDelayMs: 500, maxDelayMs: 30_000, maxRetryAfterMs: 0 };
      const low = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(n, policy, () => 0));
      const high = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(n, policy, () => 1));
      assert.deepEqual(low, [250, 500, 1000, 2000, 4000, 8000, 15_000, 15_000]);
      assert.deepEqual(high, [500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
    });

    it("rejects nonsense settings", () => {
      assert.throws(
        () => resolveRetryPolicy({ limit: -1 }),
        /`limit` must be a finite number >= 0/,
      );
      assert.throws(
        () => resolveRetryPolicy({ bogus: 1 } as never),
        /Unknown retry option `bogus`/,
      );
      assert.deepEqual(resolveRetryPolicy({ limit: 2 }), { ...DEFAULT_RETRY_POLICY, limit: 2 });
    });
  });

  it("honours Retry-After in seconds, capped by maxRetryAfterMs", async () => {
    const ims = imsToken();
    const api = platformNoBody()
      .get(flowPath)
      .reply(429, throttled, { "retry-after": "2" })
      .get(flowPath)
      .reply(200, { items: [flow] });
    const { client, retries } = testClient();
    assert.deepEqual(await client.get("flows", FLOW_ID), flow);
    assert.deepEqual(retries, [
      { retry: 1, method: "GET", path: flowPath, status: 429, retryAfterMs: 2000, delayMs: 15 },
    ]);
    ims.done();
    api.done();
  });

  it("honours a Retry-After under the cap as given", async () => {
    const ims = imsToken();
    const api = platformNoBody()
      .get(flowPath)
      .reply(429, throttled, { "retry-after": "0" })
      .get(flowPath)
      .reply(200, { items: [flow] });
    // Backoff would wait 38 ms here (base 50, jitter 0.5): the server's 0 s wins, floored at 1 ms.
    const { client, retries } = testClient(undefined, {
      retry: { baseDelayMs: 50, maxDelayMs: 50 },
    });
    await client.get("flows", FLOW_ID);
    assert.deepEqual(
      retries.map((r) => [r.retryAfterMs, r.delayMs]),
      [[0, 1]],
    );
    ims.done();
    api.done();
  });

  it("honours Retry-After as an HTTP date, capped by maxRetryAfterMs", async () => {
    const ims = imsToken();
    const inAnHour = new Date(Date.now() + 3_600_000).toUTCString();
    const api = platformNoBody()
      .get(flowPath)
      .reply(503, "busy", { "retry-after": inAnHour })
      .get(flowPath)
      .reply(200, { items: [flow] });
    const { client, retries } = testClient();
    await client.get("flows", FLOW_ID);
    assert.equal(retries.length, 1);
    const [retry] = retries;
    assert.ok(retry?.retryAfterMs !== undefined);
    assert.ok(
      retry.retryAfterMs > 3_590_000 && retry.retryAfterMs <= 3_600_000,
      `${retry.retryAfterMs}`,
    );
    assert.equal(retry.delayMs, 15);
    ims.done();
    api.done();
  });

  it("retries 500, 502 and 503 with exponential backoff, then succeeds", async () => {
    const ims = imsToken();
    const api = platformNoBody()
      .get(flowPath)
      .reply(500, { errorMessage: "internal" })
      .get(flowPath)
      .reply(502, "<html>Bad Gateway</html>")
      .get(flowPath)
      .reply(503, { errorMessage: "unavailable" })
      .get(flowPath)
      .reply(200, { items: [flow] });
    const { client, retries } = testClient(undefined, {
      retry: { baseDelayMs: 4, maxDelayMs: 10 },
    });
    assert.deepEqual(await client.get("flows", FLOW_ID), flow);
    // Steps 4, 8, 10 (capped) ms; jitter pinned at 0.5 waits three quarters of each step.
    assert.deepEqual(
      retries.map((r) => [r.retry, r.status, r.delayMs]),
      [
        [1, 500, 3],
        [2, 502, 6],
        [3, 503, 8],
      ],
    );
    ims.done();
    api.done();
  });

  it("does not retry 501", async () => {
    const ims = imsToken();
    const api = platformNoBody().get(flowPath).reply(501, { errorMessage: "not implemented" });
    const { client, retries } = testClient();
    const error = await rejection(client.get("flows", FLOW_ID));
    assert.ok(error instanceof FlowServiceError);
    assert.equal(error.status, 501);
    assert.equal(error.attempts, 1);
    assert.equal(error.retryable, false);
    assert.deepEqual(retries, []);
    ims.done();
    api.done();
  });

  it("does not retry other 4xx", async () => {
    const ims = imsToken();
    const api = platformJson()
      .post(`${FLOW}/connections`, body)
      .reply(400, { type: "https://ns.adobe.com/aep/errors/FLOW-1413-400", title: "Bad" });
    const { client, retries } = testClient();
    const error = await rejection(client.create("connections", body));
    assert.ok(error instanceof FlowServiceError);
    assert.equal(error.status, 400);
    assert.deepEqual(retries, []);
    ims.done();
    api.done();
  });

  it("gives up after `limit` retries with the last status", async () => {
    const ims = imsToken();
    const api = platformNoBody()
      .get(flowPath)
      .times(2)
      .reply(503, { errorMessage: "unavailable" })
      .get(flowPath)
      .reply(502, { errorMessage: "bad gateway" }, { "x-request-id": "req-last" });
    const { client, retries } = testClient(undefined, { retry: { limit: 2 } });
    const error = await rejection(client.get("flows", FLOW_ID));
    assert.ok(error instanceof FlowServiceError);
    assert.equal(error.status, 502);
    assert.equal(error.attempts, 3);
    assert.equal(error.retryable, true);
    assert.equal(
      error.message,
      `bad gateway (502) GET ${flowPath}, request id req-last, after 3 attempts. ` +
        "Flow Service reported a server error; try again later.",
    );
    assert.equal(retries.length, 2);
    ims.done();
    api.done();
  });

  describe("network errors", () => {
    it("retries ECONNRESET on GET", async () => {
      const ims = imsToken();
      const api = platformNoBody()
        .get(flowPath)
        .replyWithError(networkError("ECONNRESET", "socket hang up"))
        .get(flowPath)
        .reply(200, { items: [flow] });
      const { client, retries } = testClient();
      assert.deepEqual(await client.get("flows", FLOW_ID), flow);
      assert.deepEqual(retries, [
        { retry: 1, method: "GET", path: flowPath, status: 0, errorCode: "ECONNRESET", delayMs: 1 },
      ]);
      ims.done();
      api.done();
    });

    it("retries ECONNRESET and EPIPE on PATCH with If-Match", async () => {
      const ims = imsToken();
      const operations = [{ op: "replace" as const, path: "/name", value: "x" }];
      const api = platformJson()
        .matchHeader("if-match", ETAG_1)
        .patch(flowPath, operations)
        .replyWithError(networkError("ECONNRESET", "socket hang up"))
        .patch(flowPath, operations)
        .replyWithError(networkError("EPIPE", "write EPIPE"))
        .patch(flowPath, operations)
        .reply(200, { id: FLOW_ID, etag: ETAG_2 });
      const { client, retries } = testClient();
      assert.deepEqual(await client.patch("flows", FLOW_ID, operations, ETAG_1), {
        id: FLOW_ID,
        etag: ETAG_2,
      });
      assert.deepEqual(
        retries.map((r) => r.errorCode),
        ["ECONNRESET", "EPIPE"],
      );
      ims.done();
      api.done();
    });

    it("retries ECONNRESET on DELETE", async () => {
      const ims = imsToken();
      const api = platformNoBody()
        .delete(flowPath)
        .replyWithError(networkError("ECONNRESET", "socket hang up"))
        .delete(flowPath)
        .reply(204);
      const { client, retries } = testClient();
      assert.equal(await client.delete("flows", FLOW_ID), true);
      assert.equal(retries.length, 1);
      ims.done();
      api.done();
    });

    it("a network error that outlasts the retries has status 0 and the error code", async () => {
      const ims = imsToken();
      const api = platformNoBody()
        .get(flowPath)
        .times(2)
        .replyWithError(networkError("ECONNRESET", "socket hang up"));
      const { client } = testClient(undefined, { retry: { limit: 1 } });
      const error = await rejection(client.get("flows", FLOW_ID));
      assert.ok(error instanceof FlowServiceError);
      assert.equal(error.status, 0);
      assert.equal(error.code, "ECONNRESET");
      assert.equal(error.retryable, true);
      assert.equal(error.attempts, 2);
      ims.done();
      api.done();
    });
  });

  describe("object-creating POSTs", () => {
    it("are not retried on 500 (the object may exist)", async () => {
      const ims = imsToken();
      const api = platformJson()
        .post(`${FLOW}/connections`, body)
        .reply(500, { errorMessage: "x" });
      const { client, retries } = testClient();
      const error = await rejection(client.create("connections", body));
      assert.ok(error instanceof FlowServiceError);
      assert.equal(error.status, 500);
      assert.equal(error.attempts, 1);
      assert.deepEqual(retries, []);
      ims.done();
      api.done();
    });

    it("are not retried on ECONNRESET (the request may have arrived)", async () => {
      const ims = imsToken();
      const api = platformJson()
        .post(`${FLOW}/flows`, body)
        .replyWithError(networkError("ECONNRESET", "socket hang up"));
      const { client, retries } = testClient();
      const error = await rejection(client.create("flows", body));
      assert.ok(error instanceof FlowServiceError);
      assert.equal(error.status, 0);
      assert.equal(error.code, "ECONNRESET");
      assert.deepEqual(retries, []);
      ims.done();
      api.done();
    });

    it("are retried on 429 (throttled requests are not processed)", async () => {
      const ims = imsToken();
      const api = platformJson()
        .post(`${FLOW}/targetConnections`, body)
        .reply(429, throttled, { "retry-after": "1" })
        .post(`${FLOW}/targetConnections`, body)
        .reply(201, { id: CONNECTION_ID, etag: ETAG_1 });
      const { client, retries } = testClient();
      assert.deepEqual(await client.create("targetConnections", body), {
        id: CONNECTION_ID,
        etag: ETAG_1,
      });
      assert.deepEqual(
        retries.map((r) => [r.status, r.delayMs]),
        [[429, 15]],
      );
      ims.done();
      api.done();
    });

    it("are retried on ECONNREFUSED (the request never left)", async () => {
      const ims = imsToken();
      const api = platformJson()
        .post(`${FLOW}/connections`, body)
        .replyWithError(networkError("ECONNREFUSED", "connect ECONNREFUSED 192.0.2.1:443"))
        .post(`${FLOW}/connections`, body)
        .reply(201, { id: CONNECTION_ID, etag: ETAG_1 });
      const { client, retries } = testClient();
      assert.deepEqual(await client.create("connections", body), {
        id: CONNECTION_ID,
        etag: ETAG_1,
      });
      assert.deepEqual(
        retries.map((r) => r.errorCode),
        ["ECONNREFUSED"],
      );
      ims.done();
      api.done();
    });

    it("Catalog POST /dataSets is not retried on 503", async () => {
      const ims = imsToken();
      const api = platformJson().post(`${CATALOG}/dataSets`, body).reply(503, { message: "busy" });
      const { client, retries } = testClient();
      const error = await rejection(client.createDataset(body));
      assert.ok(error instanceof FlowServiceError);
      assert.equal(error.status, 503);
      assert.deepEqual(retries, []);
      ims.done();
      api.done();
    });
  });

  it("a flow action POST is retried on 503 (enable/disable are idempotent)", async () => {
    const ims = imsToken();
    const api = platformNoBody()
      .post(`${flowPath}/action`)
      .query({ op: "enable" })
      .reply(503, { errorMessage: "unavailable" })
      .post(`${flowPath}/action`)
      .query({ op: "enable" })
      .reply(200, { id: FLOW_ID, etag: ETAG_2 });
    const { client, retries } = testClient();
    assert.deepEqual(await client.flowAction(FLOW_ID, "enable"), { id: FLOW_ID, etag: ETAG_2 });
    assert.deepEqual(retries, [
      { retry: 1, method: "POST", path: `${flowPath}/action?op=enable`, status: 503, delayMs: 1 },
    ]);
    ims.done();
    api.done();
  });

  it("Catalog PATCH and DELETE are retried like GET", async () => {
    const ims = imsToken();
    const path = `${CATALOG}/dataSets/${DATASET_ID}`;
    const patch = platformJson()
      .patch(path, { description: "d" })
      .reply(503)
      .patch(path, { description: "d" })
      .reply(200, [`@/dataSets/${DATASET_ID}`]);
    const del = platformNoBody()
      .delete(path)
      .reply(500)
      .delete(path)
      .reply(200, [`@/dataSets/${DATASET_ID}`]);
    const { client, retries } = testClient();
    await client.updateDataset(DATASET_ID, { description: "d" });
    assert.equal(await client.deleteDataset(DATASET_ID), true);
    assert.deepEqual(
      retries.map((r) => [r.method, r.status]),
      [
        ["PATCH", 503],
        ["DELETE", 500],
      ],
    );
    ims.done();
    patch.done();
    del.done();
  });

  // nock cannot fake a timeout (a delayed reply surfaces as ECONNRESET), so these use a loopback
  // server that answers the first request never and later ones at once.
  describe("timeouts (loopback server)", () => {
    let server: http.Server;
    let seen: string[];
    let url: string;

    beforeEach(async () => {
      seen = [];
      server = http.createServer((req, res) => {
        seen.push(`${req.method} ${req.url}`);
        if (seen.length === 1) return; // first request: never answered
        res.writeHead(req.method === "POST" ? 201 : 200, { "content-type": "application/json" });
        res.end(
          JSON.stringify(
            req.method === "POST" ? { id: CONNECTION_ID, etag: ETAG_1 } : { items: [flow] },
          ),
        );
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    afterEach(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    it("a GET that times out is retried", async () => {
      const settings = { ...fixedTokenSettings(), platformUrl: url };
      const { client, retries } = testClient(settings, { timeoutMs: 50 });
      assert.deepEqual(await client.get("flows", FLOW_ID), flow);
      assert.deepEqual(
        retries.map((r) => [r.status, r.errorCode]),
        [[0, "ETIMEDOUT"]],
      );
      assert.deepEqual(seen, [`GET ${flowPath}`, `GET ${flowPath}`]);
    });

    it("a create POST that times out is not retried (it may have been applied)", async () => {
      const settings = { ...fixedTokenSettings(), platformUrl: url };
      const { client, retries } = testClient(settings, { timeoutMs: 50 });
      const error = await rejection(client.create("connections", body));
      assert.ok(error instanceof FlowServiceError);
      assert.equal(error.status, 0);
      assert.equal(error.code, "ETIMEDOUT");
      assert.equal(error.retryable, true);
      assert.deepEqual(retries, []);
      // Under load the server may log the request after the client gave up on it: wait for it,
      // then a little longer, so that a retry (the defect) would be seen too.
      for (let waited = 0; seen.length === 0 && waited < 2000; waited += 10) await sleep(10);
      await sleep(100);
      assert.deepEqual(seen, [`POST ${FLOW}/connections`]);
    });
  });
});
