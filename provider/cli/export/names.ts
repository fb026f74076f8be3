/**
 * Names in the exported program: each object's Pulumi resource name (kebab-case, from the
 * object's own name), the TypeScript variable that holds it (camelCase of the resource name), the
 * stack output of each dataflow's id and the config key of each credential. The same objects in
 * the same order always get the same names; duplicates get `-2`, `-3`...
 */
import type { ExportKind, ExportedObject, ObjectKey } from "./model";

/** What an object is called when its name gives nothing to work with. */
const KIND_WORDS: Readonly<Record<ExportKind, string>> = {
  XdmSchema: "schema",
  Dataset: "dataset",
  MappingSet: "mapping",
  BaseConnection: "base-connection",
  SourceConnection: "source-connection",
  TargetConnection: "target-connection",
  Dataflow: "dataflow",
};

/** Resource names stay readable: longer names are cut at a word boundary. */
const MAX_NAME_LENGTH = 48;

/** Letters NFKD does not decompose into a base letter and marks. */
const LETTERS: Readonly<Record<string, string>> = {
  ß: "ss",
  æ: "ae",
  œ: "oe",
  ø: "o",
  ł: "l",
  đ: "d",
  ð: "d",
  þ: "th",
  ı: "i",
};

/**
 * Words a variable may not be: JavaScript's reserved words (strict mode included), the names the
 * generated module binds itself, and those TypeScript reserves at the top of a CommonJS module.
 */
const RESERVED = new Set([
  ...[
    "await break case catch class const continue debugger default delete do else enum export",
    "extends false finally for function if import in instanceof new null return super switch",
    "this throw true try typeof var void while with yield let static implements interface",
    "package private protected public arguments eval undefined NaN Infinity",
    "require exports module __filename __dirname Promise",
    "pulumi aep config",
  ].flatMap((words) => words.split(" ")),
]);

/** `Café Überflow: 2024!` -> `cafe-uberflow-2024`; "" when nothing of it is a letter or digit. */
export function kebabCase(text: string): string {
  const ascii = [...text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase()]
    .map((char) => LETTERS[char] ?? char)
    .join("");
  const words = ascii.split(/[^a-z0-9]+/).filter((word) => word !== "");
  let name = "";
  for (const word of words) {
    const next = name === "" ? word : `${name}-${word}`;
    if (next.length > MAX_NAME_LENGTH && name !== "") break;
    name = next.slice(0, MAX_NAME_LENGTH);
  }
  return name;
}

/** `campaign-flow-2` -> `campaignFlow2`. */
export function camelCase(kebab: string): string {
  return kebab
    .split("-")
    .filter((word) => word !== "")
    .map((word, index) => (index === 0 ? word : word[0]!.toUpperCase() + word.slice(1)))
    .join("");
}

function pascalCase(kebab: string): string {
  const camel = camelCase(kebab);
  return camel === "" ? "" : camel[0]!.toUpperCase() + camel.slice(1);
}

/** A variable for a resource name: its camelCase, behind the kind's word when that is no identifier. */
function variableFor(name: string, kind: ExportKind): string {
  const camel = camelCase(name);
  if (/^[a-z_$]/i.test(camel) && !RESERVED.has(camel)) return camel;
  return camelCase(KIND_WORDS[kind]) + pascalCase(name);
}

export interface ObjectNames {
  /** The Pulumi resource name. */
  name: string;
  /** The variable that holds the resource. */
  variable: string;
  /** A dataflow's stack output: its id. */
  output?: string;
}

/** Names for every object, in the given (declaration) order; identifiers never repeat. */
export function allocateNames(objects: readonly ExportedObject[]): Map<ObjectKey, ObjectNames> {
  const names = new Set<string>();
  const identifiers = new Set<string>(RESERVED);
  const result = new Map<ObjectKey, ObjectNames>();
  for (const object of objects) {
    const base = kebabCase(object.label) || KIND_WORDS[object.kind];
    // `class`, `class-2`: dataflowClass, dataflowClass2, so duplicates read alike.
    const baseVariable = variableFor(base, object.kind);
    for (let n = 1; ; n++) {
      const name = n === 1 ? base : `${base}-${n}`;
      const variable = n === 1 ? baseVariable : `${baseVariable}${n}`;
      const output = object.kind === "Dataflow" ? `${variable}Id` : undefined;
      const taken = [variable, output].some((id) => id !== undefined && identifiers.has(id));
      if (names.has(name) || taken) continue;
      names.add(name);
      identifiers.add(variable);
      if (output !== undefined) identifiers.add(output);
      result.set(object.key, { name, variable, ...(output !== undefined ? { output } : {}) });
      break;
    }
  }
  return result;
}

/** Config keys of credentials: `<variable><Param>`, each once (`mailchimpAccountPassword`). */
export class ConfigKeys {
  private readonly taken = new Set<string>();

  keyFor(variable: string, param: string): string {
    const base =
      variable + (pascalCase(kebabCase(param.replace(/([a-z0-9])([A-Z])/g, "$1-$2"))) || "Secret");
    for (let n = 1; ; n++) {
      const key = n === 1 ? base : `${base}${n}`;
      if (!this.taken.has(key)) {
        this.taken.add(key);
        return key;
      }
    }
  }
}
