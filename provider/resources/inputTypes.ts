/**
 * Types that turn a zod input type into Pulumi's argument conventions: every property, at every
 * depth, accepts a plain value, a promise or an Output.
 */
import type * as pulumi from "@pulumi/pulumi";

export type DeepInput<T> = pulumi.Input<Plain<T>>;

/** `T` with every nested member accepting inputs (distributes over unions such as boolean). */
type Plain<T> = T extends readonly (infer Item)[]
  ? DeepInput<Item>[]
  : T extends Record<string, unknown>
    ? { [K in keyof T]: DeepInput<T[K]> }
    : T;

/** The `Args` of a resource: its top level is a plain object, as Pulumi users expect. */
export type ResourceArgs<T> = { [K in keyof T]: DeepInput<T[K]> };

/** Declares output slots: the engine only fills properties present in the registered bag. */
export function outputSlots(...names: string[]): Record<string, undefined> {
  return Object.fromEntries(names.map((name) => [name, undefined]));
}

/** Adds `names` to the secret outputs of a resource, keeping any the caller asked for. */
export function withSecretOutputs(
  opts: pulumi.CustomResourceOptions | undefined,
  ...names: string[]
): pulumi.CustomResourceOptions {
  return { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...names] };
}

/** The outputs Flow Service adds to every object it stores. */
export const FLOW_SERVICE_OUTPUTS = [
  "etag",
  "state",
  "createdAt",
  "updatedAt",
  "sandboxName",
  "imsOrgId",
] as const;
