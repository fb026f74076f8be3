/**
 * Which copy of the package this code belongs to. A program can end up with several copies
 * installed (a component library that nests its own): the program side bakes the declaring copy's
 * version into each `__provider` text, and the provider process compares it with the copy it
 * loaded (see providerText.ts and runtime.ts).
 */
import { readFileSync } from "node:fs";
import path from "node:path";

export const PACKAGE_NAME = "pulumi-aep-flow";

/** The copy's root folder: this file is compiled to `<root>/dist/provider/resources/`. */
export const PACKAGE_ROOT = path.resolve(__dirname, "..", "..", "..");

export const PACKAGE_VERSION: string = (
  JSON.parse(readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8")) as { version: string }
).version;
