/**
 * Real package layouts for the end-to-end layout suite (tests/e2e/layouts.spec.ts): copies of this
 * package packed as releases, a tiny component library built on it (`acme-aep-pipelines`), and
 * Pulumi program folders installed from them by npm or pnpm, the way a team's CI installs them.
 *
 * Nothing here fakes a layout: each folder is what `npm install` or `pnpm install` made. Installs
 * use the npm registry only for the third-party dependencies (@pulumi/pulumi and what the package
 * needs), with `--prefer-offline` so a warm cache answers them.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { REPO_ROOT } from "../harness";

export const PACKAGE = "pulumi-aep-flow";
export const LIBRARY = "acme-aep-pipelines";
/** The older release of the version-conflict layout. */
export const OLDER_VERSION = "0.0.9";

/** This checkout's package.json. */
const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
  version: string;
  dependencies: Record<string, string>;
};
/** The version of this checkout, which the copies built from it carry unless told otherwise. */
export const CURRENT_VERSION = manifest.version;

/** A packed copy of the package: its version and tarball. */
export interface Release {
  version: string;
  tarball: string;
}

/**
 * What each copy's HTTP calls say in their `User-Agent`, so the emulator's request log shows which
 * copy's code made them: the client sends the name and the version of its own package.json.
 */
export function userAgentOf(version: string): string {
  return `${PACKAGE}/${version}`;
}

/**
 * Packs this checkout once (its built `dist/`, as `npm pack` ships it) and derives one release per
 * version from that tarball: package.json's version rewritten (its calls' User-Agent follows).
 */
export function packReleases(dir: string, versions: readonly string[]): Map<string, Release> {
  const packDir = path.join(dir, "checkout");
  mkdirSync(packDir, { recursive: true });
  const packed = path.join(
    packDir,
    run("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", packDir], {
      cwd: REPO_ROOT,
    }).trim(),
  );
  const releases = new Map<string, Release>();
  for (const version of versions) {
    const work = path.join(dir, `release-${version}`);
    mkdirSync(work, { recursive: true });
    run("tar", ["-xzf", packed, "-C", work]);
    const root = path.join(work, "package");
    const packageJson = path.join(root, "package.json");
    const pkg = JSON.parse(readFileSync(packageJson, "utf8")) as Record<string, unknown>;
    // A published release has no dev dependencies to speak of; this one's include itself (`file:`).
    delete pkg.devDependencies;
    delete pkg.scripts;
    writeFileSync(packageJson, JSON.stringify({ ...pkg, version }, null, 2));
    const tarball = path.join(dir, `${PACKAGE}-${version}.tgz`);
    run("tar", ["-czf", tarball, "-C", work, "package"]);
    releases.set(version, { version, tarball });
  }
  return releases;
}

/** How the library declares the package. */
export type LibraryDependency =
  /** The convention: a peer dependency (the program provides it), and a dev dependency to build. */
  | { peer: string; dev?: Release }
  /** A plain dependency, which puts a copy of the package under the library when versions differ. */
  | { dependency: Release };

/**
 * The component library: one component, `CampaignLanding`, that declares a Dataset through the
 * package. It peer-depends on @pulumi/pulumi, as Pulumi component libraries do.
 */
export function writeLibrary(dir: string, uses: LibraryDependency): string {
  mkdirSync(dir, { recursive: true });
  const pkg: Record<string, unknown> = {
    name: LIBRARY,
    version: "1.0.0",
    main: "index.js",
    peerDependencies: { "@pulumi/pulumi": "^3.0.0" },
  };
  if ("peer" in uses) {
    pkg.peerDependencies = { "@pulumi/pulumi": "^3.0.0", [PACKAGE]: uses.peer };
    if (uses.dev) {
      pkg.devDependencies = {
        "@pulumi/pulumi": pulumiRange(),
        [PACKAGE]: `file:${uses.dev.tarball}`,
      };
    }
  } else {
    pkg.dependencies = { [PACKAGE]: `file:${uses.dependency.tarball}` };
  }
  writeFileSync(path.join(dir, "package.json"), JSON.stringify(pkg, null, 2));
  writeFileSync(path.join(dir, "index.js"), LIBRARY_SOURCE);
  return dir;
}

