/**
 * The OAuth Server-to-Server token exchange with Adobe IMS (`POST <imsUrl>/ims/token/v3`), the
 * issuer behind the `TokenCache` of token.ts. See "OAuth Server-to-Server credential API Reference",
 * https://developer.adobe.com/developer-console/docs/guides/authentication/ServerToServerAuthentication/IMS/.
 */
import type { Got, Response } from "got" with { "resolution-mode": "import" };
import { serviceInfo } from "../services";
import { unexpectedResponse } from "./failures";
import { isRecord } from "./json";
import type { RequestContext } from "./retry";
import { SETTINGS, SettingsError, type FlowServiceSettings } from "./settings";
import type { IssuedToken } from "./token";

/** Without a usable `expires_in`, assume an hour (the renewal after a 401 covers the rest). */
const DEFAULT_LIFETIME_MS = 3_600_000;

/**
 * Requests a token with the client credentials in the form body (never the query).
 * @throws SettingsError when the credential is not configured; FlowServiceError when IMS refuses.
 */
export async function requestImsToken(
  settings: Pick<FlowServiceSettings, "imsUrl" | "clientId" | "clientSecret" | "scopes">,
  got: () => Promise<Got>,
  secrets: () => readonly string[],
): Promise<IssuedToken> {
  const { clientId, clientSecret } = settings;
  if (!clientId || !clientSecret) {
    throw new SettingsError(
      `No access token and no OAuth credential: set ${SETTINGS.clientId.config} and ` +
        `${SETTINGS.clientSecret.config} (${SETTINGS.clientId.env}, ${SETTINGS.clientSecret.env}), ` +
        `or ${SETTINGS.accessToken.config} (${SETTINGS.accessToken.env}).`,
    );
  }
  const url = new URL(`${settings.imsUrl}${serviceInfo("ims").basePath}/token/v3`);
  const context: RequestContext = { service: "ims", retryClass: "idempotent" };
  const response = (await (
    await got()
  )(url, {
    method: "POST",
    form: {
      grant_type: "client_credentials",
      client_id: clientId,
      client_secret: clientSecret,
      scope: settings.scopes,
    },
    context,
  })) as Response<unknown>;
  const { body } = response;
  const accessToken = isRecord(body) ? body.access_token : undefined;
  if (typeof accessToken !== "string" || accessToken === "") {
    throw unexpectedResponse({
      service: "ims",
      method: "POST",
      url,
      status: response.statusCode,
      headers: response.headers,
      body,
      expected: "an access_token",
      secrets: secrets(),
      hideBody: true,
    });
  }
  // IMS answers `expires_in` in seconds.
  const expiresIn = isRecord(body) ? Number(body.expires_in) : Number.NaN;
  const expiresInMs =
    Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn * 1000 : DEFAULT_LIFETIME_MS;
  return { accessToken, expiresInMs };
}
