// Shared fixtures of the client tests: fake settings with obviously fake credentials, the exact
// headers every platform call must carry, and a nock interceptor for the IMS token request.
import { readFileSync } from "node:fs";
import nock from "nock";
import {
  createAepClient,
  type AepClient,
  type AepClientOptions,
  type FlowServiceSettings,
} from "../../../provider/client";
import type { RetryEvent } from "../../../provider/client/retry";
import { DEFAULT_SCOPES } from "../../../provider/client/settings";

export const PLATFORM = "https://platform.example.test";
export const IMS = "https://ims.example.test";
export const FLOW = "/data/foundation/flowservice";
export const CATALOG = "/data/foundation/catalog";

export const CLIENT_ID = "client-id-0000000000000001";
export const CLIENT_SECRET = "client-secret-0000000000000001";
export const ORG_ID = "0123456789ABCDEF01234567@AdobeOrg";
export const SANDBOX = "dev";
export const TOKEN_1 = "access-token-0000000000000001";
export const TOKEN_2 = "access-token-0000000000000002";
export const FIXED_TOKEN = "fixed-access-token-0000000000000009";

/** What every call says it is: the package and the version in its package.json. */
export const USER_AGENT = `pulumi-aep-flow/${
  (
    JSON.parse(readFileSync(require.resolve("pulumi-aep-flow/package.json"), "utf8")) as {
      version: string;
    }
  ).version
}`;

export const CONNECTION_ID = "9601747c-6874-4c02-bb00-5732a8c43086";
export const FLOW_ID = "2edc08ac-4df5-4fe6-936f-81a19ce92f5c";
export const ETAG_1 = '"3702dabc-0000-0200-0000-615b5b5a0000"';
export const ETAG_2 = '"50014cc8-0000-0200-0000-6036eb720000"';
export const DATASET_ID = "5c8c3c555033b814b69f947f";

/** Settings for the client-credentials mode (tokens come from IMS). */
export function imsSettings(overrides: Partial<FlowServiceSettings> = {}): FlowServiceSettings {
  return {
    platformUrl: PLATFORM,
    imsUrl: IMS,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    scopes: DEFAULT_SCOPES,
    orgId: ORG_ID,
    sandboxName: SANDBOX,
    apiKey: CLIENT_ID,
    ...overrides,
  };
}

/** Settings for the ready-made token mode (IMS is never called). */
export function fixedTokenSettings(): FlowServiceSettings {
  return {
    platformUrl: PLATFORM,
    imsUrl: IMS,
    scopes: DEFAULT_SCOPES,
    orgId: ORG_ID,
    sandboxName: SANDBOX,
    apiKey: CLIENT_ID,
    accessToken: FIXED_TOKEN,
  };
}

/** The exact headers of every Flow Service / Catalog request. */
export function platformHeaders(token: string = TOKEN_1): Record<string, string> {
  return {
    authorization: `Bearer ${token}`,
    "x-api-key": CLIENT_ID,
    "x-gw-ims-org-id": ORG_ID,
    "x-sandbox-name": SANDBOX,
    accept: "application/json",
    "user-agent": USER_AGENT,
  };
}

/** A platform scope for requests without a body: exact headers, and no Content-Type. */
export function platformNoBody(token: string = TOKEN_1): nock.Scope {
  return nock(PLATFORM, { reqheaders: platformHeaders(token), badheaders: ["content-type"] });
}

/** A platform scope for requests with a JSON body. */
export function platformJson(token: string = TOKEN_1): nock.Scope {
  return nock(PLATFORM, {
    reqheaders: { ...platformHeaders(token), "content-type": "application/json" },
  });
}

/** The exact form body of the token request (commas of the scope list percent-encoded). */
export const TOKEN_FORM =
  `grant_type=client_credentials&client_id=${CLIENT_ID}&client_secret=${CLIENT_SECRET}` +
  "&scope=openid%2Csession%2CAdobeID%2Cread_organizations%2Cadditional_info.projectedProductContext";

/** A scope for the IMS token exchange: form body in the body (no query), no platform headers. */
export function imsScope(): nock.Scope {
  return nock(IMS, {
    reqheaders: {
      "content-type": "application/x-www-form-urlencoded",
      accept: "application/json",
      "user-agent": USER_AGENT,
    },
    badheaders: ["authorization", "x-api-key", "x-gw-ims-org-id"],
  });
}

/** Intercepts one token request and answers with `token`. */
export function imsToken(token: string = TOKEN_1, expiresIn = 86399): nock.Scope {
  return imsScope()
    .post("/ims/token/v3", TOKEN_FORM)
    .reply(200, { access_token: token, token_type: "bearer", expires_in: expiresIn });
}

/** Millisecond retry settings; jitter pinned to the middle so delays are exact. */
export const FAST_RETRY = { baseDelayMs: 1, maxDelayMs: 20, maxRetryAfterMs: 15 };

export interface TestClient {
  client: AepClient;
  /** Every retry the client announced, in order. */
  retries: RetryEvent[];
}

export function testClient(
  settings: FlowServiceSettings = imsSettings(),
  options: AepClientOptions = {},
): TestClient {
  const retries: RetryEvent[] = [];
  const client = createAepClient(settings, {
    random: () => 0.5,
    onRetry: (event) => retries.push(event),
    ...options,
    retry: { ...FAST_RETRY, ...options.retry },
  });
  return { client, retries };
}

/** Awaits a promise that must reject, and returns the rejection. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the promise to reject");
}

/**
 * A network error for `replyWithError`. nock 15 needs an Error instance: given a plain object
 * (`{ code: "ECONNRESET" }`) it never emits the error and the request hangs.
 */
export function networkError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}
