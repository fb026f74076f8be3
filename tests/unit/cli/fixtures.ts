// Exported deployments shaped like `pulumi stack export` after a killed run, and a recording
// stand-in for Adobe, for the planning and state-editing tests of aep-flow recover.
import type { ProviderRead, RecoveryAdobe } from "../../../provider/cli/recover/adobe";
import type { ResourceKind } from "../../../provider/cli/recover/kinds";
import type { Candidate } from "../../../provider/cli/recover/match";
import type { PendingOperation, StateResource } from "../../../provider/cli/recover/state";
import type { ExportedStack } from "../../../provider/cli/pulumi";

export const STACK_URN = "urn:pulumi:dev::pipelines::pulumi:pulumi:Stack::pipelines-dev";
export const PROVIDER_URN = "urn:pulumi:dev::pipelines::pulumi:providers:pulumi-nodejs::default";
export const PROVIDER_REF = `${PROVIDER_URN}::6a3c0c1e-6d27-4d7a-9f5e-0b1e0b8f7a11`;
export const STACK_CREATED = "2026-03-02T09:00:00.000000000Z";

/** A secret as the passphrase provider writes it. */
export const CIPHERTEXT = {
  "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
  ciphertext: "v1:Zm9vYmFy:c2VjcmV0",
};

export function urnOf(type: string, name: string): string {
  return `urn:pulumi:dev::pipelines::${type}::${name}`;
}

/** A resource of a dynamic type, as the engine records it. */
export function resource(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  extra: Partial<StateResource> = {},
): StateResource {
  return {
    urn: urnOf(type, name),
    custom: true,
    type,
    inputs: { __provider: "exports.handler = __f0;", ...inputs },
    parent: STACK_URN,
    provider: PROVIDER_REF,
    propertyDependencies: {},
    ...extra,
  };
}

export function deployment(
  resources: StateResource[],
  pending: PendingOperation[] = [],
): ExportedStack {
  return {
    version: 3,
    deployment: {
      manifest: { time: "2026-03-02T10:00:05Z", magic: "m", version: "v3.274.1" },
      secrets_providers: { type: "passphrase", state: { salt: "v1:abc" } },
      resources: [
        { urn: STACK_URN, custom: false, type: "pulumi:pulumi:Stack", created: STACK_CREATED },
        {
          urn: PROVIDER_URN,
          custom: true,
          id: "6a3c0c1e-6d27-4d7a-9f5e-0b1e0b8f7a11",
          type: "pulumi:providers:pulumi-nodejs",
        },
        ...resources,
      ],
      ...(pending.length > 0 ? { pending_operations: pending } : {}),
    },
  };
}

/** Adobe as recovery sees it: objects by type token, and what the provider reads for an id. */
export function fakeAdobe(
  objects: Record<string, Candidate[]>,
  reads: Record<string, ProviderRead> = {},
): RecoveryAdobe & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async candidates(kind: ResourceKind, name: string | undefined) {
      calls.push(`candidates ${kind.label}${name === undefined ? "" : ` ${name}`}`);
      return objects[kind.type] ?? [];
    },
    async read(kind: ResourceKind, id: string) {
      calls.push(`read ${kind.label} ${id}`);
      return reads[id];
    },
    async delete(kind: ResourceKind, id: string) {
      calls.push(`delete ${kind.label} ${id}`);
    },
  };
}
