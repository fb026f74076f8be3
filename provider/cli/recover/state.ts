/**
 * The parts of an exported Pulumi deployment (`pulumi stack export`, schema version 3) that
 * recovery reads and writes. Everything else in the deployment is carried through untouched.
 */
import type { ExportedStack } from "../pulumi";

export type PlainObject = Record<string, unknown>;

/** A resource of the snapshot, or the resource of a pending operation. */
export interface StateResource extends PlainObject {
  urn: string;
  type: string;
  id?: string;
  inputs?: PlainObject;
  outputs?: PlainObject;
  /** Set on the old copy of a resource being replaced: the next update deletes it. */
  delete?: boolean;
  additionalSecretOutputs?: string[];
  /** When Pulumi created the resource (RFC 3339). */
  created?: string;
  modified?: string;
}

/** `creating`, `updating`, `deleting`, `reading`, `importing`... */
export interface PendingOperation {
  resource: StateResource;
  type: string;
}

/**
 * How the state marks a secret: an object with this signature key. `ciphertext` is what the stack's
 * secrets provider wrote; `plaintext` (a JSON text) is accepted by `pulumi stack import`, which
 * encrypts it with the stack's secrets provider before saving.
 */
const SECRET_SIGNATURE_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";

export function isSecretValue(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as PlainObject)[SECRET_SIGNATURE_KEY] === SECRET_SIGNATURE
  );
}

/** A value to be stored as a secret; Pulumi encrypts it during `pulumi stack import`. */
export function plaintextSecret(value: unknown): PlainObject {
  return { [SECRET_SIGNATURE_KEY]: SECRET_SIGNATURE, plaintext: JSON.stringify(value) };
}

export function resourcesOf(exported: ExportedStack): StateResource[] {
  const resources = exported.deployment.resources;
  return Array.isArray(resources) ? (resources as StateResource[]) : [];
}

export function pendingOperationsOf(exported: ExportedStack): PendingOperation[] {
  const pending = exported.deployment.pending_operations;
  return Array.isArray(pending) ? (pending as PendingOperation[]) : [];
}

/** The resource's name in the program: the last segment of its URN. */
export function resourceName(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

/** When the stack itself was first created (its Stack resource's `created`), epoch ms. */
export function stackCreatedAt(exported: ExportedStack): number | undefined {
  const stack = resourcesOf(exported).find((r) => r.type === "pulumi:pulumi:Stack");
  const time = Date.parse(String(stack?.created ?? ""));
  return Number.isFinite(time) ? time : undefined;
}
