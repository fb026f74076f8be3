/**
 * Which copy of the package this code belongs to. A program can end up with several copies
 * installed (a component library that nests its own): the program side bakes the declaring copy's
 * version into each `__provider` text, and the provider process compares it with the copy it
 * loaded (see providerText.ts and runtime.ts).
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

export const PACKAGE_NAME = "pulumi-aep-flow";

/**
 * The copy's root folder: the nearest folder above this file whose package.json is this package's
 * (compiled, this file is in `<root>/dist/provider/resources/`; run from source by tsx, in
 * `<root>/provider/resources/`).
 */
export const PACKAGE_ROOT = findRoot(__dirname);

function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest)) {
      const { name } = JSON.parse(readFileSync(manifest, "utf8")) as { name?: unknown };
      if (name === PACKAGE_NAME) return dir;
    }
    if (path.dirname(dir) === dir) {
      throw new Error(`${PACKAGE_NAME}: no package.json of its own above ${from}`);
    }
  }
}

export const PACKAGE_VERSION: string = (
  JSON.parse(readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8")) as { version: string }
).version;
