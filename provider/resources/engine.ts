/**
 * The runtime behind every resource: the dynamic provider methods (`check`, `diff`, `create`,
 * `read`, `update`, `delete`) implemented once, driven by a per-resource definition. This module
 * runs inside Pulumi's provider process and is loaded there by package name, never serialized.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import {
  configureClient,
  configuredScope,
  getClient,
  SettingsError,
  type ClientScopeOverride,
} from "../client";
import type { ClientScope } from "../client/transport";
import type { AepClient } from "../client/types";
import { checkAdopt, notFoundMessage, refusalMessage, splitAdopt } from "./adoption";
import { PROVIDER_KEY } from "./providerText";
import { checkInputs } from "./validation";
import { deepEqual, valueAt, withoutUndefined, type PlainObject } from "./values";

/**
 * How a change of one input (or one part of an input, as a dotted path) is applied:
 * - `patch`: a JSON Patch operation on that path;
 * - `patch-members`: one operation per changed member of that object;
 * - `patch-elements`: one operation per changed element of that array (the whole array when its
 *   length changes);
 * - `action`: something other than a PATCH (a flow's enable/disable action);
 * - `replace`: Flow Service cannot change it, so Pulumi replaces the resource.
 */
type ChangeKind = "patch" | "patch-members" | "patch-elements" | "action" | "replace";

export interface FieldRule {
  path: string;
  change: ChangeKind;
  /**
   * A credential: Adobe masks it on read, so adoption cannot compare it (a declared value is
   * always written) and no message shows it.
   */
  secret?: boolean;
}

/** How one kind of remote object is created, read, changed and deleted. */
export interface RemoteObject<In extends PlainObject> {
  /** Creates the object and returns its id; throws if nothing was created. */
  create(client: AepClient, inputs: In): Promise<string>;
  /** Steps after the object exists (enabling state, say); a failure here still records the id. */
  afterCreate?(client: AepClient, id: string, inputs: In): Promise<void>;
  /**
   * Steps after an adopted object holds the declared values (a dataflow's first-run wait), given
   * the object as it was read before; resolves whether they changed what a read returns. A
   * failure here still records the id.
   */
  afterAdopt?(client: AepClient, id: string, inputs: In, live: PlainObject): Promise<boolean>;
  /** The resource id of an object read by the id given to `adopt` (a schema's `$id` for its `meta:altId`). */
  idOf?(remote: PlainObject): string;
  /**
   * The remote object, or undefined when it no longer exists. `known` are the last known outputs
   * when there are any (a refresh, an update).
   */
  read(client: AepClient, id: string, known?: PlainObject): Promise<PlainObject | undefined>;
  /**
   * The inputs the remote object corresponds to, shaped like `previous` (the last known inputs):
   * members Flow Service adds are dropped, and masked secrets keep their last known value.
   */
  inputsFrom(remote: PlainObject, previous: PlainObject | undefined): In;
  /** The outputs that come only from the service (etag, state, timestamps...). */
  outputsFrom(remote: PlainObject): PlainObject;
  /** Applies the changed, non-replacing fields. `olds` are the last known outputs. */
  update(
    client: AepClient,
    id: string,
    olds: PlainObject,
    news: In,
    changed: FieldRule[],
  ): Promise<void>;
  delete(client: AepClient, id: string): Promise<void>;
  /**
   * After a create whose outcome is unknown (the connection dropped, a 5xx), finds the object if
   * the create did land, so it is adopted rather than leaked.
   */
  findCreated?(client: AepClient, inputs: In, startedAt: number): Promise<string | undefined>;
}

export interface ResourceDefinition<In extends PlainObject> {
  /**
   * The name the resource's `__provider` text loads its provider by (providerText.ts). It is
   * stored in every stack's state: never rename one.
   */
  key: string;
  /** The type name: the type token's last part (`aep:BaseConnection`) and the one in messages. */
  typeName: string;
  schema: z.ZodType<In>;
  /** Every input, and what a change of it does. Inputs not listed here never cause a diff. */
  fields: readonly FieldRule[];
  remote: RemoteObject<In>;
  /** Replacement reasons that depend on more than a changed value (a schedule that has begun). */
  extraReplaces?(olds: PlainObject, news: In): string[];
  /**
   * Checks beyond the schema, once it passed: changes Adobe only allows one way (`olds` are the
   * last known inputs, empty on a create), and facts only Adobe knows (`client` reads them).
   */
  refineCheck?(
    inputs: In,
    olds: PlainObject,
    client: () => AepClient,
  ): Promise<pulumi.dynamic.CheckFailure[]>;
  /**
   * Inputs a program may leave out when it adopts, each with the fix `check` names when it does
   * so without `adopt`. Left out, the live value stays and is not owned: no diff, and no write.
   */
  optionalWhenAdopting?: Readonly<Record<string, string>>;
  /** How messages name the object when it has no `name` input (a schema's title). */
  label?(inputs: PlainObject): string | undefined;
  /**
   * Delete the old object before creating its replacement: Adobe refuses two objects with the
   * same value of a unique member (a schema's title).
   */
  deleteBeforeReplace?: boolean;
}

