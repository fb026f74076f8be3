// Error mapping: every Adobe error body format becomes one FlowServiceError with the right
// fields and a message that says what to fix, and no credential ever leaks out of it.
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { FlowServiceError } from "../../../provider/client";
import { parseErrorBody } from "../../../provider/client/errorBody";
import { toFlowServiceError } from "../../../provider/client/failures";
import {
  CATALOG,
  CLIENT_SECRET,
  CONNECTION_ID,
  DATASET_ID,
  ETAG_1,
  FIXED_TOKEN,
  FLOW,
  FLOW_ID,
  fixedTokenSettings,
  imsScope,
  imsToken,
  networkError,
  platformJson,
  platformNoBody,
  rejection,
  testClient,
  TOKEN_1,
  TOKEN_2,
  TOKEN_FORM,
} from "./helpers";

const flowPath = `${FLOW}/flows/${FLOW_ID}`;
const operations = [{ op: "replace" as const, path: "/name", value: "renamed" }];

/** A client that never retries, so each test sees the first answer. */
function noRetryClient() {
  return testClient(undefined, { retry: { limit: 0 } });
}

async function failedPatch(status: number, body: unknown, headers: Record<string, string> = {}) {
  const ims = imsToken();
  const api = platformJson()
    .matchHeader("if-match", ETAG_1)
    .patch(flowPath, operations)
    .reply(status, body as Record<string, unknown>, headers);
  const { client } = noRetryClient();
  const error = await rejection(client.patch("flows", FLOW_ID, operations, ETAG_1));
  ims.done();
  api.done();
  assert.ok(error instanceof FlowServiceError, `not a FlowServiceError: ${String(error)}`);
  return error;
}

