/**
 * The remote side shared by the four Flow Service resources: create with POST, read with GET,
 * update with JSON Patch guarded by the etag, delete with DELETE. Each resource only says which
 * collection it lives in and how its inputs map to the payload.
 */
import type { AepClient, FlowServiceCollection, JsonPatchOperation } from "../client/types";
import type { FieldRule, RemoteObject, ResourceDefinition } from "./engine";
import { changedFields } from "./engine";
import {
  deepEqual,
  isPlainObject,
  projectInputs,
  valueAt,
  withoutUndefined,
  type PlainObject,
} from "./values";

/** A Flow Service resource: what every resource states, plus how it maps to its collection. */
interface FlowServiceDefinition<In extends PlainObject> extends Omit<
  ResourceDefinition<In>,
  "remote"
> {
  collection: FlowServiceCollection;
  /** Inputs that are not part of the Flow Service payload (a flow's `enabled`). */
  localOnly?: readonly (keyof In & string)[];
  /** Top-level inputs read back from GET (in the order of the schema). */
  inputKeys: readonly (keyof In & string)[];
  /** Adjusts the projected inputs (keeping masked secrets, say). */
  refineInputs?(
    projected: PlainObject,
    remote: PlainObject,
    previous: PlainObject | undefined,
  ): PlainObject;
  /** Outputs that come only from the service, in addition to the common ones. */
  extraOutputs?(remote: PlainObject): PlainObject;
  /** Steps after create, or for `action` fields on update. */
  applyActions?(client: AepClient, id: string, news: In, isCreate: boolean): Promise<void>;
  /** The spec reference that identifies a matching object when adopting after a lost response. */
  specPath: "connectionSpec.id" | "flowSpec.id";
}

/**
 * The outputs Flow Service adds to every object it stores (its `sandboxName` and `imsOrgId` are
 * the engine's location outputs, recorded from the request).
 */
export const FLOW_SERVICE_OUTPUTS = ["etag", "state", "createdAt", "updatedAt"] as const;

/** The resource definition of a Flow Service object. */
export function flowServiceDefinition<In extends PlainObject>(
  options: FlowServiceDefinition<In>,
): ResourceDefinition<In> {
  const {
    collection: _collection,
    localOnly: _localOnly,
    inputKeys: _inputKeys,
    refineInputs: _refineInputs,
    extraOutputs: _extraOutputs,
    applyActions: _applyActions,
    specPath: _specPath,
    ...definition
  } = options;
  return { ...definition, remote: flowServiceObject(options) };
}

