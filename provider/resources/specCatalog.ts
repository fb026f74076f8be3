/**
 * The connection and flow specs this package knows by heart, so that `check` can catch the common
 * mistakes of the Mailchimp-to-data-lake walk-through at preview time, before any API call.
 * Specs not listed here are passed through; Flow Service validates them on create.
 */

/** Connection spec ids from Adobe's documentation. */
export const connectionSpecIds = {
  mailchimpCampaign: "c8ce8c8c-37fb-4162-9fbf-c2f181e04a7a",
  mailchimpMembers: "2e8580db-6489-4726-96de-e33f5f60295f",
  dataLake: "c604ff05-7f1a-43c0-8e18-33bf874cb11c",
} as const;

/** Flow spec ids from Adobe's documentation. */
export const flowSpecIds = {
  /** Generic REST and Sources-SDK sources, Mailchimp included. */
  restStorageToAep: "6499120c-0b15-42dc-936e-847ea3c24d72",
  crmToAep: "14518937-270c-4525-bdec-c2ba7cce3860",
  cloudStorageToAep: "9753525b-82c7-4dce-8a9b-5ccfce2b9876",
} as const;

/** The schema version a Data Lake target connection names its XDM schema with. */
export const XDM_FULL_SCHEMA_VERSION = "application/vnd.adobe.xed-full+json;version=1";
/** The content type a Catalog dataset names its XDM schema with. */
export const XDM_SCHEMA_CONTENT_TYPE = "application/vnd.adobe.xed+json;version=1";

interface KnownAuthType {
  /** The name Flow Service lists in the spec's `authSpec`. */
  name: string;
  /** The authSpec type; Adobe's tutorials sometimes send this (e.g. `oAuth2RefreshCode`) as `specName`. */
  type: string;
  required: readonly string[];
}

interface KnownConnectionSpec {
  title: string;
  authTypes?: readonly KnownAuthType[];
  /** Parameters a source or target connection of this spec must declare. */
  requiredParams?: readonly string[];
}

const MAILCHIMP_AUTH: readonly KnownAuthType[] = [
  { name: "Basic Authentication", type: "BasicAuthentication", required: ["username", "password"] },
  { name: "OAuth2 Refresh Code", type: "OAuth2RefreshCode", required: ["accessToken"] },
];

export const KNOWN_CONNECTION_SPECS: Readonly<Record<string, KnownConnectionSpec>> = {
  [connectionSpecIds.mailchimpCampaign]: {
    title: "Mailchimp Campaign",
    authTypes: MAILCHIMP_AUTH,
    requiredParams: ["campaignId"],
  },
  [connectionSpecIds.mailchimpMembers]: {
    title: "Mailchimp Members",
    authTypes: MAILCHIMP_AUTH,
    requiredParams: ["listId"],
  },
  [connectionSpecIds.dataLake]: { title: "Data Lake", requiredParams: ["dataSetId"] },
};

/** Matches a `specName` the way Flow Service does: by name or type, ignoring case and spaces. */
export function findAuthType(
  spec: KnownConnectionSpec,
  specName: string,
): KnownAuthType | undefined {
  return spec.authTypes?.find((authType) => isAuthType(authType, specName));
}

/**
 * Whether `specName` names this auth type (an `authSpec` entry of a connection spec): by its name
 * or its type, ignoring case and spaces, as Adobe's tutorials spell them loosely
 * (`oAuth2RefreshCode`, `OAuth 2 Refresh Code`).
 */
export function isAuthType(
  authType: { name?: unknown; type?: unknown },
  specName: unknown,
): boolean {
  const norm = (text: unknown) => String(text).replace(/\s+/g, "").toLowerCase();
  return norm(authType.name) === norm(specName) || norm(authType.type) === norm(specName);
}
