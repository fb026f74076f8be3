/**
 * The `__provider` text of each resource: the module Pulumi's provider process evaluates (with
 * `require-from-string`, in the program's folder) and whose `handler()` returns the provider.
 *
 * Pulumi stores this text twice per resource and rewrites the state after every step, so it is
 * short, and it holds no code of ours: it loads `pulumi-aep-flow/runtime` from the program's
 * folder when the provider process first needs it, so no credential or local path enters the
 * state, and state written by an older release runs the implementation installed today. It
 * carries two values: the resource's registry key (stored in every stack's state, so a key is
 * never renamed) and the version of the copy that declared the resource, which `check` compares
 * with the copy the provider process loaded (runtime.ts).
 */
import { PACKAGE_NAME, PACKAGE_VERSION } from "./packageCopy";

/** The input that holds the text; Pulumi's provider process reads it from every resource. */
export const PROVIDER_KEY = "__provider";

const RUNTIME = JSON.stringify(`${PACKAGE_NAME}/runtime`);

/** Thrown when the package does not resolve from the folder the provider process runs in. */
function notInstalled(declaringVersion: string): string {
  const install = `${PACKAGE_NAME}@${declaringVersion}`;
  return (
    `Pulumi's provider process cannot find ${PACKAGE_NAME} from \${process.cwd()}: the program ` +
    `must depend on it directly (npm install ${install}, or pnpm add ${install}); a library ` +
    `declares it as a peerDependency`
  );
}

export function providerText(key: string, declaringVersion: string = PACKAGE_VERSION): string {
  const args = [key, declaringVersion].map((value) => JSON.stringify(value)).join(",");
  const message = notInstalled(declaringVersion);
  // Resolve first, so that a dependency missing inside the package is not reported as the package.
  // The host calls `handler()` without arguments: the default parameter names the module once.
  return (
    `exports.handler=(r=${RUNTIME})=>{try{require.resolve(r)}catch{throw Error(\`${message}\`)}` +
    `return require(r).provider(${args})}`
  );
}
