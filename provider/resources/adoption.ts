/**
 * `adopt`: taking over an object that already exists in Adobe (made in the Experience Platform UI,
 * or with curl) instead of creating one. This module holds what adoption checks, compares and
 * says; the calls themselves are each resource's own read and update, made by the engine's
 * `create` (engine.ts). Pulumi's `import` cannot do this for a dynamic provider: the engine sends
 * an import's `Read` without inputs, so there is no provider to run (pulumi/pulumi#16175).
 */
import type * as pulumi from "@pulumi/pulumi";
import { SETTINGS } from "../client/settings";
import type { ClientScope } from "../client/transport";
import type { FieldRule } from "./engine";
import { isPlainObject, UNKNOWN, valueAt, type PlainObject } from "./values";

/**
 * The input that names the object to adopt. It is in no resource's field table, so a changed
 * value is never a diff: it is read only when the resource is created.
 */
export const ADOPT_KEY = "adopt";

/** The `adopt` input and the resource's own inputs, apart. */
export function splitAdopt(props: PlainObject): { adopt: unknown; rest: PlainObject } {
  const { [ADOPT_KEY]: adopt, ...rest } = props;
  return { adopt, rest };
}

/** `adopt` must be a non-empty string once it is known (an Output is unknown at preview). */
export function checkAdopt(typeName: string, adopt: unknown): pulumi.dynamic.CheckFailure[] {
  if (adopt === undefined || adopt === UNKNOWN) return [];
  if (typeof adopt === "string" && adopt.trim() !== "") return [];
  return [
    {
      property: ADOPT_KEY,
      reason:
        `${typeName} adopt must be a non-empty string (got ${JSON.stringify(adopt) ?? String(adopt)}): ` +
        `pass the id of the existing ${typeName} to take over, or leave adopt out to create a new one`,
    },
  ];
}

/**
 * Why adoption changed nothing: the fields that only a new object could change, each with its
 * live and declared value (credentials never shown).
 */
export function refusalMessage(
  typeName: string,
  location: ClientScope,
  paths: readonly string[],
  live: PlainObject,
  declared: PlainObject,
  fields: readonly FieldRule[],
): string {
  const secrets = fields.filter((rule) => rule.secret).map((rule) => rule.path);
  const lines = paths.map((path) => {
    const show = (root: PlainObject) => shown(path, valueAt(root, path.split(".")), secrets);
    return `  - ${path}: live ${show(live)}, declared ${show(declared)}`;
  });
  const many = paths.length > 1;
  return (
    `the live object (sandbox "${location.sandboxName}") differs from the program in ` +
    `${many ? "fields" : "a field"} that cannot be changed in place, so nothing was changed:\n` +
    `${lines.join("\n")}\n` +
    `Declare the live ${many ? "values" : "value"} to adopt it, or leave adopt out to create a new ${typeName}.`
  );
}

/** The error for an id that names no object of the adopting kind in the configured sandbox. */
export function notFoundMessage(
  typeName: string,
  id: string,
  location: ClientScope,
  otherKind: string | undefined,
): string {
  const where = `in sandbox "${location.sandboxName}" of org ${location.orgId}`;
  if (otherKind !== undefined) {
    return (
      `${id} ${where} is a ${otherKind}, not a ${typeName}: declare it as a ${otherKind}, or ` +
      `pass the id of a ${typeName} to adopt`
    );
  }
  return (
    `no ${typeName} has the id ${id} ${where}: check the id, and that ${SETTINGS.sandboxName.config} ` +
    `(or ${SETTINGS.sandboxName.env}) names the sandbox the object is in, or leave adopt out to ` +
    `create a new ${typeName}`
  );
}

const SECRET = "[secret]";

/** A value for a message, with every credential below `path` replaced by `[secret]`. */
function shown(path: string, value: unknown, secrets: readonly string[]): string {
  if (value === undefined) return "(not set)";
  if (secrets.some((secret) => path === secret || path.startsWith(`${secret}.`))) return SECRET;
  let redacted: unknown = value;
  for (const secret of secrets.filter((candidate) => candidate.startsWith(`${path}.`))) {
    redacted = replaceAt(redacted, secret.slice(path.length + 1).split("."));
  }
  return JSON.stringify(redacted);
}

function replaceAt(value: unknown, path: readonly string[]): unknown {
  const [head, ...rest] = path;
  if (head === undefined || !isPlainObject(value) || value[head] === undefined) return value;
  return { ...value, [head]: rest.length === 0 ? SECRET : replaceAt(value[head], rest) };
}