describe("client: errors", () => {
  describe("body formats", () => {
    it("Flow Service problem format: code from `type`, title, detailed message, header request id", async () => {
      const error = await failedPatch(
        404,
        {
          type: "https://ns.adobe.com/aep/errors/FLOW-1439-404",
          title: "Resource not found",
          status: 404,
          report: {
            "detailed-message": `The requested flows resource ${FLOW_ID} is not found. Verify the resource ID before trying again.`,
            id: FLOW_ID,
            "request-id": "req-in-body",
            type: "flows",
          },
          errorMessage: "short message",
          errorDetails: "short details",
        },
        { "x-request-id": "req-in-header" },
      );
      assert.equal(error.status, 404);
      assert.equal(error.method, "PATCH");
      assert.equal(error.path, flowPath);
      assert.equal(error.code, "FLOW-1439-404");
      assert.equal(error.title, "Resource not found");
      assert.equal(error.requestId, "req-in-header");
      assert.equal(error.retryable, false);
      assert.equal(error.attempts, 1);
      assert.equal(
        error.message,
        `The requested flows resource ${FLOW_ID} is not found. Verify the resource ID before ` +
          `trying again. (404 FLOW-1439-404) PATCH ${flowPath}, request id req-in-header. The ` +
          "object no longer exists; it may have been deleted outside Pulumi: run `pulumi refresh`.",
      );
    });

    it("problem format 403: request id from report.request-id, permission hint", async () => {
      const ims = imsToken();
      const api = platformNoBody()
        .delete(flowPath)
        .reply(403, {
          type: "https://ns.adobe.com/aep/errors/FLOW-2120-403",
          title: "Forbidden",
          status: 403,
          report: {
            "detailed-message": "Insufficient permissions for this operation.",
            "request-id": "req-403",
          },
          errorMessage: "Insufficient permissions for this operation.",
        });
      const { client } = noRetryClient();
      const error = await rejection(client.delete("flows", FLOW_ID));
      assert.ok(error instanceof FlowServiceError);
      assert.equal(error.code, "FLOW-2120-403");
      assert.equal(error.requestId, "req-403");
      assert.equal(
        error.message,
        `Insufficient permissions for this operation. (403 FLOW-2120-403) DELETE ${flowPath}, ` +
          "request id req-403. The credential lacks a permission this call needs: ask an " +
          "Experience Platform administrator to add it to a product profile granting it in the " +
          "sandbox `aep:sandboxName` (AEP_SANDBOX_NAME).",
      );
      ims.done();
      api.done();
    });

    it("short format 412: errorMessage, and the changed-outside-Pulumi hint", async () => {
      const mismatch =
        'Supplied version=["0a00aaaa-0000-0200-0000-000000000001"] does not match the current ' +
        'version on entity=["0a00bbbb-0000-0200-0000-000000000002"]';
      const error = await failedPatch(412, { errorMessage: mismatch, errorDetails: mismatch });
      assert.equal(error.status, 412);
      assert.equal(error.code, undefined);
      assert.equal(error.title, undefined);
      assert.equal(error.adobeMessage, mismatch);
      assert.equal(
        error.message,
        `${mismatch} (412) PATCH ${flowPath}. The object was changed outside Pulumi since Pulumi ` +
          "last read it (its etag no longer matches): run `pulumi refresh`, then `pulumi up` again.",
      );
    });

    it("short format 404 (legacy)", async () => {
      const error = await failedPatch(404, {
        errorMessage: `flows not found with id = [${FLOW_ID}]`,
        errorDetails: `flows not found with id = [${FLOW_ID}]`,
      });
      assert.equal(error.adobeMessage, `flows not found with id = [${FLOW_ID}]`);
      assert.equal(error.code, undefined);
    });

    it("gateway format with a string error_code (401013)", async () => {
      const api = platformNoBody(FIXED_TOKEN)
        .get(flowPath)
        .reply(401, { error_code: "401013", message: "Oauth token is not valid" });
      const { client } = testClient(fixedTokenSettings(), { retry: { limit: 0 } });
      const error = await rejection(client.get("flows", FLOW_ID));
      assert.ok(error instanceof FlowServiceError);
      assert.equal(error.code, "401013");
      assert.equal(error.adobeMessage, "Oauth token is not valid");
      api.done();
    });

    it("gateway format with a numeric error_code: 403003 asks to check the API key", async () => {
      const error = await failedPatch(403, { error_code: 403003, message: "Api Key is invalid" });
      assert.equal(error.code, "403003");
      assert.equal(
        error.message,
        `Api Key is invalid (403 403003) PATCH ${flowPath}. Check the API key \`aep:apiKey\` ` +
          "(AEP_API_KEY); it defaults to the client id.",
      );
    });

    it("gateway 400003 (missing org header) asks to check the org id", async () => {
      const error = await failedPatch(400, { error_code: "400003", message: "Missing header" });
      assert.match(error.message, /Check the IMS organization id `aep:orgId` \(AEP_ORG_ID\)\.$/);
    });

    it("generic 400 problem: title and detail; a placeholder type gives no code", async () => {
      const error = await failedPatch(400, {
        type: "/placeholder/type/uri",
        status: 400,
        title: "BadRequestError",
        detail: "A valid content-type must be specified",
      });
      assert.equal(error.code, undefined);
      assert.equal(error.title, "BadRequestError");
      assert.equal(error.adobeMessage, "A valid content-type must be specified");
      assert.equal(
        error.message,
        `A valid content-type must be specified (400) PATCH ${flowPath}.`,
      );
    });

    it("Catalog errors: `message` bodies and `errors: [...]` lists are read too", async () => {
      const ims = imsToken();
      const path = `${CATALOG}/dataSets/${DATASET_ID}`;
      const api = platformJson()
        .patch(path, { name: "x" })
        .reply(400, { message: "Dataset name must be unique", statusCode: 400 })
        .patch(path, { name: "y" })
        .reply(400, [{ code: "CAT-1004-400", message: "Invalid schemaRef" }]);
      const { client } = noRetryClient();
      const first = await rejection(client.updateDataset(DATASET_ID, { name: "x" }));
      const second = await rejection(client.updateDataset(DATASET_ID, { name: "y" }));
      assert.ok(first instanceof FlowServiceError && second instanceof FlowServiceError);
      assert.equal(first.message, `Dataset name must be unique (400) PATCH ${path}.`);
      assert.equal(second.code, "CAT-1004-400");
      assert.equal(second.message, `Invalid schemaRef (400 CAT-1004-400) PATCH ${path}.`);
      ims.done();
      api.done();
    });

    it("non-JSON bodies: tags stripped, whitespace collapsed, cut to 300 characters", async () => {
      const html = `<html><body><h1>502 Bad Gateway</h1><p>${"upstream failed ".repeat(40)}</p></body></html>`;
      const error = await failedPatch(502, html);
      assert.equal(error.code, undefined);
      const text = error.adobeMessage ?? "";
      assert.ok(text.startsWith("502 Bad Gateway upstream failed upstream"), text);
      assert.equal(text.length, 300);
      assert.ok(text.endsWith("…"));
      assert.equal(error.retryable, true);
    });

    it("an empty error body falls back to the status line", async () => {
      const error = await failedPatch(500, "");
      assert.equal(
        error.message,
        `Flow Service answered 500 Internal Server Error (500) PATCH ${flowPath}. Flow Service ` +
          "reported a server error; try again later.",
      );
    });

    it("parseErrorBody reads each format", () => {
      assert.deepEqual(
        parseErrorBody({
          error: "invalid_client",
          error_description: "invalid client_id parameter",
        }),
        { code: "invalid_client", message: "invalid client_id parameter" },
      );
      assert.deepEqual(parseErrorBody({ error_code: 429050, message: "Too many requests" }), {
        code: "429050",
        message: "Too many requests",
      });
      assert.deepEqual(
        parseErrorBody(JSON.stringify({ type: "https://ns.adobe.com/aep/errors/FLOW-1103-503" })),
        { code: "FLOW-1103-503" },
      );
      assert.deepEqual(parseErrorBody("  plain\n text  "), { message: "plain text" });
      assert.deepEqual(parseErrorBody(null), {});
      assert.deepEqual(parseErrorBody(""), {});
    });
  });

  describe("network and shape errors", () => {
    it("a network error has status 0, the error code and a hint about the URL", async () => {
      const ims = imsToken();
      const api = platformNoBody()
        .get(flowPath)
        .times(2)
        .replyWithError(networkError("ECONNREFUSED", "connect ECONNREFUSED 192.0.2.1:443"));
      const { client } = testClient(undefined, { retry: { limit: 1 } });
      const error = await rejection(client.get("flows", FLOW_ID));
      assert.ok(error instanceof FlowServiceError);
      assert.equal(error.status, 0);
      assert.equal(error.code, "ECONNREFUSED");
      assert.equal(error.requestId, undefined);
      assert.equal(error.retryable, true);
      assert.equal(
        error.message,
        "Flow Service could not be reached: connect ECONNREFUSED 192.0.2.1:443 (network error " +
          `ECONNREFUSED) GET ${flowPath}, after 2 attempts. Check \`aep:platformUrl\` ` +
          "(AEP_PLATFORM_URL) and the network connection.",
      );
      assert.ok(error.cause instanceof Error);
      assert.equal((error.cause as Error & { code?: string }).code, "ECONNREFUSED");
      ims.done();
      api.done();
    });

    it("a 2xx answer of the wrong shape is UNEXPECTED_RESPONSE", async () => {
      const ims = imsToken();
      const api = platformJson()
        .post(`${FLOW}/connections`, { name: "c" })
        .reply(201, { id: CONNECTION_ID }, { "x-request-id": "req-shape" });
      const { client } = noRetryClient();
      const error = await rejection(client.create("connections", { name: "c" }));
      assert.ok(error instanceof FlowServiceError);
      assert.equal(error.status, 201);
      assert.equal(error.code, "UNEXPECTED_RESPONSE");
      assert.equal(
        error.message,
        `Flow Service answered without the expected {id, etag} (body: {"id":"${CONNECTION_ID}"}) ` +
          `(201 UNEXPECTED_RESPONSE) POST ${FLOW}/connections, request id req-shape.`,
      );
      ims.done();
      api.done();
    });

    it("a 2xx answer that is not JSON is UNEXPECTED_RESPONSE", async () => {
      const ims = imsToken();
      const api = platformNoBody().get(flowPath).reply(200, "<html>login page</html>");
      const { client } = noRetryClient();
      const error = await rejection(client.get("flows", FLOW_ID));
      assert.ok(error instanceof FlowServiceError);
      assert.equal(error.status, 200);
      assert.equal(error.code, "UNEXPECTED_RESPONSE");
      assert.match(error.message, /^Flow Service answered with a body that is not JSON/);
      ims.done();
      api.done();
    });
  });

  describe("no credential leaks", () => {
    function assertClean(error: unknown, secrets: string[]): void {
      const texts = [
        String(error),
        JSON.stringify(error),
        inspect(error),
        inspect(error, { showHidden: true, depth: Infinity }),
        (error as Error).stack ?? "",
      ];
      for (const text of texts) {
        for (const secret of secrets)
          assert.ok(!text.includes(secret), `leaked ${secret}: ${text}`);
      }
    }

    it("a 401 after renewal, with a server echoing the token and secret, leaks nothing", async () => {
      const ims1 = imsToken(TOKEN_1);
      const ims2 = imsToken(TOKEN_2);
      const echo = {
        error_code: "401013",
        message: `Oauth token is not valid: Bearer ${TOKEN_2} (client_secret=${CLIENT_SECRET})`,
      };
      const api1 = platformNoBody(TOKEN_1).get(flowPath).reply(401, echo);
      const api2 = platformNoBody(TOKEN_2).get(flowPath).reply(401, echo);
      const { client } = testClient();
      const error = await rejection(client.get("flows", FLOW_ID));
      assert.ok(error instanceof FlowServiceError);
      assertClean(error, [TOKEN_1, TOKEN_2, CLIENT_SECRET]);
      assert.equal(
        error.adobeMessage,
        "Oauth token is not valid: Bearer [REDACTED] (client_secret=[REDACTED])",
      );
      assert.equal(error.request?.headers.authorization, "Bearer [REDACTED]");
      // The raw request/response stay available, but not enumerable.
      assert.deepEqual(Object.keys(error).sort(), [
        "adobeMessage",
        "attempts",
        "code",
        "method",
        "name",
        "path",
        "requestId",
        "retryable",
        "status",
        "title",
      ]);
      assert.equal(error.response?.statusCode, 401);
      ims1.done();
      ims2.done();
      api1.done();
      api2.done();
    });

    it("a rejected ready-made token leaks nothing", async () => {
      const api = platformNoBody(FIXED_TOKEN)
        .get(flowPath)
        .reply(401, { error_code: "401013", message: "Oauth token is not valid" });
      const { client } = testClient(fixedTokenSettings());
      const error = await rejection(client.get("flows", FLOW_ID));
      assertClean(error, [FIXED_TOKEN]);
      api.done();
    });

    it("an IMS failure leaks no client secret", async () => {
      const ims = imsScope()
        .post("/ims/token/v3", TOKEN_FORM)
        .reply(400, { error: "invalid_client", error_description: "invalid client_id parameter" });
      const { client } = testClient();
      const error = await rejection(client.get("flows", FLOW_ID));
      assertClean(error, [CLIENT_SECRET]);
      ims.done();
    });

    it("a 2xx answer of the wrong shape echoing the token leaks it nowhere", async () => {
      const ims = imsToken(TOKEN_1);
      // Not `Bearer <token>` nor `access_token=<token>`: only the list of secrets can catch it.
      const api = platformJson()
        .post(`${FLOW}/connections`, { name: "c" })
        .reply(201, { id: CONNECTION_ID, echo: TOKEN_1 });
      const { client } = noRetryClient();
      const error = await rejection(client.create("connections", { name: "c" }));
      assert.ok(error instanceof FlowServiceError);
      assert.equal(error.code, "UNEXPECTED_RESPONSE");
      assert.equal(
        error.message,
        `Flow Service answered without the expected {id, etag} (body: {"id":"${CONNECTION_ID}",` +
          `"echo":"[REDACTED]"}) (201 UNEXPECTED_RESPONSE) POST ${FLOW}/connections.`,
      );
      assert.deepEqual(error.response?.body, { id: CONNECTION_ID, echo: "[REDACTED]" });
      assertClean(error, [TOKEN_1]);
      ims.done();
      api.done();
    });

    it("a 2xx answer of the wrong shape keeps no set-cookie header", async () => {
      const ims = imsToken();
      const api = platformNoBody()
        .get(flowPath)
        .reply(
          200,
          { items: [{ id: FLOW_ID }] },
          {
            "set-cookie": "session=abc0123456789; HttpOnly",
            "x-request-id": "req-cookie",
          },
        );
      const { client } = noRetryClient();
      const error = await rejection(client.get("flows", FLOW_ID));
      assert.ok(error instanceof FlowServiceError);
      assert.equal(error.code, "UNEXPECTED_RESPONSE");
      assert.equal(error.response?.headers["x-request-id"], "req-cookie");
      assert.equal(error.response?.headers["set-cookie"], undefined);
      assertClean(error, ["abc0123456789"]);
      ims.done();
      api.done();
    });

    it("a network error message carrying a token is scrubbed", async () => {
      const ims = imsToken(TOKEN_1);
      const api = platformNoBody(TOKEN_1)
        .get(flowPath)
        .replyWithError(networkError("EPROTO", `proxy refused Authorization: Bearer ${TOKEN_1}`));
      const { client } = testClient();
      const error = await rejection(client.get("flows", FLOW_ID));
      assert.ok(error instanceof FlowServiceError);
      assert.equal(error.status, 0);
      assert.equal(error.code, "EPROTO");
      assertClean(error, [TOKEN_1]);
      ims.done();
      api.done();
    });
  });

  it("a failed request naming no known service is a TypeError, not labelled Flow Service", () => {
    const gotError = Object.assign(new Error("Response code 500"), {
      name: "HTTPError",
      options: { method: "GET", url: new URL(`https://x.test${flowPath}`), context: {} },
    });
    assert.throws(
      () => toFlowServiceError(gotError as never, { fixedToken: false, secrets: () => [] }),
      /^TypeError: Unknown Adobe service undefined: expected one of ims, flowService, catalog, schemaRegistry, dataPrep/,
    );
  });

  it("FlowServiceError keeps no bearer token, cookie or set-cookie of what it is given", () => {
    const error = new FlowServiceError("boom", {
      status: 500,
      method: "GET",
      path: "/x",
      retryable: true,
      request: {
        method: "GET",
        path: "/x",
        headers: { Authorization: `Bearer ${TOKEN_1}`, Cookie: "s=1", "x-api-key": "key" },
      },
      response: {
        statusCode: 500,
        headers: { "Set-Cookie": ["s=2"], "x-request-id": "req" },
        body: "",
      },
    });
    assert.ok(error instanceof Error);
    assert.deepEqual(error.request?.headers, {
      authorization: "Bearer [REDACTED]",
      cookie: "[REDACTED]",
      "x-api-key": "key",
    });
    assert.deepEqual(error.response?.headers, { "x-request-id": "req" });
    assert.equal(error.attempts, 1);
  });
});
