/**
 * The base class of every resource: a custom resource of Pulumi's Node.js dynamic provider,
 * registered the way `pulumi.dynamic.Resource` does it, except that its `__provider` is the short
 * text of providerText.ts instead of a serialized closure.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ResourceDefinition } from "./engine";
import { PROVIDER_KEY, providerText } from "./providerText";

export interface OutputSlots {
  /** Inputs the caller may leave out, which still need an output slot. */
  optionalInputs?: readonly string[];
  /** Outputs that only the service sets. */
  outputs?: readonly string[];
}

/** What the program side needs of a definition: the type token and the `__provider` text. */
export type ResourceIdentity = Pick<ResourceDefinition<never>, "key" | "typeName">;

export abstract class AepResource extends pulumi.CustomResource {
  protected constructor(
    definition: ResourceIdentity,
    name: string,
    args: object,
    opts: pulumi.CustomResourceOptions | undefined,
    slots: OutputSlots,
  ) {
    super(
      `pulumi-nodejs:dynamic/aep:${definition.typeName}`,
      name,
      {
        // The engine only fills the properties present in the registered bag.
        ...outputSlots(...(slots.optionalInputs ?? [])),
        ...args,
        ...outputSlots(...(slots.outputs ?? [])),
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
