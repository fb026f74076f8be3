/**
 * The provider methods as they run inside Pulumi's provider process. Each resource's `__provider`
 * text (resources/providerText.ts) loads this module by package name, `pulumi-aep-flow/runtime`,
 * and asks it for one provider, so this is the only code path between the state and Adobe's API.
 */
import type * as pulumi from "@pulumi/pulumi";
import * as semver from "semver";
import { implementResource, type ResourceDefinition } from "./resources/engine";
import { PACKAGE_NAME, PACKAGE_ROOT, PACKAGE_VERSION } from "./resources/packageCopy";
import * as registry from "./resources/registry";
import type { PlainObject } from "./resources/values";

type Provider = Required<pulumi.dynamic.ResourceProvider>;

const definitions: readonly ResourceDefinition<PlainObject>[] = Object.values(registry).map(
  (resource) => resource.definition,
);
const providers = new Map<string, Provider>();
for (const definition of definitions) {
  if (providers.has(definition.key)) {
    throw new Error(`two resources of the registry have the key "${definition.key}"`);
  }
  providers.set(definition.key, implementResource(definition, definitions));
}

/**
 * The provider of the resource registered under `key`, for a resource that the package's copy of
 * version `declaringVersion` declared. When that is another copy than this one:
 * - this copy is newer (the program upgraded; the state still holds texts of the older release):
 *   reading, diffing, updating and deleting run today's code, and only `check` refuses, since it
 *   runs at preview and a new declaration must be run by the copy that declared it;
 * - this copy is older (a downgrade, or a library's newer copy shadowed by an older one at the
 *   program's root): every method refuses, so `refresh` and `destroy` never run older code than
 *   the code that wrote the resource.
 */
export function provider(key: string, declaringVersion: string): Provider {
  if (declaringVersion === PACKAGE_VERSION) return registered(key);
  const reason = copyMismatch(declaringVersion);
  const found = providers.get(key);
  // A resource this copy does not have: the declaring copy is newer.
  if (!found) throw new Error(reason);
  const refuse = async (): Promise<never> => {
    throw new Error(reason);
  };
  if (isOlderThanDeclaring(declaringVersion)) {
    return {
      ...found,
      check: async () => ({ failures: [{ property: "", reason }] }),
      diff: refuse,
      create: refuse,
      read: refuse,
      update: refuse,
      delete: refuse,
    };
  }
  return { ...found, check: async () => ({ failures: [{ property: "", reason }] }) };
}

/** Whether this copy is older than the declaring one; an unparsable version counts as newer. */
function isOlderThanDeclaring(declaringVersion: string): boolean {
  const declared = semver.valid(declaringVersion);
  return declared !== null && semver.lt(PACKAGE_VERSION, declared);
}

function registered(key: string): Provider {
  const found = providers.get(key);
  if (!found) throw new Error(`${PACKAGE_NAME} ${PACKAGE_VERSION} has no resource "${key}"`);
  return found;
}

function copyMismatch(declaringVersion: string): string {
  const install = `${PACKAGE_NAME}@${declaringVersion}`;
  return (
    `declared with ${PACKAGE_NAME} ${declaringVersion}, but Pulumi's provider process loaded ` +
    `${PACKAGE_NAME} ${PACKAGE_VERSION} from ${PACKAGE_ROOT}, and one copy must both declare and ` +
    `run a resource: install the declaring version in the program (npm install ${install}, or ` +
    `pnpm add ${install}); a library built on ${PACKAGE_NAME} declares it as a peerDependency, ` +
    `not a dependency`
  );
}

// State written before the `__provider` texts named a version holds one-liners such as
// `require("pulumi-aep-flow/runtime").base.check(...a)`: these names must stay.
export const base = registered("base");
export const source = registered("source");
export const target = registered("target");
export const dataflow = registered("dataflow");
export const dataset = registered("dataset");