/**
 * Where an object lives: every resource records the sandbox and org it was created in, and reads,
 * updates and deletes it there, whatever the stack config says now. `check` adds the configured
 * ones to the inputs (so the engine shows a move as `[diff: ~sandboxName]`), and `diff` replaces
 * an object whose recorded location differs from them.
 */
export const LOCATION_OUTPUTS = ["sandboxName", "imsOrgId"] as const;

/** The sandbox and org recorded in a resource's outputs; either is absent in older state. */
function recordedLocation(props: PlainObject | undefined): ClientScopeOverride {
  const text = (value: unknown) =>
    typeof value === "string" && value.trim() !== "" ? value : undefined;
  return { sandboxName: text(props?.sandboxName), orgId: text(props?.imsOrgId) };
}

/** Where the object of `props` lives: as recorded, and as configured for what state lacks. */
function locationOf(props: PlainObject | undefined): ClientScope {
  const { sandboxName, orgId } = recordedLocation(props);
  if (sandboxName !== undefined && orgId !== undefined) return { sandboxName, orgId };
  const configured = configuredScope();
  return { sandboxName: sandboxName ?? configured.sandboxName, orgId: orgId ?? configured.orgId };
}

/** The location as inputs: what `check` adds, and `read` returns, next to the user's inputs. */
function locationInputs(location: ClientScope): PlainObject {
  return { sandboxName: location.sandboxName, imsOrgId: location.orgId };
}

/**
 * The configured location, or nothing when the org is not set: then `check` adds nothing, and
 * the first call fails with the SettingsError that names the setting.
 */
function configuredLocation(): PlainObject {
  try {
    return locationInputs(configuredScope());
  } catch (error) {
    if (error instanceof SettingsError) return {};
    throw error;
  }
}

/**
 * The location members whose recorded value (`olds`) differs from the configured one (`news`,
 * from `check`): the object lives elsewhere than the stack now points, so it is replaced (created
 * where configured, then deleted where it was) rather than read, updated or dropped elsewhere.
 */
function movedLocation(olds: PlainObject, news: PlainObject): string[] {
  const recorded = recordedLocation(olds);
  const configured = recordedLocation(news);
  return (["sandboxName", "orgId"] as const)
    .filter(
      (key) =>
        recorded[key] !== undefined &&
        configured[key] !== undefined &&
        recorded[key] !== configured[key],
    )
    .map((key) => (key === "orgId" ? "imsOrgId" : key));
}

/** Thrown from `create` when the object exists but a later step failed: the engine keeps its id. */
class ResourceInitializationError extends Error {
  override name = "ResourceInitializationError";
  constructor(
    message: string,
    readonly id: string,
    readonly properties: PlainObject,
    readonly reasons: string[],
  ) {
    super(message);
  }
}

/** The properties without the location members (which no resource has as an argument). */
function withoutLocation(props: PlainObject): PlainObject {
  const { sandboxName: _sandbox, imsOrgId: _org, ...rest } = props;
  return rest;
}

/** The inputs the user declared, without the `__provider` text and the location: `adopt`, and the rest. */
function userInputs<In extends PlainObject>(props: PlainObject): { adopt: unknown; inputs: In } {
  const { [PROVIDER_KEY]: _provider, ...declared } = withoutLocation(props);
  const { adopt, rest } = splitAdopt(declared);
  return { adopt, inputs: rest as In };
}

/** The fields whose values differ between the last known state and the proposed inputs. */
export function changedFields(
  fields: readonly FieldRule[],
  olds: PlainObject,
  news: PlainObject,
): FieldRule[] {
  return fields.filter((rule) => {
    const path = rule.path.split(".");
    return !deepEqual(valueAt(olds, path), valueAt(news, path));
  });
}