function flowServiceObject<In extends PlainObject>(
  options: FlowServiceDefinition<In>,
): RemoteObject<In> {
  const { collection, fields } = options;

  const payload = (inputs: In): PlainObject => {
    const body: PlainObject = { ...inputs };
    for (const key of options.localOnly ?? []) delete body[key];
    return withoutUndefined(body);
  };

  const inputsFrom = (remote: PlainObject, previous: PlainObject | undefined): In => {
    const projected = projectInputs(remote, previous, options.inputKeys);
    return withoutUndefined(options.refineInputs?.(projected, remote, previous) ?? projected) as In;
  };

  const read = (client: AepClient, id: string) => client.get(collection, id);

  return {
    async create(client, inputs) {
      return (await client.create(collection, payload(inputs))).id;
    },

    async afterCreate(client, id, inputs) {
      await options.applyActions?.(client, id, inputs, true);
    },

    read,
    inputsFrom,

    outputsFrom(remote) {
      const common = Object.fromEntries(FLOW_SERVICE_OUTPUTS.map((key) => [key, remote[key]]));
      return { ...common, ...options.extraOutputs?.(remote) };
    },

    async update(client, id, olds, news, changed) {
      const operations = patchOperations(olds, news, changed);
      if (operations.length > 0) {
        const etag = String(olds.etag ?? "");
        try {
          await client.patch(collection, id, operations, etag);
        } catch (error) {
          if ((error as { status?: unknown }).status !== 412) throw error;
          await resolveStaleEtag(client, id, olds, news, operations);
        }
      }
      if (changed.some((rule) => rule.change === "action")) {
        await options.applyActions?.(client, id, news, false);
      }
    },

    async delete(client, id) {
      await client.delete(collection, id);
    },

    async findCreated(client, inputs, startedAt) {
      const name = String(inputs.name);
      const candidates = await client.list(collection, {
        property: [`name==${quoteFilterValue(name)}`],
      });
      const specPath = options.specPath.split(".");
      const matches = candidates.filter(
        (object) =>
          object.name === name &&
          deepEqual(valueAt(object, specPath), valueAt(inputs, specPath)) &&
          // Allow for clock skew between this machine and Adobe's.
          Number(object.createdAt ?? 0) >= startedAt - CLOCK_SKEW_MS,
      );
      return matches.length === 1 ? matches[0]?.id : undefined;
    },
  };

  /**
   * A 412 means the object's etag moved since the last `pulumi up` or `refresh`. Re-read it:
   * if it already holds the new values (a retried PATCH that had landed), we are done; if every
   * value the last known inputs declare is still as last known (only the etag moved, or a member
   * the program does not declare changed), patch again with the fresh etag; otherwise someone
   * changed a declared value outside Pulumi, and overwriting that blindly would lose it.
   */
  async function resolveStaleEtag(
    client: AepClient,
    id: string,
    olds: PlainObject,
    news: In,
    operations: JsonPatchOperation[],
  ): Promise<void> {
    const current = await read(client, id);
    if (!current) {
      throw new Error(
        `it was deleted outside Pulumi: run \`pulumi refresh\` to drop it from the state, then \`pulumi up\``,
      );
    }
    const patched = fields.filter((rule) => rule.change.startsWith("patch"));
    // Read back in the shape of what is now declared (a member the update adds included)...
    const applied = changedFields(patched, inputsFrom(current, { ...olds, ...news }), news);
    if (applied.length === 0) return;
    // ...and compared with what was declared before, which is all Pulumi owned until now.
    const drifted = changedFields(fields, olds, inputsFrom(current, olds)).map((rule) => rule.path);
    if (drifted.length === 0) {
      await client.patch(collection, id, operations, String(current.etag));
      return;
    }
    throw new Error(
      `${options.typeName} ${id} was changed outside Pulumi (${drifted.join(", ")} ` +
        `${drifted.length > 1 ? "differ" : "differs"} from the last known state), so Pulumi did not ` +
        `overwrite it: run \`pulumi refresh\` to take in the remote changes, then \`pulumi up\` again`,
    );
  }
}

/** Allow this much clock difference when recognising an object created by a lost request. */
const CLOCK_SKEW_MS = 5 * 60_000;

function quoteFilterValue(value: string): string {
  return /[,"\s]/.test(value) ? `"${value.replace(/"/g, '\\"')}"` : value;
}

/** The JSON Patch operations for exactly the changed paths. */
export function patchOperations(
  olds: PlainObject,
  news: PlainObject,
  changed: readonly FieldRule[],
): JsonPatchOperation[] {
  const operations: JsonPatchOperation[] = [];
  for (const rule of changed) {
    const path = rule.path.split(".");
    const before = valueAt(olds, path);
    const after = valueAt(news, path);
    if (rule.change === "patch") {
      pushOperation(operations, `/${path.join("/")}`, before, after);
    } else if (rule.change === "patch-elements") {
      pushElementOperations(operations, path, before, after);
    } else if (rule.change === "patch-members") {
      const oldMembers = isPlainObject(before) ? before : {};
      const newMembers = isPlainObject(after) ? after : {};
      for (const key of new Set([...Object.keys(oldMembers), ...Object.keys(newMembers)])) {
        if (!deepEqual(oldMembers[key], newMembers[key])) {
          pushOperation(
            operations,
            `/${[...path, key].join("/")}`,
            oldMembers[key],
            newMembers[key],
          );
        }
      }
    }
  }
  return operations;
}

/**
 * One `replace` of each changed element, the form Adobe's "Update dataflows" page uses for a
 * mapping version (`/transformations/<i>`); the whole array when elements are added or removed.
 */
function pushElementOperations(
  operations: JsonPatchOperation[],
  path: string[],
  before: unknown,
  after: unknown,
): void {
  const pointer = `/${path.join("/")}`;
  if (!Array.isArray(before) || !Array.isArray(after) || before.length !== after.length) {
    pushOperation(operations, pointer, before, after);
    return;
  }
  after.forEach((element, index) => {
    if (!deepEqual(before[index], element)) {
      operations.push({ op: "replace", path: `${pointer}/${index}`, value: element });
    }
  });
}

function pushOperation(
  operations: JsonPatchOperation[],
  pointer: string,
  before: unknown,
  after: unknown,
): void {
  if (after === undefined) operations.push({ op: "remove", path: pointer });
  else if (before === undefined) operations.push({ op: "add", path: pointer, value: after });
  else operations.push({ op: "replace", path: pointer, value: after });
}
