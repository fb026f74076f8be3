/**
 * A small printer of TypeScript values for the generated program, in the layout prettier gives
 * them (100 columns, two-space indent, trailing commas): a value stays on one line when it fits,
 * otherwise each member goes on a line of its own. String literals are built from JSON.stringify's,
 * which is a valid TypeScript literal for any string.
 */

/** An expression printed as it is (`mailchimpAccount.id`). */
export class Code {
  constructor(readonly text: string) {}

  /** `a.b.c`: prettier moves such a value, like a string, to the next line when it does not fit. */
  get isMemberChain(): boolean {
    return /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)+$/.test(this.text);
  }
}

export type Printable =
  | null
  | boolean
  | number
  | string
  | Code
  | readonly Printable[]
  | { readonly [key: string]: Printable };

export const PRINT_WIDTH = 100;
const INDENT = "  ";
/** Keys narrower than this keep a long value on their line (prettier: tab width + 3). */
const SHORT_KEY_WIDTH = 5;

/** A key that needs no quotes. */
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function isRecord(value: Printable): value is { readonly [key: string]: Printable } {
  return (
    typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Code)
  );
}

function keysOf(record: { readonly [key: string]: Printable }): string[] {
  return Object.keys(record).map((key) => (IDENTIFIER.test(key) ? key : stringLiteral(key)));
}

/** The value on one line. */
function flat(value: Printable): string {
  if (value instanceof Code) return value.text;
  if (Array.isArray(value)) return `[${value.map(flat).join(", ")}]`;
  if (isRecord(value)) {
    const keys = keysOf(value);
    const members = Object.values(value).map((member, i) => `${keys[i]}: ${flat(member)}`);
    return members.length === 0 ? "{}" : `{ ${members.join(", ")} }`;
  }
  return typeof value === "string" ? stringLiteral(value) : JSON.stringify(value);
}

/**
 * A string literal as prettier writes it: double quotes, unless the text holds more double
 * quotes than single ones (`'the "spring" flow'`).
 */
export function stringLiteral(text: string): string {
  const json = JSON.stringify(text);
  const doubles = text.split('"').length - 1;
  const singles = text.split("'").length - 1;
  if (doubles <= singles) return json;
  // JSON's escapes are pairs (`\\`, `\"`...): take each pair as a whole, then escape `'`.
  const body = json
    .slice(1, -1)
    .replace(/\\(.)/g, (pair: string, char: string) => (char === '"' ? '"' : pair))
    .replace(/'/g, "\\'");
  return `'${body}'`;
}

/** Prettier always breaks an array of two or more objects that have more than one member each. */
function mustBreak(value: Printable): boolean {
  return (
    Array.isArray(value) &&
    value.length > 1 &&
    value.every((item: Printable) => isRecord(item) && Object.keys(item).length > 1)
  );
}

/**
 * The value starting at `column` of a line at depth `indent`, followed on that line by `trailing`
 * characters (the `,` after a member).
 */
export function print(value: Printable, indent: string, column: number, trailing = 1): string {
  const oneLine = flat(value);
  if (!mustBreak(value) && column + oneLine.length + trailing <= PRINT_WIDTH) return oneLine;
  return broken(value, indent);
}

/** The value with each member on a line of its own (a scalar has no members: it stays as it is). */
export function broken(value: Printable, indent: string): string {
  const inner = indent + INDENT;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    const items = value.map((item: Printable) => `${inner}${print(item, inner, inner.length)},`);
    return `[\n${items.join("\n")}\n${indent}]`;
  }
  if (isRecord(value)) {
    const keys = keysOf(value);
    if (keys.length === 0) return "{}";
    const members = Object.values(value).map((member, i) => {
      const key = keys[i]!;
      const head = `${inner}${key}: `;
      if (breaksAfterColon(key, member) && head.length + flat(member).length + 1 > PRINT_WIDTH) {
        return `${inner}${key}:\n${inner}${INDENT}${flat(member)},`;
      }
      return `${head}${print(member, inner, head.length)},`;
    });
    return `{\n${members.join("\n")}\n${indent}}`;
  }
  return flat(value);
}

/** Prettier breaks after the colon of a string or `a.b` value whose key is not short. */
function breaksAfterColon(key: string, value: Printable): boolean {
  const breakable = typeof value === "string" || (value instanceof Code && value.isMemberChain);
  return breakable && key.length >= SHORT_KEY_WIDTH;
}

/** A `//` comment: user text on one line (a line break, U+2028 included, would end the comment). */
export function comment(text: string, indent = ""): string {
  return `${indent}// ${text.replace(/[\r\n\u2028\u2029]+/g, " ")}`;
}
