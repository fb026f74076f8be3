/**
 * What `aep-flow export` knows of a sandbox once it has read it: the objects its dataflows use,
 * in declaration order (each after the objects it refers to), with the inputs each resource
 * would declare to adopt it. The reader (read.ts) builds it from Adobe; the generator
 * (generate.ts) turns it into files and never calls anything.
 */

/** The package's resource types an export declares. */
export type ExportKind =
  | "XdmSchema"
  | "Dataset"
  | "MappingSet"
  | "BaseConnection"
  | "SourceConnection"
  | "TargetConnection"
  | "Dataflow";

/** One object per kind and id: `XdmSchema https://ns.adobe.com/...`. */
export type ObjectKey = string;

export function objectKey(kind: ExportKind, id: string): ObjectKey {
  return `${kind} ${id}`;
}

/** The outputs one resource's inputs take from another (`base.id`, `schema.schemaId`...). */
export type ReferencedOutput = "id" | "schemaId" | "version";

/** An input that is another declared object's output: a program reference, not a pasted id. */
export class Reference {
  constructor(
    readonly target: ObjectKey,
    readonly output: ReferencedOutput,
  ) {}
}

/**
 * A credential: the program reads it from the stack config as a secret. The value is never
 * known to the export (Adobe masks it), and never written.
 */
export class SecretParam {
  constructor(readonly param: string) {}
}

/** An input value: JSON, with references and secrets where the program computes them. */
export type Value =
  | null
  | boolean
  | number
  | string
  | Reference
  | SecretParam
  | readonly Value[]
  | { readonly [key: string]: Value };

export type Inputs = { readonly [key: string]: Value };

export interface ExportedObject {
  key: ObjectKey;
  kind: ExportKind;
  /** What `adopt` names: the object's id (a schema's `$id`). */
  id: string;
  /** What the resource's name is derived from: the object's name or title; may be empty. */
  label: string;
  /** The resource's inputs, in the order of its arguments; `adopt` is added by the generator. */
  inputs: Inputs;
  /** Said as comments above the declaration: why an input is not what one would expect. */
  notes: readonly string[];
}

export interface ExportModel {
  orgId: string;
  sandboxName: string;
  /** When the sandbox was read, ISO 8601. */
  exportedAt: string;
  /** The exporting copy of pulumi-aep-flow, which the program depends on. */
  packageVersion: string;
  /** The @pulumi/pulumi range that copy declares. */
  pulumiRange: string;
  /** Every object, each after those it refers to. */
  objects: readonly ExportedObject[];
  /** What the reader could not export as it is (a missing object, a check the live value fails). */
  warnings: readonly string[];
}
