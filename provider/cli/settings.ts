/**
 * The command line's settings are the provider's: the `aep:*` config of a stack (read through the
 * Pulumi CLI when `--stack` or `--cwd` names one), then the `AEP_*` environment variables, resolved
 * by the same `resolveSettings` the provider process uses, so both reach the same org and sandbox.
 */
import { resolveSettings, type ConfigSource, type FlowServiceSettings } from "../client";
import type { PulumiCli } from "./pulumi";

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