const LIBRARY_SOURCE = `"use strict";
const pulumi = require("@pulumi/pulumi");
const aep = require("pulumi-aep-flow");

/** Acme's landing dataset for a campaign source, as every Acme team declares it. */
class CampaignLanding extends pulumi.ComponentResource {
  constructor(name, args, opts) {
    super("acme:pipelines:CampaignLanding", name, {}, opts);
    const dataset = new aep.Dataset(
      name + "-dataset",
      { name: "Acme " + args.campaign + " landing", schemaRef: { id: args.schemaId } },
      { parent: this },
    );
    this.datasetId = dataset.id;
    this.registerOutputs({ datasetId: dataset.id });
  }
}

module.exports = { CampaignLanding };
`;

/** Packs the library as a registry would serve it. */
export function packLibrary(dir: string, destination: string): string {
  return path.join(
    destination,
    run("npm", ["pack", "--silent", "--pack-destination", destination], { cwd: dir }).trim(),
  );
}

/** A Pulumi program folder's package.json: @pulumi/pulumi and the given dependencies. */
export function writeProgram(
  dir: string,
  dependencies: Record<string, string>,
  extra: Record<string, unknown> = {},
): string {
  mkdirSync(dir, { recursive: true });
  const pkg = {
    name: path.basename(dir),
    version: "1.0.0",
    private: true,
    dependencies: { "@pulumi/pulumi": pulumiRange(), ...dependencies },
    ...extra,
  };
  writeFileSync(path.join(dir, "package.json"), JSON.stringify(pkg, null, 2));
  return dir;
}

/** The dependency spec of a release, as a program's package.json names it. */
export function spec(release: Release): string {
  return `file:${release.tarball}`;
}

/** The @pulumi/pulumi range this checkout uses, so installs reuse what the cache holds. */
function pulumiRange(): string {
  const range = manifest.dependencies["@pulumi/pulumi"];
  if (!range) throw new Error("package.json has no @pulumi/pulumi dependency");
  return range;
}

/** `npm install` in a folder, from a clean slate (no node_modules, no lock file). */
export function npmInstall(dir: string): void {
  clean(dir, ["package-lock.json"]);
  npm(dir, ["install"]);
}

/** `npm install <release>` in a program folder: the fix the package's messages name. */
export function npmAdd(dir: string, release: Release): void {
  npm(dir, ["install", release.tarball]);
}

function npm(dir: string, args: string[]): void {
  run("npm", [...args, "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: dir,
  });
  forgetModules(dir);
}

/** A copy of an installed folder, links and all, beside it (so relative links still resolve). */
export function copyFolder(from: string, to: string): string {
  run("cp", ["-a", from, to]);
  return to;
}

/** The pnpm the toolchain installed (scripts/toolchain.sh, aep_ensure_pnpm). */
export function pnpmBin(): string {
  const bin = process.env.AEP_PNPM_BIN;
  if (!bin) {
    throw new Error(
      "AEP_PNPM_BIN is not set: run the end-to-end tests with `npm test` (scripts/run.sh installs pnpm)",
    );
  }
  return bin;
}

/**
 * `pnpm install` in a folder (a program, or a workspace root listing `workspacePackages`), from a
 * clean slate. protobufjs (under @pulumi/pulumi) has an install script that pnpm stops at unless
 * told; the package does not need it.
 */
export function pnpmInstall(dir: string, workspacePackages?: readonly string[]): void {
  clean(dir, ["pnpm-lock.yaml"]);
  const workspace = [
    ...(workspacePackages ? ["packages:", ...workspacePackages.map((p) => `  - ${p}`)] : []),
    "allowBuilds:",
    "  protobufjs: false",
  ];
  writeFileSync(path.join(dir, "pnpm-workspace.yaml"), `${workspace.join("\n")}\n`);
  pnpm(dir, dir, ["install"]);
}

