/**
 * Spec lookups for a Pulumi program: `getConnectionSpec` and `getFlowSpec` read the live specs of
 * Flow Service, so a program never pastes a spec id it looked up with curl. They run in the
 * program (at `preview` too) with the settings the resources use: the `aep:*` stack config, then
 * the `AEP_*` environment variables.
 */
import * as pulumi from "@pulumi/pulumi";
import { createAepClient, resolveSettings, type ConfigSource } from "./client";
import type { AepClient, SpecCollection, SpecObject } from "./client/types";

/** A spec as a lookup returns it: the ids a resource needs, and the whole spec. */
export interface SpecResult {
  id: string;
  name: string;
  /** The spec's version, such as `"1.0"` (what `connectionSpec.version` takes). */
  version: string;
  /** Everything Flow Service returned (auth specs, source spec, transformation specs...). */
  spec: SpecObject;
}

export type ConnectionSpecQuery = { id: string } | { name: string };
export type FlowSpecQuery = { id: string } | { sourceSpecId: string; targetSpecId: string };

/**
 * A connection spec by id or by name (`"mailchimp-campaign"`), read from Flow Service.
 *
 * ```ts
 * const campaign = getConnectionSpec({ name: "mailchimp-campaign" });
 * new BaseConnection("account", { connectionSpec: { id: campaign.id, version: campaign.version }, ... });
 * ```
 * @throws (through the Output) when no spec matches, naming what was looked for and the closest names.
 */
export function getConnectionSpec(query: ConnectionSpecQuery): pulumi.Output<SpecResult> {
  return asOutput(programClient().then((client) => lookupConnectionSpec(client, query)));
}

/**
 * A flow spec by id, or the one that connects a source connection spec to a target one.
 *
 * ```ts
 * const flowSpec = getFlowSpec({ sourceSpecId: connectionSpecIds.mailchimpCampaign, targetSpecId: connectionSpecIds.dataLake });
 * ```
 * @throws (through the Output) when no flow spec matches, or several do.
 */
export function getFlowSpec(query: FlowSpecQuery): pulumi.Output<SpecResult> {
  return asOutput(programClient().then((client) => lookupFlowSpec(client, query)));
}

/** The result as an Output (the spec stays a plain object inside it, as Flow Service sent it). */
function asOutput(result: Promise<SpecResult>): pulumi.Output<SpecResult> {
  return pulumi.output(result) as unknown as pulumi.Output<SpecResult>;
}

/** The lookup behind {@link getConnectionSpec}, over any client. */
export async function lookupConnectionSpec(
  client: AepClient,
  query: ConnectionSpecQuery,
): Promise<SpecResult> {
  if ("id" in query) return byId(client, "connectionSpecs", "connection spec", query.id);
  const specs = await client.listSpecs("connectionSpecs");
  const found = specs.find((spec) => spec.name === query.name);
  if (found) return resultOf(found);
  throw new Error(
    `No connection spec is named "${query.name}"${closest(
      query.name,
      specs.map((spec) => ({ key: spec.name, shown: `"${spec.name}" (${spec.id})` })),
    )}`,
  );
}

/** The lookup behind {@link getFlowSpec}, over any client. */
export async function lookupFlowSpec(client: AepClient, query: FlowSpecQuery): Promise<SpecResult> {
  if ("id" in query) return byId(client, "flowSpecs", "flow spec", query.id);
  const { sourceSpecId, targetSpecId } = query;
  const specs = await client.listSpecs("flowSpecs");
  const accepts = (spec: SpecObject, member: string, id: string) =>
    Array.isArray(spec[member]) && (spec[member] as unknown[]).includes(id);
  const fromSource = specs.filter((spec) => accepts(spec, "sourceConnectionSpecIds", sourceSpecId));
  const matches = fromSource.filter((spec) =>
    accepts(spec, "targetConnectionSpecIds", targetSpecId),
  );
  const [only, ...others] = matches;
  if (only && others.length === 0) return resultOf(only);
  const looked = `from connection spec ${sourceSpecId} to ${targetSpecId}`;
  if (only) {
    throw new Error(
      `Several flow specs lead ${looked}: ${matches.map((spec) => `"${spec.name}" (${spec.id})`).join(", ")}. Look one up by id: getFlowSpec({ id }).`,
    );
  }
  const near = fromSource.length > 0 ? fromSource : specs;
  throw new Error(
    `No flow spec leads ${looked}. ` +
      (fromSource.length > 0
        ? `Flow specs from that source: ${near.map(describe).join(", ")}.`
        : `No flow spec reads that source; the flow specs are: ${near.map(describe).join(", ") || "none"}.`),
  );
}

function describe(spec: SpecObject): string {
  return `"${spec.name}" (${spec.id})`;
}

async function byId(
  client: AepClient,
  collection: SpecCollection,
  what: string,
  id: string,
): Promise<SpecResult> {
  const found = await client.getSpec(collection, id);
  if (found) return resultOf(found);
  const specs = await client.listSpecs(collection);
  throw new Error(
    `No ${what} has the id "${id}"${closest(
      id,
      specs.map((spec) => ({ key: spec.id, shown: `${spec.id} ("${spec.name}")` })),
    )}`,
  );
}

function resultOf(spec: SpecObject): SpecResult {
  return { id: spec.id, name: spec.name, version: String(spec.version ?? "1.0"), spec };
}

/** `: the closest are a, b, c.` by edit distance, or `.` when there is nothing to offer. */
function closest(wanted: string, candidates: Array<{ key: string; shown: string }>): string {
  const ranked = candidates
    .map((candidate) => ({
      ...candidate,
      distance: editDistance(wanted.toLowerCase(), candidate.key.toLowerCase()),
    }))
    .sort((a, b) => a.distance - b.distance)
    .slice(0, 3);
  return ranked.length === 0 ? "." : `: the closest are ${ranked.map((c) => c.shown).join(", ")}.`;
}

/** Levenshtein distance. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The program's stack config, read the way the provider reads the config it is handed. */
const programConfig: ConfigSource = { get: (key) => pulumi.runtime.getConfig(key) };

let clients: Map<string, AepClient> | undefined;

/** One client per settings for the program's lookups (its own token, requested on first use). */
async function programClient(): Promise<AepClient> {
  const settings = resolveSettings(programConfig, process.env);
  clients ??= new Map();
  const key = JSON.stringify(settings);
  let client = clients.get(key);
  if (!client) {
    client = createAepClient(settings);
    clients.set(key, client);
  }
  return client;
}
