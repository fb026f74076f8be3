/**
 * JSON Patch for Flow Service instances: the body is checked (array of add/replace/remove ops on
 * the kind's patchable paths) before fast-json-patch applies it to a copy of the object.
 */
import { applyPatch as applyJsonPatch, JsonPatchError, type Operation } from "fast-json-patch";
import { isPlainObject } from "../resources/values";
import { badRequest } from "./errors";
import { cloneJson, type JsonObject } from "./store";

/** One accepted operation, with `op` lower-cased. */
export interface PatchOperation {
  op: "add" | "replace" | "remove";
  path: string;
  value?: unknown;
}

/** Which paths a kind lets PATCH touch. */
export interface PatchRules {
  /** Patterns the op path must match. */
  patchable: RegExp[];
  /** Human-readable list of the patchable paths, for error messages. */
  described: string;
  /** Top-level members whose change is refused with `1414` (e.g. `connectionSpec`). */
  immutable: string[];
}

const SUPPORTED_OPS = new Set(["add", "replace", "remove"]);

/** Validates a PATCH body against `rules`; returns the normalized operations or throws a 400. */
export function parsePatchBody(
  body: unknown,
  collection: string,
  rules: PatchRules,
): PatchOperation[] {
  if (body === undefined || body === null || (Array.isArray(body) && body.length === 0)) {
    throw badRequest(
      "The request body is empty: expected a JSON Patch array of operations.",
      "1405",
    );
  }
  if (!Array.isArray(body)) {
    throw badRequest("The request body must be a JSON Patch array of operations.");
  }
  return body.map((operation, index) => parseOperation(operation, index, collection, rules));
}

function parseOperation(
  operation: unknown,
  index: number,
  collection: string,
  rules: PatchRules,
): PatchOperation {
  if (!isPlainObject(operation) || typeof operation.op !== "string") {
    throw badRequest(`Patch operation ${index} must be an object with 'op' and 'path'.`);
  }
  const op = operation.op.toLowerCase();
  if (!SUPPORTED_OPS.has(op)) {
    throw badRequest(
      `Unsupported patch operation '${operation.op}'; supported operations are add, replace and remove.`,
      "1434",
    );
  }
  const path = operation.path;
  if (typeof path !== "string" || !path.startsWith("/")) {
    throw badRequest(
      `Patch operation ${index} has an invalid path ${JSON.stringify(path)}.`,
      "1455",
    );
  }
  const member = path.split("/")[1] ?? "";
  if (rules.immutable.includes(member)) {
    throw badRequest(`The attribute '${member}' cannot be updated (path '${path}').`, "1414");
  }
  if (!rules.patchable.some((pattern) => pattern.test(path))) {
    throw badRequest(
      `The path '${path}' cannot be patched on ${collection}; patchable paths are ${rules.described}.`,
      "1455",
    );
  }
  if (op !== "remove" && operation.value === undefined) {
    throw badRequest(`Patch operation ${index} (${op} '${path}') needs a 'value'.`);
  }
  return op === "remove"
    ? { op, path }
    : { op: op as "add" | "replace", path, value: operation.value };
}

/** Applies validated operations to a copy of `document`; a path that does not resolve is a 400 `1455`. */
export function applyOperations(document: JsonObject, operations: PatchOperation[]): JsonObject {
  try {
    return applyJsonPatch(cloneJson(document), cloneJson(operations) as Operation[], true, true)
      .newDocument;
  } catch (error) {
    if (error instanceof JsonPatchError) {
      const path = error.operation?.path ?? "";
      throw badRequest(
        `Error while validating patch instructions: missing field or invalid target at path '${path}'.`,
        "1455",
      );
    }
    throw error;
  }
}
