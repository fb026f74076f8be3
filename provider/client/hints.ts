/**
 * What the user should do about a failed call, when we know: which setting to check for each
 * status and Adobe error code. Hints name settings by their config key and environment variable,
 * never by their value.
 */
import type { AdobeServiceInfo } from "../services";
import { NEVER_SENT_CODES } from "./retry";
import { SETTINGS, type FlowServiceSettings } from "./settings";

export interface HintInput {
  service: AdobeServiceInfo;
  status: number;
  code: string | undefined;
  method: string;
  attempts: number;
  /** True when the token came from `aep:accessToken` (so a 401 cannot be fixed by renewing). */
  fixedToken: boolean;
}

/** `pulumi config` key and environment variable of a setting, as shown in messages. */
function setting(key: keyof FlowServiceSettings): string {
  return `\`${SETTINGS[key].config}\` (${SETTINGS[key].env})`;
}

/** The hint appended to an error message, or "" when there is nothing useful to say. */
export function hintFor({
  service,
  status,
  code,
  method,
  attempts,
  fixedToken,
}: HintInput): string {
  const { label, origin } = service;
  const urlSetting = origin === "ims" ? setting("imsUrl") : setting("platformUrl");
  if (status === 0) {
    if (code === "ETIMEDOUT") return `Adobe did not answer in time; try again later.`;
    // The host could not be reached at all: more likely a wrong URL than a passing outage.
    if (NEVER_SENT_CODES.has(code ?? "")) {
      return `Check ${urlSetting} and the network connection.`;
    }
    return `The connection failed; try again later, and check ${urlSetting} if it persists.`;
  }
  if (status === 429) return "Adobe is throttling requests; try again in a few minutes.";
  if (status >= 500) return `${label} reported a server error; try again later.`;
  if (origin === "ims") {
    if (code === "invalid_scope") return `Check the OAuth scopes ${setting("scopes")}.`;
    return (
      `IMS refused the OAuth Server-to-Server credential: check ${setting("clientId")} and ` +
      `${setting("clientSecret")}.`
    );
  }
  if (status === 401) {
    if (fixedToken) {
      return (
        `The access token provided in ${setting("accessToken")} was rejected; it may have ` +
        `expired. Set a fresh token, or unset it so the provider gets tokens itself with ` +
        `${setting("clientId")} and ${setting("clientSecret")}.`
      );
    }
    return (
      `The access token was rejected even after renewing it: check that the credential ` +
      `${setting("clientId")} belongs to the IMS organization ${setting("orgId")} and has access ` +
      `to Experience Platform.`
    );
  }
  if (status === 403) {
    if (code === "403000" || code === "403003") {
      return `Check the API key ${setting("apiKey")}; it defaults to the client id.`;
    }
    if (code === "403010") return "The request carried no access token.";
    return (
      `The credential lacks a permission this call needs: ask an Experience Platform ` +
      `administrator to add it to a product profile granting it in the sandbox ` +
      `${setting("sandboxName")}.`
    );
  }
  if (code === "400003" || /^(FLOW-)?200[12]-401$/.test(code ?? "")) {
    return `Check the IMS organization id ${setting("orgId")}.`;
  }
  if (/^(FLOW-)?21\d\d-4\d\d$/.test(code ?? "")) {
    return `Check the sandbox ${setting("sandboxName")}.`;
  }
  if (status === 412) {
    const replay =
      attempts > 1
        ? " (This PATCH was retried: an earlier attempt may have been applied before its answer was lost.)"
        : "";
    return (
      "The object was changed outside Pulumi since Pulumi last read it (its etag no longer " +
      `matches): run \`pulumi refresh\`, then \`pulumi up\` again.${replay}`
    );
  }
  if (status === 404 && (method === "PATCH" || method === "DELETE")) {
    return "The object no longer exists; it may have been deleted outside Pulumi: run `pulumi refresh`.";
  }
  return "";
}
