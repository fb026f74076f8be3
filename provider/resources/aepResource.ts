/**
 * The base class of every resource: a custom resource of Pulumi's Node.js dynamic provider,
 * registered the way `pulumi.dynamic.Resource` does it, except that its `__provider` is the short
 * text of providerText.ts instead of a serialized closure.
 */
import * as pulumi from "@pulumi/pulumi";
import { SETTINGS } from "../client/settings";
import { LOCATION_OUTPUTS, type ResourceDefinition } from "./engine";
import { PROVIDER_KEY, providerText } from "./providerText";

export interface OutputSlots {
  /** Inputs the caller may leave out, which still need an output slot. */
  optionalInputs?: readonly string[];
  /** Outputs that only the service sets. */
  outputs?: readonly string[];
}

/** What the program side needs of a definition: the type token and the `__provider` text. */
export type ResourceIdentity = Pick<ResourceDefinition<never>, "key" | "typeName">;

/**
 * The prefix of every resource's type token: Pulumi's Node.js dynamic provider, then our type
 * name (`pulumi-nodejs:dynamic/aep:Dataflow`). Stored in every stack's state: never change it.
 */
export const TYPE_PREFIX = "pulumi-nodejs:dynamic/aep:";

export abstract class AepResource extends pulumi.CustomResource {
  /** The sandbox the object was created in, and is read, updated and deleted in. */
  declare readonly sandboxName: pulumi.Output<string>;
  /** The IMS organization the object was created in. */
  declare readonly imsOrgId: pulumi.Output<string>;

  protected constructor(
    definition: ResourceIdentity,
    name: string,
    args: object,
    opts: pulumi.CustomResourceOptions | undefined,
    slots: OutputSlots,
  ) {
    refusePlainTextCredentials();
    super(
      `${TYPE_PREFIX}${definition.typeName}`,
      name,
      {
        // The engine only fills the properties present in the registered bag.
        ...outputSlots(...(slots.optionalInputs ?? [])),
        ...args,
        ...outputSlots(...LOCATION_OUTPUTS, ...(slots.outputs ?? [])),
        [PROVIDER_KEY]: providerText(definition.key),
      },
      opts,
    );
  }
}

/** Declares output slots: properties the engine will fill from the provider's answer. */
function outputSlots(...names: readonly string[]): Record<string, undefined> {
  return Object.fromEntries(names.map((name) => [name, undefined]));
}

/** The stack config keys of the credential settings (`aep:clientSecret`, `aep:accessToken`). */
const CREDENTIAL_KEYS: readonly string[] = Object.values(SETTINGS)
  .filter((spec) => "secret" in spec && spec.secret)
  .map((spec) => spec.config);

/**
 * The credential settings held in plain text in `config` (the stack config as the program sees
 * it), each with the command that stores it encrypted instead.
 */
export function plainTextCredentials(
  config: Record<string, string>,
  isSecret: (key: string) => boolean,
): string[] {
  return CREDENTIAL_KEYS.filter((key) => config[key] !== undefined && !isSecret(key));
}

/**
 * Pulumi records the stack config with the provider in the state, so a credential set without
 * `--secret` would be stored there, and in every backup of it, in plain text. Refuse it in the
 * program, before any resource is registered: `pulumi preview` fails, and nothing is written.
 */
function refusePlainTextCredentials(): void {
  // `isConfigSecret` is exported by @pulumi/pulumi's runtime but left out of its typings.
  const runtime = pulumi.runtime as typeof pulumi.runtime & {
    isConfigSecret?: (key: string) => boolean;
  };
  if (typeof runtime.isConfigSecret !== "function") return;
  const plain = plainTextCredentials(runtime.allConfig(), runtime.isConfigSecret);
  if (plain.length === 0) return;
  throw new Error(
    `${plain.map((key) => `\`${key}\``).join(" and ")} ${plain.length > 1 ? "are" : "is"} set in ` +
      `plain text in the stack config, so Pulumi would store ${plain.length > 1 ? "them" : "it"} ` +
      `unencrypted in the state and its history: store ${plain.length > 1 ? "each" : "it"} as a ` +
      `secret with ${plain.map((key) => `\`pulumi config set --secret ${key} <value>\``).join(" and ")}, ` +
      `then run this command again.`,
  );
}
