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
export type ResourceArgs<T> = { [K in keyof T]: DeepInput<T[K]> } & AdoptArgs;

/** The argument every resource takes, next to its own (see the README, "Adopting existing objects"). */
export interface AdoptArgs {
  /**
   * The id of an object that already exists in the configured sandbox (made in the Experience
   * Platform UI, say): when the resource is created, Pulumi takes that object over instead of
   * creating a new one. Read only then: a changed value on a resource the stack holds is no diff.
   */
  adopt?: pulumi.Input<string>;
}

/** Adds `names` to the secret outputs of a resource, keeping any the caller asked for. */
export function withSecretOutputs(
  opts: pulumi.CustomResourceOptions | undefined,
  ...names: string[]
): pulumi.CustomResourceOptions {
  return { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...names] };
}
