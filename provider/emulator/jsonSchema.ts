/**
 * A validator for the small subset of JSON Schema the seeded specs use for auth params, source
 * params and target params: `type`, `required`, `properties`, `enum`, `minimum`. Unknown keys are
 * allowed, as in Adobe's specs (none sets `additionalProperties: false`).
 */
import { isPlainObject } from "../resources/values";

/** The part of a JSON Schema the emulator understands. */
export interface SchemaSubset {
  type?: string;
  required?: string[];
  properties?: Record<string, SchemaSubset>;
  enum?: unknown[];
  minimum?: number;
  format?: string;
}

/** Problems found, as readable sentences naming the field (empty when valid). */
export function validateAgainstSchema(
  value: unknown,
  schema: SchemaSubset,
  path: string,
): string[] {
  if (schema.type !== undefined && !hasType(value, schema.type)) {
    return [`'${path}' must be of type ${schema.type}`];
  }
  const problems: string[] = [];
  if (schema.enum !== undefined && !schema.enum.includes(value)) {
    problems.push(
      `'${path}' must be one of ${schema.enum.map((v) => JSON.stringify(v)).join(", ")}`,
    );
  }
  if (schema.minimum !== undefined && typeof value === "number" && value < schema.minimum) {
    problems.push(`'${path}' must be at least ${schema.minimum}`);
  }
  if (isPlainObject(value)) {
    for (const name of schema.required ?? []) {
      if (value[name] === undefined || value[name] === null) {
        problems.push(`'${path}.${name}' is required`);
      }
    }
    for (const [name, propertySchema] of Object.entries(schema.properties ?? {})) {
      if (value[name] !== undefined && value[name] !== null) {
        problems.push(...validateAgainstSchema(value[name], propertySchema, `${path}.${name}`));
      }
    }
  }
  return problems;
}

/** Names of the properties a schema marks as secrets (`format: password`). */
export function secretProperties(schema: SchemaSubset | undefined): string[] {
  return Object.entries(schema?.properties ?? {})
    .filter(([, property]) => property.format === "password")
    .map(([name]) => name);
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case "object":
      return isPlainObject(value);
    case "array":
      return Array.isArray(value);
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "string":
    case "boolean":
      return typeof value === type;
    default:
      return true;
  }
}