/**
 * Builds the dynamic provider methods for one resource definition. `kinds` are every resource's
 * definitions: an id given to `adopt` that is not of this kind is looked up among the others,
 * so the error can say what it is.
 */
export function implementResource<In extends PlainObject>(
  definition: ResourceDefinition<In>,
  kinds: readonly ResourceDefinition<PlainObject>[] = [],
): Required<pulumi.dynamic.ResourceProvider> {
  const { typeName, schema, fields, remote } = definition;
  const named = (inputs: PlainObject | undefined, id?: string) =>
    `${typeName} "${String(
      (inputs && definition.label?.(inputs)) ?? inputs?.name ?? "",
    )}"${id ? ` (${id})` : ""}`;
  const describe = (action: string, inputs: PlainObject | undefined, id?: string) =>
    `${action} ${named(inputs, id)}`;

  // The service's outputs first: a declared input wins over what the service reports of it (a
  // base connection's recorded auth type, when `auth` is declared).
  const outputs = (
    inputs: In,
    remoteObject: PlainObject,
    location: ClientScope,
    adopt: unknown,
  ): PlainObject =>
    withoutUndefined({
      ...remote.outputsFrom(remoteObject),
      ...withoutUndefined(inputs),
      adopt,
      sandboxName: location.sandboxName,
      imsOrgId: location.orgId,
    });

  /**
   * Inputs read from Adobe, normalized as `check` normalizes declared ones (defaults, numbers
   * Flow Service echoes as strings), so they compare like with like; a remote value the schema
   * refuses is kept as it is.
   */
  const normalized = (projected: PlainObject): PlainObject => {
    const parsed = schema.safeParse(projected);
    return parsed.success ? parsed.data : projected;
  };

  /** A field of an input adoption may leave out, left out: the live value stays, so no change. */
  const keptWhenAbsent = (rule: FieldRule, news: PlainObject) => {
    const path = rule.path.split(".");
    return (
      definition.optionalWhenAdopting?.[path[0] ?? ""] !== undefined &&
      valueAt(news, path) === undefined
    );
  };
  /** The fields the proposed inputs change. */
  const declaredChanges = (olds: PlainObject, news: In) =>
    changedFields(fields, olds, news).filter((rule) => !keptWhenAbsent(rule, news));
  /**
   * What adopting changes: what an update from the live values would, and every declared
   * credential, which Adobe masks on read, so it cannot be compared.
   */
  const adoptionChanges = (live: PlainObject, news: In) => {
    const changed = declaredChanges(live, news);
    return fields.filter(
      (rule) =>
        changed.includes(rule) ||
        (rule.secret && valueAt(news, rule.path.split(".")) !== undefined),
    );
  };

  /** Without `adopt`, the inputs only adoption may leave out are required. */
  const missingUnlessAdopting = (adopt: unknown, inputs: PlainObject) =>
    adopt !== undefined
      ? []
      : Object.entries(definition.optionalWhenAdopting ?? {})
          .filter(([key]) => inputs[key] === undefined)
          .map(([key, fix]) => ({
            property: key,
            reason: `${typeName} ${key} is required: ${fix}`,
          }));

  /** The other kind an id belongs to, by reading it as each; errors count as "not that kind". */
  const kindOf = async (client: AepClient, id: string): Promise<string | undefined> => {
    const others = kinds.filter((kind) => kind.key !== definition.key);
    const found = await Promise.all(
      others.map((kind) =>
        kind.remote.read(client, id).then(
          (object) => (object ? kind.typeName : undefined),
          () => undefined,
        ),
      ),
    );
    return found.find((name) => name !== undefined);
  };

  /**
   * `create` with `adopt`: reads the object instead of POSTing one. Any difference only a new
   * object could make refuses, before any write; the other differences are applied by the same
   * `update` an update uses (nothing when nothing differs); then the outputs are a create's.
   */
  const adoptExisting = async (
    adopt: string,
    inputs: In,
    props: PlainObject,
  ): Promise<pulumi.dynamic.CreateResult> => {
    let client: AepClient;
    let location: ClientScope;
    let live: PlainObject;
    let id: string;
    let known: PlainObject;
    let written: boolean;
    try {
      location = configuredScope();
      client = getClient();
      const found = await remote.read(client, adopt);
      if (!found) {
        throw new Error(notFoundMessage(typeName, adopt, location, await kindOf(client, adopt)));
      }
      live = found;
      id = remote.idOf?.(live) ?? adopt;
      // Read in the shape of the declared inputs.
      const liveInputs = normalized(remote.inputsFrom(live, inputs));
      const differing = adoptionChanges(liveInputs, inputs);
      const refused = [
        ...differing.filter((rule) => rule.change === "replace").map((rule) => rule.path),
        ...(definition.extraReplaces?.(liveInputs, inputs) ?? []),
      ];
      if (refused.length > 0) {
        throw new Error(
          refusalMessage(typeName, location, [...new Set(refused)], liveInputs, inputs, fields),
        );
      }
      const changes = differing.filter((rule) => rule.change !== "replace");
      // What an update would find in the state of a resource holding the live object.
      known = { ...remote.outputsFrom(live), ...liveInputs };
      written = changes.length > 0;
      if (written) await remote.update(client, id, known, inputs, changes);
    } catch (error) {
      // Nothing of the object is recorded: the next `up` adopts it again, from what it is then.
      throw withContext(describe("Adopting", inputs, adopt), error);
    }
    try {
      const changedReads = (await remote.afterAdopt?.(client, id, inputs, live)) ?? false;
      const current = written || changedReads ? await remote.read(client, id, known) : live;
      if (!current) throw new Error(`it was not found right after it was adopted`);
      return { id, outs: outputs(inputs, current, location, adopt) };
    } catch (error) {
      const message = withContext(describe("Finishing the adoption of", inputs, id), error).message;
      throw new ResourceInitializationError(message, id, withoutUndefined({ ...props }), [message]);
    }
  };

  return {
    async configure(req) {
      configureClient(req.config);
    },

    async check(olds, news) {
      const { adopt, rest } = splitAdopt(withoutLocation(news));
      const checked = checkInputs(typeName, schema, rest);
      const failures = [
        ...(checked.failures ?? []),
        ...missingUnlessAdopting(adopt, rest),
        ...checkAdopt(typeName, adopt),
      ];
      if (!checked.inputs || failures.length > 0) return { failures };
      if (definition.refineCheck) {
        // Inputs that are not all known yet (preview) are checked again once they are.
        const parsed = schema.safeParse(userInputs<In>(checked.inputs).inputs);
        if (parsed.success) {
          const refined = await definition.refineCheck(
            parsed.data,
            userInputs(olds).inputs,
            getClient,
          );
          if (refined.length > 0) return { failures: refined };
        }
      }
      return {
        inputs: { ...checked.inputs, ...withoutUndefined({ adopt }), ...configuredLocation() },
      };
    },

    // `adopt` is in no field table: a changed value is no diff (it is read only at create).
    async diff(id, olds, news) {
      const { adopt, inputs: proposed } = userInputs<In>(news);
      const changed = declaredChanges(olds, proposed);
      const replaces = [
        ...changed.filter((rule) => rule.change === "replace").map((rule) => rule.path),
        ...(definition.extraReplaces?.(olds, proposed) ?? []),
        ...movedLocation(olds, news),
      ];
      if (replaces.length > 0 && adopt !== undefined) {
        // The replacement's create would get `adopt` too, and take over an existing object again
        // (the one being replaced) instead of creating one, as Pulumi refuses to replace a
        // resource that still declares `import`.
        throw new Error(
          `${named(proposed, id)} must be replaced (${[...new Set(replaces)].join(", ")} changed), ` +
            `but it still declares adopt, so its replacement would take over an existing object ` +
            `instead of creating a new one. adopt only matters when a resource is first created: ` +
            `remove it from the program, then run this again`,
        );
      }
      return {
        changes: changed.length > 0 || replaces.length > 0,
        replaces: [...new Set(replaces)],
        deleteBeforeReplace: replaces.length > 0 && definition.deleteBeforeReplace === true,
      };
    },

    async create(props) {
      const { adopt, inputs } = userInputs<In>(props);
      if (adopt !== undefined) return adoptExisting(String(adopt), inputs, props);
      const startedAt = Date.now();
      let client: AepClient;
      let id: string;
      let location: ClientScope;
      try {
        location = configuredScope();
        client = getClient();
        id = await remote.create(client, inputs);
      } catch (error) {
        const adopted = isAmbiguousWrite(error)
          ? await remote.findCreated?.(getClient(), inputs, startedAt).catch(() => undefined)
          : undefined;
        if (!adopted) throw withContext(describe("Creating", inputs), error);
        id = adopted;
        location = configuredScope();
        client = getClient();
      }
      try {
        await remote.afterCreate?.(client, id, inputs);
        const created = await remote.read(client, id);
        if (!created) throw new Error(`it was not found right after it was created`);
        return { id, outs: outputs(inputs, created, location, undefined) };
      } catch (error) {
        const message = withContext(
          describe("Finishing the creation of", inputs, id),
          error,
        ).message;
        // The properties become the state's outputs: they keep `__provider`, without which the
        // next update or delete could not load the provider.
        throw new ResourceInitializationError(message, id, withoutUndefined({ ...props }), [
          message,
        ]);
      }
    },

    async read(id, props) {
      let current: PlainObject | undefined;
      let location: ClientScope;
      try {
        location = locationOf(props);
        current = await remote.read(getClient(location), id, props);
      } catch (error) {
        throw withContext(describe("Reading", props, id), error, RECORDED_SETTINGS_HINT);
      }
      // A blank id tells the engine the object is gone, so it leaves the state.
      if (!current) return { id: "" };
      const { adopt, inputs: previous } = userInputs<In>(props ?? {});
      const inputs = normalized(
        remote.inputsFrom(current, Object.keys(previous).length > 0 ? previous : undefined),
      ) as In;
      return {
        id,
        props: outputs(inputs, current, location, adopt),
        inputs: withoutUndefined({ ...inputs, adopt, ...locationInputs(location) }),
      };
    },

    async update(id, olds, news) {
      const { adopt, inputs: proposed } = userInputs<In>(news);
      const changed = declaredChanges(olds, proposed).filter((rule) => rule.change !== "replace");
      try {
        const location = locationOf(olds);
        const client = getClient(location);
        if (changed.length > 0) await remote.update(client, id, olds, proposed, changed);
        const current = await remote.read(client, id, olds);
        if (!current) {
          throw new Error(
            "it no longer exists in Adobe Experience Platform: run `pulumi refresh` to drop it from " +
              "the state, then `pulumi up` to create it again",
          );
        }
        return { outs: outputs(proposed, current, location, adopt) };
      } catch (error) {
        throw withContext(describe("Updating", proposed, id), error);
      }
    },

    async delete(id, props) {
      try {
        await remote.delete(getClient(locationOf(props)), id);
      } catch (error) {
        throw withContext(describe("Deleting", props, id), error, RECORDED_SETTINGS_HINT);
      }
    },
  };
}