/** `pnpm add <release>` in a program folder of the install at `installed`: the named fix. */
export function pnpmAdd(program: string, installed: string, release: Release): void {
  pnpm(program, installed, ["add", release.tarball]);
}

/** The store sits in the toolchain cache, so later runs link from it instead of downloading. */
function pnpm(dir: string, installed: string, args: string[]): void {
  const cache = process.env.AEP_TOOL_CACHE ?? path.join(REPO_ROOT, "node_modules/.cache");
  const store = path.join(cache, "pnpm-store");
  run(pnpmBin(), [...args, "--prefer-offline", "--reporter=silent", "--store-dir", store], {
    cwd: dir,
  });
  forgetModules(installed);
}

function clean(dir: string, lockFiles: readonly string[]): void {
  for (const entry of ["node_modules", ...lockFiles]) {
    rmSync(path.join(dir, entry), { recursive: true, force: true });
  }
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory() && entry.name !== "node_modules") {
      rmSync(path.join(dir, entry.name, "node_modules"), { recursive: true, force: true });
    }
  }
}

/** A copy of the package as a folder resolves it: its real folder and version. */
export interface Copy {
  dir: string;
  version: string;
}

/** The copy of the package a folder's code loads (`require("pulumi-aep-flow")`), if any. */
export function copySeenFrom(dir: string): Copy | undefined {
  let file: string;
  try {
    file = realpathSync(requireFrom(dir).resolve(`${PACKAGE}/package.json`));
  } catch {
    return undefined;
  }
  return {
    dir: path.dirname(file),
    version: (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version,
  };
}

/** The real folder of the library as the program in `program` loads it. */
export function librarySeenFrom(program: string): string {
  return path.dirname(realpathSync(requireFrom(program).resolve(`${LIBRARY}/package.json`)));
}

/** The copy of the package that declares the library's resources in the program `program`. */
export function declaringCopy(program: string): Copy {
  const library = librarySeenFrom(program);
  const copy = copySeenFrom(library);
  if (!copy) throw new Error(`${LIBRARY} in ${library} cannot load ${PACKAGE}`);
  return copy;
}

/**
 * The Automation API of the @pulumi/pulumi that the declaring copy loads: the inline program runs
 * on that SDK, as the library's resources do under `pulumi up` in the program folder.
 */
export function automationFor(program: string): typeof import("@pulumi/pulumi/automation") {
  return requireFrom(declaringCopy(program).dir)(
    "@pulumi/pulumi/automation",
  ) as typeof import("@pulumi/pulumi/automation");
}

/** The library, loaded as the program in `program` loads it (`require("acme-aep-pipelines")`). */
export function loadLibrary(program: string): { CampaignLanding: LandingClass } {
  return requireFrom(program)(LIBRARY) as { CampaignLanding: LandingClass };
}

/** The library's component, as its (untyped) JavaScript exports it. */
export type LandingClass = new (
  name: string,
  args: { campaign: string; schemaId: string },
) => { datasetId: unknown };

function requireFrom(dir: string): NodeJS.Require {
  return createRequire(path.join(dir, "index.js"));
}

/**
 * Forgets the modules this process loaded from a folder whose packages were just (re)installed, so
 * the next program run loads the files now there. (Node also keeps each package.json it read, by
 * path, for good: a folder whose installed packages moved is run from a copy instead.)
 */
function forgetModules(dir: string): void {
  const real = `${realpathSync(dir)}${path.sep}`;
  for (const key of Object.keys(require.cache)) {
    if (key.startsWith(real)) delete require.cache[key];
  }
}

function run(command: string, args: string[], options: { cwd?: string } = {}): string {
  try {
    return execFileSync(command, args, {
      cwd: options.cwd,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${path.basename(command)} ${args.join(" ")} failed in ${options.cwd ?? process.cwd()}: ` +
        `${failed.message}\n${failed.stdout ?? ""}${failed.stderr ?? ""}`,
      { cause: error },
    );
  }
}
