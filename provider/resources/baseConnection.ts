/**
 * `aep:BaseConnection`: the authenticated account of a source (Flow Service `/connections`).
 * Its `auth` holds credentials: it is always stored as a secret, and the API masks it on read.
 * An adopted account may leave `auth` out: it keeps its live credentials.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { FieldRule } from "./engine";
import { flowServiceDefinition } from "./flowServiceObject";
import { withSecretOutputs, type ResourceArgs } from "./inputTypes";
import { FlowServiceResource } from "./flowServiceResource";
import { KNOWN_CONNECTION_SPECS, findAuthType } from "./specCatalog";
import { checkKnownAuth, parameterMap, requiredString, specReference } from "./validation";
import { isPlainObject, type PlainObject } from "./values";

const schema = z
  .object({
    name: requiredString("name the account as it should appear in Experience Platform"),
    description: z.string().optional(),
    connectionSpec: specReference("connection spec"),
    /** Required, unless `adopt` is set (the engine checks that: `optionalWhenAdopting`). */
    auth: z
      .object({
        specName: requiredString(`the authentication type, such as "Basic Authentication"`),
        params: parameterMap,
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((inputs, ctx) => {
    if (inputs.auth) checkKnownAuth(inputs.connectionSpec.id, inputs.auth, ctx);
  });

type BaseConnectionInputs = z.output<typeof schema>;
export type BaseConnectionArgs = ResourceArgs<z.input<typeof schema>>;

/** Flow Service patches the name, description and auth params; the rest needs a new account. */
const fields: readonly FieldRule[] = [
  { path: "name", change: "patch" },
  { path: "description", change: "patch" },
  { path: "connectionSpec", change: "replace" },
  { path: "auth.specName", change: "replace" },
  { path: "auth.params", change: "patch", secret: true },
];

/**
 * The auth type as Flow Service reports it, recorded when the program leaves `auth` out (an
 * adopted account keeps its live credentials), so declaring `auth` later with this type is an
 * update, not a replacement. A declared `auth` takes its place in the outputs.
 */
function recordedAuthType(remote: PlainObject): PlainObject {
  const specName = isPlainObject(remote.auth) ? remote.auth.specName : undefined;
  return typeof specName === "string" ? { auth: { specName } } : {};
}

/** Flow Service returns secret auth params masked (or not at all): keep the last known value. */
export const MASKED = /^[*•]+$/;

function keepSecrets(projected: PlainObject, previous: PlainObject | undefined): PlainObject {
  const before = previous?.auth;
  const after = projected.auth;
  if (!isPlainObject(before) || !isPlainObject(after)) return projected;
  const auth = { ...after };
  const spec = KNOWN_CONNECTION_SPECS[String((projected.connectionSpec as PlainObject)?.id)];
  // Adobe's tutorials spell auth types loosely (`oAuth2RefreshCode`): a matching spelling is no drift.
  if (
    typeof before.specName === "string" &&
    typeof after.specName === "string" &&
    spec &&
    findAuthType(spec, before.specName) === findAuthType(spec, after.specName)
  ) {
    auth.specName = before.specName;
  }
  if (isPlainObject(before.params) && isPlainObject(after.params)) {
    const params = { ...after.params };
    for (const [key, value] of Object.entries(before.params)) {
      const remote = params[key];
      if (remote === undefined || (typeof remote === "string" && MASKED.test(remote))) {
        params[key] = value;
      }
    }
    auth.params = params;
  }
  return { ...projected, auth };
}

const definition = flowServiceDefinition<BaseConnectionInputs>({
  key: "base",
  typeName: "BaseConnection",
  schema,
  fields,
  collection: "connections",
  inputKeys: ["name", "description", "connectionSpec", "auth"],
  specPath: "connectionSpec.id",
  refineInputs: (projected, _remote, previous) => keepSecrets(projected, previous),
  extraOutputs: recordedAuthType,
  optionalWhenAdopting: {
    auth:
      "set { specName, params } with the account's credentials, or set adopt to the id of an " +
      "existing base connection, which keeps its live credentials",
  },
});

/**
 * A Flow Service base connection: the credentials of one source account.
 *
 * ```ts
 * const base = new BaseConnection("mailchimp", {
 *   name: "Mailchimp (basic auth)",
 *   connectionSpec: { id: connectionSpecIds.mailchimpCampaign, version: "1.0" },
 *   auth: { specName: "Basic Authentication", params: { username, password } },
 * });
 * ```
 */
export class BaseConnection extends FlowServiceResource {
  /** @internal What the provider process builds this type's provider from (runtime.ts). */
  static readonly definition = definition;

  declare readonly connectionSpec: pulumi.Output<BaseConnectionInputs["connectionSpec"]>;
  /**
   * Secret: the credentials, as declared. With `adopt` and no `auth`, only the live auth type
   * (`{ specName }`): the credentials stay Adobe's.
   */
  declare readonly auth: pulumi.Output<BaseConnectionInputs["auth"]>;

  constructor(name: string, args: BaseConnectionArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      definition,
      name,
      {
        ...args,
        // Whatever the caller passed, credentials go to the state encrypted.
        auth: args.auth === undefined ? undefined : pulumi.secret(args.auth),
      },
      withSecretOutputs(opts, "auth"),
    );
  }
}
