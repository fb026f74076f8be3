// What the suites of the provider methods' exact HTTP calls share: obviously fake settings, the
// headers every platform call must carry, and the client configured with a token from nock.
import nock from "nock";
import { configureClient, resetClientForTests } from "../../../provider/client";
import type { AepClientOptions } from "../../../provider/client";

export const PLATFORM = "https://platform.example.test";
export const IMS = "https://ims.example.test";
export const ORG = "0123456789ABCDEF01234567@AdobeOrg";
export const ETAG = '"3702dabc-0000-0200-0000-615b5b5a0000"';
export const NEW_ETAG = '"3702dabc-0000-0200-0000-615b5b5b0000"';

/** The headers every Flow Service, Catalog, Schema Registry and Data Prep call must carry. */
export const ADOBE_HEADERS = {
  authorization: "Bearer issued-token",
  "x-api-key": "client-id",
  "x-gw-ims-org-id": ORG,
  "x-sandbox-name": "dev",
};

/** The stack config the provider process would be configured with. */
export const SETTINGS: ReadonlyMap<string, string> = new Map([
  ["aep:platformUrl", PLATFORM],
  ["aep:imsUrl", IMS],
  ["aep:clientId", "client-id"],
  ["aep:clientSecret", "client-secret"],
  ["aep:orgId", ORG],
  ["aep:sandboxName", "dev"],
]);

/** A nock scope of the platform that requires the Adobe headers. */
export function platform(): nock.Scope {
  return nock(PLATFORM, { reqheaders: ADOBE_HEADERS });
}

/**
 * Configures the client as the provider process would, and intercepts the one token request it
 * makes; returns that interceptor's scope.
 */
export function configureWithToken(options?: AepClientOptions): nock.Scope {
  resetClientForTests(options);
  configureClient(SETTINGS);
  return nock(IMS)
    .post("/ims/token/v3")
    .reply(200, { access_token: "issued-token", token_type: "bearer", expires_in: 86399 });
}
