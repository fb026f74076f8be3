/** Fault injection, out-of-band changes, the request log, reset, and the admin API. */
import assert from "node:assert/strict";
import {
  assertNotFound,
  assertProblem,
  basicAuthConnection,
  call,
  CLIENT_ID,
  ETAG_PATTERN,
  FLOW,
  MINUTE,
  useEmulator,
} from "./helpers";

const CONNECTIONS = `${FLOW}/connections`;

describe("emulator faults and test controls", () => {
  const { emulator, api } = useEmulator();

  describe("injected statuses", () => {
    it("429 with the gateway body and Retry-After, for `count` matching requests", async () => {
      emulator.inject({ path: CONNECTIONS, status: 429, retryAfter: "2", count: 2 });
      for (let attempt = 0; attempt < 2; attempt++) {
        const reply = await api.get("/connections");
        assert.equal(reply.status, 429);
        assert.equal(reply.headers.get("retry-after"), "2");
        assert.deepEqual(reply.body, { error_code: "429050", message: "Too many requests" });
      }
      assert.equal((await api.get("/connections")).status, 200);
    });

    it("500, 502 and 503 in the Flow Service problem format", async () => {
      const cases: Array<[number, string, string]> = [
        [500, "1102", "Internal server error"],
        [502, "1102", "Bad gateway"],
        [503, "1103", "Service unavailable"],
      ];
      for (const [status, code, title] of cases) {
        emulator.inject({ path: CONNECTIONS, status });
        const reply = await api.get("/connections");
        assertProblem(
          reply,
          status,
          code,
          `Injected fault: the emulator answered ${status} for this request. Try again.`,
        );
        assert.equal(reply.body.title, title);
        assert.equal(reply.headers.get("retry-after"), null);
      }
      emulator.inject({
        path: CONNECTIONS,
        status: 503,
        retryAfter: "Wed, 21 Oct 2026 07:28:00 GMT",
      });
      assert.equal(
        (await api.get("/connections")).headers.get("retry-after"),
        "Wed, 21 Oct 2026 07:28:00 GMT",
      );
    });

    it("matches on method and on a RegExp path", async () => {
      emulator.inject({ method: "post", path: CONNECTIONS, status: 500 });
      assert.equal((await api.get("/connections")).status, 200);
      assert.equal((await api.post("/connections", basicAuthConnection())).status, 500);
      assert.equal(emulator.objects("connections").length, 0);
      emulator.inject({ path: "^/data/foundation/flowservice/connections/[^/]+$", status: 502 });
      assert.equal((await api.get("/connections")).status, 200);
      assert.equal((await api.get("/connections/some-id")).status, 502);
    });

    it("answers before the gateway checks, and applies to the token endpoint", async () => {
      emulator.inject({ path: "/ims/token/v3", status: 503 });
      const reply = await call(emulator.url, "POST", "/ims/token/v3");
      assert.equal(reply.status, 503);
      emulator.inject({ path: FLOW, status: 429 });
      assert.equal((await call(emulator.url, "GET", CONNECTIONS)).status, 429);
    });

    it("refuses malformed fault specs", () => {
      assert.throws(
        () => emulator.inject({ path: "" }),
        /Invalid fault: 'path' must be a non-empty string/,
      );
      assert.throws(
        () => emulator.inject({ path: "/x" }),
        /set at least one of 'status', 'latencyMs' or 'drop'/,
      );
      assert.throws(
        () => emulator.inject({ path: "/x", status: 200 }),
        /'status' must be an HTTP error status/,
      );
      assert.throws(
        () => emulator.inject({ path: "/x", status: 500, count: 0 }),
        /'count' must be a positive integer/,
      );
      assert.throws(
        () => emulator.inject({ path: "^(", status: 500 }),
        /'path' is not a valid RegExp/,
      );
    });

    it("clears faults", async () => {
      emulator.inject({ path: CONNECTIONS, status: 500, count: 5 });
      emulator.clearFaults();
      assert.equal((await api.get("/connections")).status, 200);
    });
  });

  describe("latency and dropped connections", () => {
    it("delays the matching request", async () => {
      emulator.inject({ path: CONNECTIONS, latencyMs: 60 });
      const started = performance.now();
      const reply = await api.get("/connections");
      assert.equal(reply.status, 200);
      assert.ok(performance.now() - started >= 55);
    });

    it("drops the connection before handling: nothing is created", async () => {
      emulator.inject({ method: "POST", path: CONNECTIONS, drop: "before" });
      await assert.rejects(api.post("/connections", basicAuthConnection()), TypeError);
      assert.equal(emulator.objects("connections").length, 0);
      assert.equal((await api.post("/connections", basicAuthConnection())).status, 201);
    });

    it("drops the connection after the write was applied: the object exists", async () => {
      emulator.inject({ method: "POST", path: CONNECTIONS, drop: "after" });
      await assert.rejects(api.post("/connections", basicAuthConnection()), TypeError);
      const stored = emulator.objects("connections");
      assert.equal(stored.length, 1);
      const listed = await api.get("/connections");
      assert.equal(listed.body.items[0].id, stored[0]?.id);
    });

    it("drops after an update too (PATCH applied, no answer)", async () => {
      const { id, etag } = await api.create("connections", basicAuthConnection());
      emulator.inject({ method: "PATCH", path: `${CONNECTIONS}/${id}`, drop: "after" });
      await assert.rejects(
        api.patch(`/connections/${id}`, [{ op: "replace", path: "/name", value: "applied" }], etag),
      );
      const connection = await api.object("connections", id);
      assert.equal(connection.name, "applied");
      assert.notEqual(connection.etag, etag);
    });
  });

  describe("out-of-band changes", () => {
    it("edits an object as the UI would: merged, new etag, attributed to exc_app", async () => {
      const { id, etag } = await api.create("connections", basicAuthConnection());
      emulator.editOutOfBand("connections", id, {
        description: "edited in the UI",
        auth: { params: { username: "ui-user" } },
      });
      const connection = await api.object("connections", id);
      assert.equal(connection.description, "edited in the UI");
      const params = (connection.auth as { params: Record<string, string> }).params;
      assert.equal(params.username, "ui-user");
      assert.equal(params.password, "********");
      assert.match(String(connection.etag), ETAG_PATTERN);
      assert.notEqual(connection.etag, etag);
      assert.equal(connection.version, connection.etag);
      assert.equal(connection.updatedClient, "exc_app");
      assert.equal(connection.createdClient, CLIENT_ID);
      const stale = await api.patch(
        `/connections/${id}`,
        [{ op: "replace", path: "/name", value: "x" }],
        etag,
      );
      assert.equal(stale.status, 412);
    });

    it("edits datasets by bumping their version", async () => {
      const id = await api.createDataSet("Original");
      emulator.editOutOfBand("dataSets", id, { name: "Renamed in UI" });
      const stored = emulator.objects("dataSets")[0] as { name: string; version: string };
      assert.equal(stored.name, "Renamed in UI");
      assert.equal(stored.version, "1.0.1");
    });

    it("deletes an object without referential checks", async () => {
      const pipeline = await api.createPipeline();
      emulator.deleteOutOfBand("connections", pipeline.baseId);
      assertNotFound(
        await api.get(`/connections/${pipeline.baseId}`),
        "connections",
        pipeline.baseId,
      );
      assert.equal((await api.get(`/flows/${pipeline.flowId}`)).status, 200);
    });

    it("throws for unknown objects and collections", () => {
      assert.throws(
        () => emulator.editOutOfBand("flows", "nope", {}),
        /no flows object with id nope/,
      );
      assert.throws(
        () => emulator.deleteOutOfBand("flows", "nope"),
        /no flows object with id nope/,
      );
      assert.throws(() => emulator.objects("widgets" as never), /Unknown collection 'widgets'/);
    });
  });

  describe("request log", () => {
    it("records method, path, query, redacted headers, body and status", async () => {
      emulator.clearRequests();
      await api.post("/connections", basicAuthConnection());
      await api.get("/connections?limit=5&property=name==a&property=state==enabled");
      const [create, list] = emulator.requests();
      assert.equal(create?.method, "POST");
      assert.equal(create?.path, CONNECTIONS);
      assert.equal(create?.status, 201);
      const sent = basicAuthConnection() as { auth: { params: object } };
      assert.deepEqual(create?.body, {
        ...sent,
        auth: { ...sent.auth, params: { ...sent.auth.params, password: "[REDACTED]" } },
      });
      assert.equal(create?.headers.authorization, "Bearer [REDACTED]");
      assert.equal(create?.headers["x-api-key"], CLIENT_ID);
      assert.equal(create?.headers["content-type"], "application/json");
      assert.deepEqual(list?.query, { limit: "5", property: ["name==a", "state==enabled"] });
      assert.equal(list?.status, 200);
      assert.equal(list?.body, undefined);
    });

    it("redacts the client secret of token requests and records drops as status 0", async () => {
      emulator.clearRequests();
      await call(emulator.url, "POST", "/ims/token/v3", {
        headers: { "content-type": "application/x-www-form-urlencoded" },
        rawBody: "grant_type=client_credentials&client_id=a&client_secret=s3cret",
      });
      emulator.inject({ path: CONNECTIONS, drop: "before" });
      await assert.rejects(api.get("/connections"));
      const [token, dropped] = emulator.requests();
      assert.deepEqual(token?.body, {
        grant_type: "client_credentials",
        client_id: "a",
        client_secret: "[REDACTED]",
      });
      assert.equal(dropped?.status, 0);
    });
  });

  describe("reset", () => {
    it("forgets objects, runs, faults and requests but keeps tokens", async () => {
      await api.createPipeline();
      emulator.advanceClock(30 * MINUTE);
      emulator.inject({ path: "/nowhere", status: 500 });
      emulator.reset();
      for (const collection of [
        "connections",
        "sourceConnections",
        "targetConnections",
        "flows",
        "runs",
        "dataSets",
      ] as const) {
        assert.deepEqual(emulator.objects(collection), [], collection);
      }
      assert.deepEqual(emulator.requests(), []);
      assert.equal((await api.get("/connections")).status, 200);
      assert.equal((await api.get("/connectionSpecs")).body.items.length, 3);
    });
  });

  describe("admin API", () => {
    const admin = (method: string, path: string, json?: unknown) =>
      call(emulator.url, method, `/__emulator${path}`, { json });

    it("injects, lists and clears faults", async () => {
      const added = await admin("POST", "/faults", { path: CONNECTIONS, status: 503, count: 2 });
      assert.equal(added.status, 201);
      assert.deepEqual(added.body, [{ path: CONNECTIONS, status: 503, count: 2 }]);
      assert.equal((await api.get("/connections")).status, 503);
      assert.deepEqual((await admin("GET", "/faults")).body, [
        { path: CONNECTIONS, status: 503, count: 1 },
      ]);
      assert.equal((await admin("DELETE", "/faults")).status, 204);
      assert.equal((await api.get("/connections")).status, 200);
      const bad = await admin("POST", "/faults", { status: 500 });
      assert.equal(bad.status, 400);
      assert.match(bad.body.error, /'path' must be a non-empty string/);
    });

    it("reads and moves the clock", async () => {
      const before = (await admin("GET", "/clock")).body.now as number;
      const moved = await admin("POST", "/clock", { advanceMs: 3_600_000 });
      assert.equal(moved.status, 200);
      assert.ok(moved.body.now >= before + 3_600_000);
      assert.equal((await admin("POST", "/clock", { advanceMs: -1 })).status, 400);
      assert.equal((await admin("POST", "/clock", {})).status, 400);
    });

    it("lists, edits and deletes objects out of band", async () => {
      const { id } = await api.create("connections", basicAuthConnection());
      const listed = await admin("GET", "/objects/connections");
      assert.equal(listed.status, 200);
      assert.equal(listed.body[0].auth.params.password, "[REDACTED]");
      const edited = await admin("PATCH", `/objects/connections/${id}`, {
        name: "Edited over HTTP",
      });
      assert.equal(edited.status, 200);
      assert.equal(edited.body.name, "Edited over HTTP");
      assert.equal((await api.object("connections", id)).name, "Edited over HTTP");
      assert.equal((await admin("DELETE", `/objects/connections/${id}`)).status, 204);
      assert.equal((await api.get(`/connections/${id}`)).status, 404);
      assert.deepEqual((await admin("DELETE", `/objects/connections/${id}`)).body, {
        error: `No connections object with id ${id}.`,
      });
      assert.equal((await admin("PATCH", `/objects/connections/${id}`, { name: "x" })).status, 404);
      const unknown = await admin("GET", "/objects/widgets");
      assert.equal(unknown.status, 400);
      assert.match(unknown.body.error, /Unknown collection 'widgets'/);
    });

    it("shows and clears the request log (admin calls are not logged), and resets", async () => {
      await admin("DELETE", "/requests");
      await api.get("/connections");
      const log = await admin("GET", "/requests");
      assert.deepEqual(
        log.body.map((entry: { method: string; path: string; status: number }) => [
          entry.method,
          entry.path,
          entry.status,
        ]),
        [["GET", CONNECTIONS, 200]],
      );
      await api.create("connections", basicAuthConnection());
      assert.equal((await admin("POST", "/reset")).status, 204);
      assert.deepEqual((await admin("GET", "/objects/connections")).body, []);
      assert.deepEqual((await admin("GET", "/requests")).body, []);
    });

    it("needs no credentials and answers unknown admin routes with {error}", async () => {
      const reply = await admin("GET", "/nothing");
      assert.equal(reply.status, 404);
      assert.deepEqual(reply.body, { error: "No admin route GET /__emulator/nothing." });
    });
  });
});
