/**
 * The Adobe client and its process-wide entry point: `configure` hands the stack config to
 * {@link configureClient}; CRUD methods call {@link getClient}. Settings are resolved at first use
 * inside the provider process, never written into a resource's inputs or outputs.
 */
import { createHash } from "node:crypto";
import { catalogEndpoints } from "./catalog";
import { dataPrepEndpoints } from "./dataPrep";
import { flowServiceEndpoints } from "./flowService";
import { schemaRegistryEndpoints } from "./schemaRegistry";
import {
  resolveScope,
  resolveSettings,
  type ConfigSource,
  type FlowServiceSettings,
} from "./settings";
import {
  createTransport,
  type AepClientOptions,
  type ClientScope,
  type Transport,
} from "./transport";
import type { AepClient } from "./types";

export { FlowServiceError } from "./errors";
export { encodeSourceParams } from "./flowService";
export {
  resolveSettings,
  SettingsError,
  type ConfigSource,
  type FlowServiceSettings,
} from "./settings";
export type { AepClientOptions } from "./transport";
export type {
  AepClient,
  ExploreRequest,
  FlowServiceCollection,
  FlowServiceObject,
  Mapping,
  MappingSetObject,
  MappingSourceType,
  RunsQuery,
  SpecCollection,
  SpecObject,
  XdmSchemaObject,
} from "./types";
export {
  describeRunErrors,
  runPhase,
  statusFilterValue,
  summarizeRun,
  TERMINAL_STATUSES,
  type RunError,
  type RunPhase,
  type RunSummary,
} from "./runs";

/** The client of one org and sandbox over a transport (its token and concurrency limit). */
function clientOver(transport: Transport, scope: ClientScope): AepClient {
  const platform = transport.platform(scope);
  return {
    ...flowServiceEndpoints(platform),
    ...catalogEndpoints(platform),
    ...schemaRegistryEndpoints(platform),
    ...dataPrepEndpoints(platform),
  };
}

/**
 * A client for one set of settings, with its own token and concurrency limit. Cheap: got is
 * loaded, and a token requested, only when the first request is made. Every method rejects with a
 * {@link FlowServiceError}.
 */
export function createAepClient(
  settings: FlowServiceSettings,
  options: AepClientOptions = {},
): AepClient {
  return clientOver(createTransport(settings, options), settings);
}

/** Overrides of the configured org and sandbox, for objects that live elsewhere. */
export interface ClientScopeOverride {
  sandboxName?: string | undefined;
  orgId?: string | undefined;
}

let config: ConfigSource | undefined;
/** Client options set by tests (fast retries); production uses the defaults. */
let options: AepClientOptions | undefined;
/** One transport per credential and endpoint, so one token; keyed by a hash (no secret in a key). */
const transports = new Map<string, Transport>();
/** One client per transport, org and sandbox. */
const clients = new Map<string, AepClient>();

function hashOf(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex");
}

function overridden(
  name: keyof ClientScopeOverride,
  value: string | undefined,
): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value.trim() === "") {
    throw new TypeError(
      `getClient: ${name} must be a non-empty string, got ${JSON.stringify(value)}.`,
    );
  }
  return value.trim();
}

/** Stores the config the dynamic provider's `configure` received (`undefined` clears it). */
export function configureClient(source: ConfigSource | undefined): void {
  config = source;
}

/**
 * The client for the current settings (stack config from {@link configureClient}, then the
 * environment), with the sandbox and/or org of `scope` instead of the configured ones. The same
 * settings and scope always give the same client, and every scope of one credential shares one
 * token and one concurrency limit.
 * @throws SettingsError when a required setting is missing or malformed.
 */
export function getClient(scope: ClientScopeOverride = {}): AepClient {
  const { orgId, sandboxName, ...transportSettings } = resolveSettings(config, process.env);
  const transportKey = hashOf(transportSettings);
  let transport = transports.get(transportKey);
  if (!transport) {
    transport = createTransport(transportSettings, options);
    transports.set(transportKey, transport);
  }
  const target: ClientScope = {
    orgId: overridden("orgId", scope.orgId) ?? orgId,
    sandboxName: overridden("sandboxName", scope.sandboxName) ?? sandboxName,
  };
  const key = hashOf([transportKey, target.orgId, target.sandboxName]);
  let client = clients.get(key);
  if (!client) {
    client = clientOver(transport, target);
    clients.set(key, client);
  }
  return client;
}

/**
 * The org and sandbox the current settings name (where {@link getClient} without a scope goes),
 * resolved without requiring a credential.
 * @throws SettingsError when the org is not set.
 */
export function configuredScope(): ClientScope {
  return resolveScope(config, process.env);
}

/**
 * Forgets the stored config and every client (tests only). `options` apply to the clients
 * {@link getClient} builds from then on, e.g. `{ retry: { baseDelayMs: 1, maxDelayMs: 5 } }`.
 */
export function resetClientForTests(clientOptions?: AepClientOptions): void {
  config = undefined;
  transports.clear();
  clients.clear();
  options = clientOptions;
}
