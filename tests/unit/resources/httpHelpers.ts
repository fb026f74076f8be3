// What the suites of the provider methods' exact HTTP calls share: obviously fake settings, the
// headers every platform call must carry, the client configured with a token from nock, and the
// objects Adobe's services answer for the fixtures' inputs.
import nock from "nock";
import { configureClient, resetClientForTests } from "../../../provider/client";
import type { AepClientOptions } from "../../../provider/client";
import { mappingSetInputs, SCHEMA_ID, xdmSchemaInputs } from "../../fixtures/inputs";

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

/** The services' base paths, as the requests name them. */
export const FLOW = "/data/foundation/flowservice";
export const CATALOG = "/data/foundation/catalog";
export const REGISTRY = "/data/foundation/schemaregistry";
export const DATA_PREP = "/data/foundation/conversion";
/** The Schema Registry's lookup representation of the stored form. */
export const XED = "application/vnd.adobe.xed+json; version=1";

/** The id of the Flow Service object of a test. */
export const ID = "9601747c-6874-4c02-bb00-5732a8c43086";
export const MAPPING_ID = "e7c80e4c0d8f4a98a7d400b4e178b635";
export const EXPERIENCE_EVENT = "https://ns.adobe.com/xdm/context/experienceevent";
export const MARKETING = "https://ns.adobe.com/xdm/context/experienceevent-marketing";
export const SCHEMA_ALT_ID = "_acme.schemas.3f2c8a6e1b0d4f7a9c5e2b8d6a4f1c3e";

/** Where every object lives: the configured sandbox and org, recorded at create. */
export const LOCATION = { sandboxName: "dev", imsOrgId: ORG };

/** A nock scope of the Schema Registry's lookups, which name the stored form. */
export function registryReads(): nock.Scope {
  return nock(PLATFORM, { reqheaders: { ...ADOBE_HEADERS, accept: XED } });
}

/** What Flow Service adds to every object it returns. */
export const system = (etag = ETAG) => ({
  id: ID,
  etag,
  version: etag,
  state: "enabled",
  createdAt: 1633379162000,
  updatedAt: 1633379162000,
  createdBy: "client-id@AdobeID",
  sandboxName: "dev",
  sandboxId: "d8c4c3f2-7c3b-4a3e-9bd0-1b0ffb0a1c2d",
  imsOrgId: ORG,
});

/** The outputs a Flow Service resource takes from `system()`, and its location. */
export const serviceOutputs = (etag = ETAG) => ({
  etag,
  state: "enabled",
  createdAt: 1633379162000,
  updatedAt: 1633379162000,
  ...LOCATION,
});

/** A schema as the registry stores it, for the fixture's inputs. */
export function storedSchema(overrides: Record<string, unknown> = {}) {
  const inputs = xdmSchemaInputs();
  return {
    $id: SCHEMA_ID,
    "meta:altId": SCHEMA_ALT_ID,
    "meta:resourceType": "schemas",
    version: "1.0",
    title: inputs.title,
    type: "object",
    description: inputs.description,
    allOf: [EXPERIENCE_EVENT, ...inputs.fieldGroupIds].map(($ref) => ({
      $ref,
      type: "object",
      "meta:xdmType": "object",
    })),
    "meta:class": EXPERIENCE_EVENT,
    "meta:extends": [EXPERIENCE_EVENT, "https://ns.adobe.com/xdm/data/time-series", MARKETING],
    "meta:registryMetadata": {
      "repo:createdDate": 1700000000000,
      "repo:lastModifiedDate": 1700000000000,
    },
    ...overrides,
  };
}

/** The outputs an XdmSchema takes from `storedSchema()`, and its location. */
export const schemaOutputs = (version = "1.0", updatedAt = 1700000000000) => ({
  schemaId: SCHEMA_ID,
  altId: SCHEMA_ALT_ID,
  version,
  createdAt: 1700000000000,
  updatedAt,
  ...LOCATION,
});

/** A mapping set as Data Prep answers a GET. */
export function storedMappingSet(version = 0) {
  return {
    id: MAPPING_ID,
    version,
    createdDate: 1614901255000,
    modifiedDate: 1614901255000 + version,
    outputSchema: {
      id: "cf0a57df22354cfdb5f32a747b63a456",
      version: 0,
      schemaRef: { id: SCHEMA_ID, contentType: "application/vnd.adobe.xed-full+json;version=1" },
    },
    mappings: mappingSetInputs().mappings.map((mapping, index) => ({
      id: `a11f44b0214d4fdcb79cbb5e1d93e63${index}`,
      version: 0,
      ...mapping,
      sourceType: "text/x.schema-path",
    })),
    status: "DRAFT",
    xdmSchema: SCHEMA_ID,
  };
}
