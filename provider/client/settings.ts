/**
 * Where the providers find their credentials and endpoints. Settings are read inside the provider
 * process at call time (stack config handed to `configure`, then environment variables), never
 * captured into a resource's `__provider` text, inputs or outputs. (Pulumi records the stack
 * config with the provider in the state; resources/aepResource.ts refuses plain-text credentials.)
 */

/** The resolved settings of one provider process. */
export interface FlowServiceSettings {
  platformUrl: string;
  imsUrl: string;
  clientId?: string;
  clientSecret?: string;
  scopes: string;
  orgId: string;
  sandboxName: string;
  apiKey: string;
  /** A ready-made bearer token; when set, no client-credentials exchange happens. */
  accessToken?: string;
}

/** Adobe's documented scope list for the Experience Platform API credential. */
export const DEFAULT_SCOPES =
  "openid,session,AdobeID,read_organizations,additional_info.projectedProductContext";

interface SettingSpec {
  /** Stack config key, in the `aep` namespace. */
  config: string;
  env: string;
  secret?: boolean;
  defaultValue?: string;
  description: string;
}

/** The settings table, also rendered in the README. */
export const SETTINGS = {
  platformUrl: {
    config: "aep:platformUrl",
    env: "AEP_PLATFORM_URL",
    defaultValue: "https://platform.adobe.io",
    description: "platform base URL",
  },
  imsUrl: {
    config: "aep:imsUrl",
    env: "AEP_IMS_URL",
    defaultValue: "https://ims-na1.adobelogin.com",
    description: "IMS base URL",
  },
  clientId: { config: "aep:clientId", env: "AEP_CLIENT_ID", description: "OAuth client id" },
  clientSecret: {
    config: "aep:clientSecret",
    env: "AEP_CLIENT_SECRET",
    secret: true,
    description: "OAuth client secret",
  },
  scopes: {
    config: "aep:scopes",
    env: "AEP_SCOPES",
    defaultValue: DEFAULT_SCOPES,
    description: "OAuth scopes",
  },
  orgId: { config: "aep:orgId", env: "AEP_ORG_ID", description: "IMS organization id" },
  sandboxName: {
    config: "aep:sandboxName",
    env: "AEP_SANDBOX_NAME",
    defaultValue: "prod",
    description: "sandbox name",
  },
  apiKey: { config: "aep:apiKey", env: "AEP_API_KEY", description: "API key" },
  accessToken: {
    config: "aep:accessToken",
    env: "AEP_ACCESS_TOKEN",
    secret: true,
    description: "ready-made access token",
  },
} satisfies Record<keyof FlowServiceSettings, SettingSpec>;

/** Anything with a `get(key)`: the dynamic provider's `configure` request config, or a Map. */
export interface ConfigSource {
  get(key: string): string | undefined;
}

/** Thrown when a setting is missing or malformed; the message names the config key and variable. */
export class SettingsError extends Error {
  override name = "SettingsError";
}

function missing(key: keyof FlowServiceSettings, hint: string): SettingsError {
  const s: SettingSpec = SETTINGS[key];
  const setCmd = `pulumi config set ${s.secret ? "--secret " : ""}${s.config} <value>`;
  return new SettingsError(
    `The AEP ${s.description} is not set: ${hint}Set the stack config \`${s.config}\` (\`${setCmd}\`) ` +
      `or the environment variable ${s.env}.`,
  );
}

/** Reads one setting: stack config first, then the environment, then its default. */
function reader(config: ConfigSource | undefined, env: NodeJS.ProcessEnv) {
  return (key: keyof FlowServiceSettings): string | undefined => {
    const spec: SettingSpec = SETTINGS[key];
    const value = config?.get(spec.config) ?? env[spec.env];
    const trimmed = value?.trim();
    return trimmed ? trimmed : spec.defaultValue;
  };
}

/**
 * The configured org and sandbox alone, which need no credential: where a new object goes.
 * @throws SettingsError when the org is not set.
 */
export function resolveScope(
  config: ConfigSource | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Pick<FlowServiceSettings, "orgId" | "sandboxName"> {
  const read = reader(config, env);
  const orgId = read("orgId");
  if (!orgId) throw missing("orgId", "every Flow Service call names the IMS organization. ");
  return { orgId, sandboxName: read("sandboxName")! };
}

/**
 * Resolves the settings from stack config first, then the environment. Throws a SettingsError
 * naming the config key and the environment variable of the first missing required setting.
 */
export function resolveSettings(
  config: ConfigSource | undefined,
  env: NodeJS.ProcessEnv = process.env,
): FlowServiceSettings {
  const read = reader(config, env);
  const { orgId, sandboxName } = resolveScope(config, env);
  const accessToken = read("accessToken");
  const clientId = read("clientId");
  const clientSecret = read("clientSecret");
  if (!accessToken) {
    if (!clientId) throw missing("clientId", "it is needed to get an access token. ");
    if (!clientSecret) throw missing("clientSecret", "it is needed to get an access token. ");
  }
  const apiKey = read("apiKey") ?? clientId;
  if (!apiKey) throw missing("apiKey", "it defaults to the client id, which is not set either. ");
  const settings: FlowServiceSettings = {
    platformUrl: stripSlash(read("platformUrl")!),
    imsUrl: stripSlash(read("imsUrl")!),
    scopes: read("scopes")!,
    orgId,
    sandboxName,
    apiKey,
  };
  for (const url of ["platformUrl", "imsUrl"] as const) {
    if (!/^https?:\/\//.test(settings[url])) {
      throw new SettingsError(
        `The AEP ${SETTINGS[url].description} "${settings[url]}" is not an http(s) URL: fix the stack ` +
          `config \`${SETTINGS[url].config}\` or the environment variable ${SETTINGS[url].env}.`,
      );
    }
  }
  if (clientId) settings.clientId = clientId;
  if (clientSecret) settings.clientSecret = clientSecret;
  if (accessToken) settings.accessToken = accessToken;
  return settings;
}

function stripSlash(url: string): string {
  return url.replace(/\/+$/, "");
}
