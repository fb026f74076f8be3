/**
 * The process-wide entry point the resource providers use: `configure` hands the stack config to
 * {@link configureClient}; CRUD methods call {@link getClient}. Settings are resolved at first use
 * inside the provider process, never captured into a serialized provider.
 */
import { createHash } from "node:crypto";
import { createAepClient, type AepClientOptions } from "./flowServiceClient";
import { resolveSettings, type ConfigSource } from "./settings";
import type { AepClient } from "./types";

export {
  createAepClient,
  DEFAULT_MAX_CONCURRENCY,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_USER_AGENT,
  type AepClientOptions,
} from "./flowServiceClient";
export {
  FlowServiceError,
  parseErrorBody,
  type FlowServiceErrorInit,
  type FlowServiceErrorRequest,
  type FlowServiceErrorResponse,
} from "./errors";
export { DEFAULT_RETRY_POLICY, type RetryEvent, type RetryPolicy } from "./retry";
export {
  DEFAULT_SCOPES,
  resolveSettings,
  SERVICE_PATHS,
  SETTINGS,
  SettingsError,
  type ConfigSource,
  type FlowServiceSettings,
} from "./settings";
export type * from "./types";

interface ClientState {
  config: ConfigSource | undefined;
  /** One client per distinct settings, keyed by a hash (no secret in a map key). */
  clients: Map<string, AepClient>;
  /** Client options set by tests (fast retries); production uses the defaults. */
  options: AepClientOptions | undefined;
}

/**
 * The state lives on `globalThis`, not in module variables: Pulumi may load this module twice in
 * one provider process (once captured by value with a provider, once by `require`), and both
 * copies must share the configuration and the token.
 */
function state(): ClientState {
  const key = Symbol.for("pulumi-aep-flow.client-state");
  const holder = globalThis as typeof globalThis & { [key: symbol]: ClientState | undefined };
  let current = holder[key];
  if (!current) {
    current = { config: undefined, clients: new Map(), options: undefined };
    holder[key] = current;
  }
  return current;
}

/** Stores the config the dynamic provider's `configure` received (`undefined` clears it). */
export function configureClient(config: ConfigSource | undefined): void {
  state().config = config;
}

/**
 * The client for the current settings (stack config from {@link configureClient}, then the
 * environment). The same settings always give the same client, so every operation of a provider
 * process shares one token and one concurrency limit.
 * @throws SettingsError when a required setting is missing or malformed.
 */
export function getClient(): AepClient {
  const current = state();
  const { config, clients } = current;
  const settings = resolveSettings(config, process.env);
  const key = createHash("sha256").update(JSON.stringify(settings)).digest("hex");
  let client = clients.get(key);
  if (!client) {
    client = createAepClient(settings, current.options);
    clients.set(key, client);
  }
  return client;
}

/**
 * Forgets the stored config and every client (tests only). `options` apply to the clients
 * {@link getClient} builds from then on, e.g. `{ retry: { baseDelayMs: 1, maxDelayMs: 5 } }`.
 */
export function resetClientForTests(options?: AepClientOptions): void {
  const current = state();
  current.config = undefined;
  current.clients.clear();
  current.options = options;
}
