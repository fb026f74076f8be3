/**
 * The state after recovery, computed from the exported deployment: the pending operations that
 * were dealt with removed, and each adopted object written as the resource its create was for.
 */
import type { ExportedStack } from "../pulumi";
import type { ProviderRead } from "./adobe";
import {
  isSecretValue,
  pendingOperationsOf,
  plaintextSecret,
  resourcesOf,
  type PlainObject,
  type StateResource,
} from "./state";

/** An interrupted create whose object goes into the state. */
export interface Adoption {
  /** Position of its pending operation in `pending_operations`. */
  index: number;
  id: string;
  outputs: PlainObject;
}

/**
 * What the state records for an adopted object: the provider's read of it (its outputs, and the
 * declared inputs as Adobe holds them, exactly what a `pulumi refresh` would record), with the
 * values the read cannot give taken from the interrupted create's inputs: the serialized
 * provider and secrets, which stay encrypted as the stack's secrets provider wrote them.
 */
export function adoptedOutputs(pending: StateResource, read: ProviderRead): PlainObject {
  const inputs = pending.inputs ?? {};
  const outputs: PlainObject = { ...read.props };
  for (const [key, value] of Object.entries(inputs)) {
    if (key === "__provider" || isSecretValue(value)) outputs[key] = value;
  }
  // A secret output without a secret input (none today): Pulumi encrypts it on import.
  for (const key of pending.additionalSecretOutputs ?? []) {
    if (outputs[key] !== undefined && !isSecretValue(outputs[key])) {
      outputs[key] = plaintextSecret(outputs[key]);
    }
  }
  return outputs;
}

/** The inputs to hand the provider's `read`: what the create declared, less what it cannot read. */
export function readableInputs(pending: StateResource): PlainObject {
  return Object.fromEntries(
    Object.entries(pending.inputs ?? {}).filter(
      ([key, value]) => key !== "__provider" && !isSecretValue(value),
    ),
  );
}

/**
 * The deployment with the pending operations at `resolved` removed and the adoptions added.
 * An adopted resource goes after every resource already in the state, so whatever it depends
 * on (parent, provider, dependencies: all created before its create began) comes first. When the
 * state still holds a live resource with the same URN, the create was a replacement: that old
 * resource is marked for deletion, as the engine does once a replacement exists, and the next
 * `pulumi up` deletes it.
 */
export function recoveredState(
  exported: ExportedStack,
  resolved: readonly number[],
  adoptions: readonly Adoption[],
  now: Date,
): ExportedStack {
  const copy = structuredClone(exported);
  const pending = pendingOperationsOf(copy);
  const resources = resourcesOf(copy);
  const time = now.toISOString();
  for (const adoption of adoptions) {
    const operation = pending[adoption.index];
    if (!operation || operation.type !== "creating") {
      throw new Error(`recoveredState: pending operation ${adoption.index} is not a create`);
    }
    const replaced = resources.find((r) => r.urn === operation.resource.urn && !r.delete);
    if (replaced) replaced.delete = true;
    resources.push({
      ...operation.resource,
      id: adoption.id,
      outputs: adoption.outputs,
      created: time,
      modified: time,
    });
  }
  const done = new Set([...resolved, ...adoptions.map((a) => a.index)]);
  const remaining = pending.filter((_, index) => !done.has(index));
  copy.deployment.resources = resources;
  if (remaining.length > 0) copy.deployment.pending_operations = remaining;
  else delete copy.deployment.pending_operations;
  return copy;
}
