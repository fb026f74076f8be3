/**
 * Catalog's dataset listing (`GET /dataSets?name=`), which the package's client does not offer:
 * the provider never needs to search datasets, only recovery does. The same settings, headers and
 * OAuth Server-to-Server token as the client; errors carry Adobe's code and message.
 * https://experienceleague.adobe.com/en/docs/experience-platform/catalog/api/filter-data
 */
import { parseErrorBody, type FlowServiceSettings } from "../../client";
import { serviceInfo } from "../../services";
import { CliError } from "../errors";
import type { PlainObject } from "./state";

/** Catalog's largest page. */
const PAGE_SIZE = 100;

/** Every dataset of the sandbox with exactly this name, each with its `id`. */
export async function datasetsNamed(
  settings: FlowServiceSettings,
  name: string,
): Promise<PlainObject[]> {
  const headers = {
    accept: "application/json",
    authorization: `Bearer ${settings.accessToken ?? (await clientCredentialsToken(settings))}`,
    "x-api-key": settings.apiKey,
    "x-gw-ims-org-id": settings.orgId,
    "x-sandbox-name": settings.sandboxName,
  };
  const found: PlainObject[] = [];
  for (let start = 0; ; start += PAGE_SIZE) {
    const url = new URL(`${settings.platformUrl}${serviceInfo("catalog").basePath}/dataSets`);
    url.searchParams.set("name", name);
    url.searchParams.set("limit", String(PAGE_SIZE));
    url.searchParams.set("start", String(start));
    const body = await call("Catalog Service", url, { headers });
    const page = Object.entries(isObject(body) ? body : {}).filter(([, value]) => isObject(value));
    found.push(...page.map(([id, value]) => ({ ...(value as PlainObject), id })));
    if (page.length < PAGE_SIZE) return found.filter((dataset) => dataset.name === name);
  }
}

async function clientCredentialsToken(settings: FlowServiceSettings): Promise<string> {
  const url = new URL(`${settings.imsUrl}${serviceInfo("ims").basePath}/token/v3`);
  const body = await call("Adobe IMS", url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: settings.clientId ?? "",
      client_secret: settings.clientSecret ?? "",
      scope: settings.scopes,
    }).toString(),
  });
  const token = isObject(body) ? body.access_token : undefined;
  if (typeof token !== "string" || token === "") {
    throw new CliError(`Adobe IMS answered without an access token (POST ${url.pathname}).`);
  }
  return token;
}

async function call(service: string, url: URL, init: RequestInit): Promise<unknown> {
  const method = init.method ?? "GET";
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? "network error";
    throw new CliError(
      `${service} could not be reached (${cause}) ${method} ${url.origin}${url.pathname}`,
    );
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === "" ? undefined : JSON.parse(text);
  } catch {
    // Not JSON: parseErrorBody reads text too.
  }
  if (!response.ok) {
    const parsed = parseErrorBody(body);
    const code = parsed.code ? ` ${parsed.code}` : "";
    throw new CliError(
      `${parsed.message ?? `${service} refused the request`} (${response.status}${code}) ` +
        `${method} ${url.pathname}`,
    );
  }
  return body;
}

function isObject(value: unknown): value is PlainObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