/** A write whose outcome is unknown: the request may have been applied before it failed. */
function isAmbiguousWrite(error: unknown): boolean {
  const e = error as { status?: unknown; code?: unknown };
  if (typeof e?.status !== "number") return false;
  // A refused connection never reached Adobe; any other network failure may have.
  if (e.status === 0) return e.code !== "ECONNREFUSED";
  return e.status >= 500;
}

/**
 * Why a credential that is right in the stack config can be refused while reading or deleting:
 * without the program, the engine configures the provider with the stack config it recorded in
 * the state at the last `pulumi up` (and that recorded config wins over `AEP_*` variables).
 */
const RECORDED_SETTINGS_HINT =
  "Unless the program ran, `pulumi refresh`, `pulumi destroy` and `pulumi up --refresh` use the " +
  "settings recorded in the state at the last `pulumi up`, not the current stack config: after " +
  "changing a credential, run `pulumi up` first, or pass `--run-program` (`pulumi refresh " +
  "--run-program`, `pulumi destroy --run-program`), which uses the current stack config.";

/**
 * Prefixes an error's message with what was being done, keeping the original as the cause;
 * `authHint` is added when Adobe refused the credential (401, from IMS or the gateway).
 */
function withContext(context: string, error: unknown, authHint?: string): Error {
  const message = error instanceof Error ? error.message : String(error);
  const refused = (error as { status?: unknown } | undefined)?.status === 401;
  const hint = authHint && refused ? ` ${authHint}` : "";
  const wrapped = new Error(`${context} failed: ${message}${hint}`, { cause: error });
  wrapped.name = error instanceof Error ? error.name : "Error";
  return wrapped;
}
