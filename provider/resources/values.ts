/**
 * Small value helpers shared by every resource: the preview "unknown" sentinel, deep equality,
 * and projecting what Flow Service returns onto the shape the user declared.
 */

/**
 * During `pulumi preview` the engine passes values that are not known yet (another resource's id)
 * as this string, whatever the property's type. Validation must let it through untouched.
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export type PlainObject = Record<string, unknown>;

export function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The value at a dotted path (`auth.params`), or undefined. */
export function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let current = root;
  for (const key of path) {
    if (current === UNKNOWN) return UNKNOWN;
    if (Array.isArray(current) && typeof key === "number") current = current[key];
    else if (isPlainObject(current)) current = current[String(key)];
    else return undefined;
  }
  return current;
}

/** Structural equality where an absent key and an `undefined` value are the same thing. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) if (!deepEqual(a[key], b[key])) return false;
    return true;
  }
  return false;
}

/** Drops keys whose value is undefined, recursively, so the result survives JSON and gRPC as is. */
export function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutUndefined) as T;
  if (isPlainObject(value)) {
    const out: PlainObject = {};
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) out[key] = withoutUndefined(item);
    }
    return out as T;
  }
  return value;
}

/**
 * Reads a remote value in the shape of the value the user declared: for objects, only the keys
 * the user declared are kept (Flow Service adds its own members, which are not drift), and scalar
 * types follow the declaration (Flow Service echoes schedule numbers and booleans as strings).
 */
function projectLike(remote: unknown, declared: unknown): unknown {
  if (isPlainObject(declared)) {
    if (!isPlainObject(remote)) return remote;
    const out: PlainObject = {};
    for (const key of Object.keys(declared)) {
      const value = projectLike(remote[key], declared[key]);
      if (value !== undefined) out[key] = value;
    }
    return out;
  }
  if (typeof declared === "number" && typeof remote === "string" && remote.trim() !== "") {
    const n = Number(remote);
    return Number.isFinite(n) ? n : remote;
  }
  if (typeof declared === "boolean" && (remote === "true" || remote === "false")) {
    return remote === "true";
  }
  return remote;
}

/**
 * The inputs a remote object corresponds to: each top-level input read back from `remote`, in
 * the shape of the last known value (see `projectLike`). With last known inputs, only the inputs
 * they declare are read: a member the program leaves out (a description added in the UI) belongs
 * to whoever set it, so it is neither drift nor something the next `up` removes. Without them
 * (nothing is known of the object yet), every input is read.
 */
export function projectInputs(
  remote: PlainObject,
  previous: PlainObject | undefined,
  inputKeys: readonly string[],
): PlainObject {
  const projected: PlainObject = {};
  for (const key of inputKeys) {
    const declared = previous?.[key];
    if (declared !== undefined) projected[key] = projectLike(remote[key], declared);
    else if (!previous) projected[key] = remote[key];
  }
  return projected;
}
