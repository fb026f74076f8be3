/**
 * The command line's settings are the provider's: the `aep:*` config of a stack (read through the
 * Pulumi CLI when `--stack` or `--cwd` names one), then the `AEP_*` environment variables, resolved
 * by the same `resolveSettings` the provider process uses, so both reach the same org and sandbox.
 */
import {
  createAepClient,
  resolveSettings,
  type AepClient,
  type ConfigSource,
  type FlowServiceSettings,
} from "../client";
import type { CliContext, CommonOptions } from "./command";
import { PulumiCli } from "./pulumi";

export interface ResolvedCliSettings {
  /** What the client reads (stack config first); undefined when no stack was named. */
  config: ConfigSource | undefined;
  settings: FlowServiceSettings;
  /** Credential values, kept out of every message the command prints. */
  secrets: string[];
}

/** Settings from the stack's config when `pulumi` is given, else from the environment alone. */
export async function loadSettings(
  pulumi: PulumiCli | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ResolvedCliSettings> {
  const config = pulumi ? await pulumi.aepConfig() : undefined;
  const settings = resolveSettings(config, env);
  const secrets = [settings.clientSecret, settings.accessToken].filter(
    (value): value is string => typeof value === "string",
  );
  return { config, settings, secrets };
}

/** Where a command's client points, for its messages. */
export interface Connection {
  client: AepClient;
  settings: FlowServiceSettings;
}

/**
 * The Adobe client of a command: the stack's settings when `--stack` or `--cwd` names one, else
 * the environment's; `sandboxName` replaces the configured sandbox. Credentials are added to the
 * context's secrets before anything can fail with them in a message.
 */
export async function connect(
  context: CliContext,
  options: CommonOptions,
  sandboxName?: string,
): Promise<Connection> {
  const pulumi =
    options.stack !== undefined || options.cwd !== undefined
      ? new PulumiCli(
          { stack: options.stack, cwd: options.cwd },
          context.env,
          context.pulumiCommand,
        )
      : undefined;
  const { settings: resolved, secrets } = await loadSettings(pulumi, context.env);
  context.secrets.push(...secrets);
  const settings = sandboxName === undefined ? resolved : { ...resolved, sandboxName };
  return { client: createAepClient(settings, context.clientOptions), settings };
}
