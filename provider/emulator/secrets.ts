/**
 * Credentials in what the emulator shows. Flow Service masks secret auth params on GET (the
 * connections kind does that); the emulator's own views, the request log and the admin API, must
 * not show them either, because CI jobs print those on failure. Only the `--state` file keeps
 * them, unmasked, so that a restarted emulator still holds them.
 */
import { isPlainObject, valueAt } from "../resources/values";
import { secretProperties, type SchemaSubset } from "./jsonSchema";
import type { JsonObject } from "./store";

/** What the request log and the admin API show in place of a credential. */
export const REDACTED = "[REDACTED]";

/** Every auth param that one of these connection specs marks secret (`format: password`). */
export function secretAuthParams(connectionSpecs: readonly JsonObject[]): string[] {
  const names = connectionSpecs.flatMap((spec) =>
    (Array.isArray(spec.authSpec) ? spec.authSpec : []).flatMap((authSpec: unknown) =>
      secretProperties(valueAt(authSpec, ["spec"]) as SchemaSubset | undefined),
    ),
  );
  return [...new Set(names)];
}

/** A copy of a connection (or of a create body) whose secret auth params read `mask`. */
export function maskAuthParams(
  connection: JsonObject,
  secrets: readonly string[],
  mask: string,
): JsonObject {
  const auth = connection.auth;
  if (!isPlainObject(auth) || !isPlainObject(auth.params)) {
    return connection;
  }
  const params = Object.fromEntries(
    Object.entries(auth.params).map(([name, value]) => [
      name,
      secrets.includes(name) ? mask : value,
    ]),
  );
  return { ...connection, auth: { ...auth, params } };
}

/**
 * A copy of JSON Patch operations whose values show no secret auth param: an op on
 * `/auth/params/password` (or inside it) is redacted whole, and an op that sets `/auth/params`,
 * `/auth` or the whole object has the secrets inside its value redacted. Refused operations are
 * logged too, so this does not rely on the patch being valid.
 */
export function redactPatch(operations: unknown[], secrets: readonly string[]): unknown[] {
  return operations.map((operation) => {
    if (
      !isPlainObject(operation) ||
      typeof operation.path !== "string" ||
      !("value" in operation)
    ) {
      return operation;
    }
    return {
      ...operation,
      value: redactValueAt(pointer(operation.path), operation.value, secrets),
    };
  });
}

const AUTH_PARAMS = ["auth", "params"];

/** `value`, which a patch puts at `segments` of a connection, with its secrets redacted. */
function redactValueAt(segments: string[], value: unknown, secrets: readonly string[]): unknown {
  const underParams = AUTH_PARAMS.every((name, index) => segments[index] === name);
  if (underParams && segments.length > AUTH_PARAMS.length) {
    return secrets.includes(segments[AUTH_PARAMS.length]!) ? REDACTED : value;
  }
  const holdsParams = segments.every((segment, index) => segment === AUTH_PARAMS[index]);
  if (!holdsParams) {
    return value;
  }
  // Put the value where it goes in a connection, mask that connection, take the value back out.
  const placed = segments.reduceRight<unknown>((inner, name) => ({ [name]: inner }), value);
  return isPlainObject(placed)
    ? valueAt(maskAuthParams(placed, secrets, REDACTED), segments)
    : placed;
}

/** The segments of a JSON Pointer (`/auth/params/a~1b` -> auth, params, a/b). */
function pointer(path: string): string[] {
  return path
    .split("/")
    .slice(1)
    .map((segment) => segment.replaceAll("~1", "/").replaceAll("~0", "~"));
}
