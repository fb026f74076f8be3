/**
 * End to end: a Pulumi program that uses a component library (`acme-aep-pipelines`) built on this
 * package, in each layout npm and pnpm make. The library declares its resources with the copy of
 * the package it loads; Pulumi's provider process loads the package by name from the program
 * folder. Whatever the layout, the outcome is one of two: preview and up work (and the emulator's
 * request log shows which copy's code made the calls), or preview fails before any API write,
 * naming the copy the provider process loaded (or that it found none) and the fix.
 */
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync } from "node:fs";
import path from "node:path";
import type { PulumiFn, Stack } from "@pulumi/pulumi/automation";
import { useE2E, describeRequest, stateResources, versions } from "./harness";
import {
  CURRENT_VERSION,
  LIBRARY,
  OLDER_VERSION,
  PACKAGE,
  type LibraryDependency,
  type Release,
  automationFor,
  copyFolder,
  copySeenFrom,
  declaringCopy,
  loadLibrary,
  npmAdd,
  npmInstall,
  packLibrary,
  packReleases,
  pnpmAdd,
  pnpmInstall,
  spec,
  userAgentOf,
  writeLibrary,
  writeProgram,
} from "./layouts/fixtures";

/** What the provider process says when the program folder does not resolve the package. */
function notFound(program: string, declared = CURRENT_VERSION): string {
  const install = `${PACKAGE}@${declared}`;
  return (
    `Pulumi's provider process cannot find ${PACKAGE} from ${program}: the program must depend ` +
    `on it directly (npm install ${install}, or pnpm add ${install}); a library declares it as ` +
    `a peerDependency`
  );
}

/** What preview says of the library's dataset when the process loaded another copy than it. */
function otherCopy(declared: string, loaded: { version: string; dir: string }): string {
  const install = `${PACKAGE}@${declared}`;
  return (
    `pulumi-nodejs:dynamic/aep:Dataset resource 'landing-dataset' has a problem: declared with ` +
    `${PACKAGE} ${declared}, but Pulumi's provider process loaded ${PACKAGE} ${loaded.version} ` +
    `from ${loaded.dir}, and one copy must both declare and run a resource: install the ` +
    `declaring version in the program (npm install ${install}, or pnpm add ${install}); a ` +
    `library built on ${PACKAGE} declares it as a peerDependency, not a dependency`
  );
}

const NO_OBJECTS = {
  dataSets: 0,
  connections: 0,
  sourceConnections: 0,
  targetConnections: 0,
  flows: 0,
};

describe("e2e: a component library built on the package, in each npm and pnpm layout", function () {
  this.timeout(300_000);
  const e2e = useE2E();
  let root: string;
  let current: Release;
  let older: Release;
  let stackCount = 0;

  before(() => {
    root = mkdtempSync(path.join(e2e.root, "layouts-"));
    const releases = packReleases(path.join(root, "releases"), [CURRENT_VERSION, OLDER_VERSION]);
    current = releases.get(CURRENT_VERSION)!;
    older = releases.get(OLDER_VERSION)!;
  });

  function layoutDir(name: string): string {
    const dir = path.join(root, name);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  /** The library as a registry serves it (packed), declaring the package as told. */
  function packedLibrary(layout: string, uses: LibraryDependency): string {
    return `file:${packLibrary(writeLibrary(path.join(layout, LIBRARY), uses), layout)}`;
  }

  /**
   * The convention: a program folder `name` that depends on `release` and on the library, which
   * peer-depends on the current version (packed into a folder of its own).
   */
  function conventionProgram(layout: string, name: string, release: Release): string {
    return writeProgram(path.join(layout, name), {
      [PACKAGE]: spec(release),
      [LIBRARY]: packedLibrary(path.join(layout, `${name}-library`), {
        peer: `^${CURRENT_VERSION}`,
      }),
    });
  }

  /** The program: one component of the library, loaded from the program folder. */
  function landingProgram(program: string): PulumiFn {
    return async () => {
      const { CampaignLanding } = loadLibrary(program);
      // Catalog needs the dataset's schema to exist: the harness creates it in the emulator.
      const schemaId = await e2e.schemaId();
      const landing = new CampaignLanding("landing", { campaign: "spring", schemaId });
      return { datasetId: landing.datasetId };
    };
  }

  /**
   * A stack of the program in `program` (that folder is also the provider process's), run on the
   * SDK its library loads. `name` reopens an existing stack after a reinstall.
   */
  async function programStack(program: string, name?: string): Promise<Stack> {
    const stackName = name ?? `layout${(stackCount += 1)}`;
    return e2e.openStack(
      stackName,
      landingProgram(program),
      { main: program, workDir: program, automation: automationFor(program) },
      name === undefined,
    );
  }

  /** The User-Agents of the API writes so far: which copies' code made them. */
  function writers(): string[] {
    return [...new Set(e2e.apiWrites().map((r) => String(r.headers["user-agent"])))];
  }

  /** Preview and up work, and every API write came from the copy of version `ran`. */
  async function assertWorks(program: string, ran: string): Promise<Stack> {
    // The copy that declares the library's resources and the one the provider process loads.
    assert.equal(declaringCopy(program).version, ran);
    assert.equal(copySeenFrom(program)?.version, ran);
    const stack = await programStack(program);
    const preview = await stack.preview({ color: "never" });
    assert.deepEqual(preview.changeSummary, { create: 3 });
    assert.deepEqual(e2e.apiWrites().map(describeRequest), []);
    const up = await stack.up({ color: "never" });
    assert.deepEqual(up.summary.resourceChanges, { create: 3 });
    assert.deepEqual(e2e.apiWrites().map(describeRequest), ["POST catalog:/dataSets"]);
    assert.deepEqual(writers(), [userAgentOf(ran)]);
    const [dataset] = e2e.objects("dataSets");
    assert.equal(dataset?.name, "Acme spring landing");
    assert.equal(up.outputs.datasetId?.value, dataset?.id);
    return stack;
  }

  /** Preview and up both fail with `message`; nothing is written and the state stays empty. */
  async function assertRefused(program: string, message: string): Promise<Stack> {
    const stack = await programStack(program);
    for (const operation of ["preview", "up"] as const) {
      const failure = await stack[operation]({ color: "never" }).then(
        () => undefined,
        (error: unknown) => error as Error,
      );
      assert.ok(failure, `${operation} must fail`);
      assertNamesOnly(failure, message);
      assert.deepEqual(e2e.apiWrites().map(describeRequest), [], `${operation} wrote nothing`);
    }
    assert.deepEqual(e2e.counts(), NO_OBJECTS);
    assert.deepEqual(await stateResources(stack), []);
    return stack;
  }

  /**
   * The program folder resolves no copy: preview and up refuse with the not-found message. Then
   * `add` (the fix it names) is run, and preview and up work with the current version.
   */
  async function assertFoundOnceAdded(program: string, add: () => void): Promise<void> {
    assert.equal(copySeenFrom(program), undefined);
    await assertRefused(program, notFound(program));
    add();
    e2e.reset();
    await assertWorks(program, CURRENT_VERSION);
  }

  /** The failure carries the message, and no bare module-resolution error. */
  function assertNamesOnly(failure: Error, message: string): void {
    assert.ok(
      failure.message.includes(message),
      `expected the message\n  ${message}\nin\n${failure.message}`,
    );
    assert.doesNotMatch(failure.message, /Cannot find module/);
  }

  it("npm, hoisted: the library peer-depends on the package and the program depends on it", async () => {
    const layout = layoutDir("npm-hoisted");
    const program = conventionProgram(layout, "program", current);
    npmInstall(program);
    // One copy, at the program's root: the library loads it and so does the provider process.
    assert.deepEqual(declaringCopy(program), copySeenFrom(program));
    await assertWorks(program, CURRENT_VERSION);
  });

  it("npm, two versions: a peer dependency refuses the install; a plain one nests a copy, which preview refuses", async () => {
    const layout = layoutDir("npm-nested");
    // By the convention, npm refuses the conflict before anything is installed.
    const strict = conventionProgram(layout, "peer", older);
    assert.throws(
      () => npmInstall(strict),
      (error: Error) =>
        error.message.includes("ERESOLVE") &&
        error.message.includes(`peer ${PACKAGE}@"^${CURRENT_VERSION}"`),
    );

    // A plain dependency: npm nests the library's own copy, and the program's stays at the root.
    const program = writeProgram(path.join(layout, "program"), {
      [PACKAGE]: spec(older),
      [LIBRARY]: packedLibrary(layout, { dependency: current }),
    });
    npmInstall(program);
    const rootCopy = { version: OLDER_VERSION, dir: path.join(program, "node_modules", PACKAGE) };
    assert.deepEqual(copySeenFrom(program), rootCopy);
    assert.deepEqual(declaringCopy(program), {
      version: CURRENT_VERSION,
      dir: path.join(program, "node_modules", LIBRARY, "node_modules", PACKAGE),
    });
    await assertRefused(program, otherCopy(CURRENT_VERSION, rootCopy));

    // The fix the message names: the program moves to the version the library declares with,
    // and npm drops the nested copy. This process read that copy's package.json, which Node keeps
    // for good, so the program runs from a copy of the folder as the fix left it.
    npmAdd(program, current);
    const fixed = copyFolder(program, path.join(layout, "fixed"));
    assert.deepEqual(declaringCopy(fixed), copySeenFrom(fixed));
    await assertWorks(fixed, CURRENT_VERSION);
  });

  it("npm, file: link to a library folder beside the program: found once the program depends on the package", async () => {
    const layout = layoutDir("npm-link");
    // The library's own development install holds the copy its code loads.
    const library = writeLibrary(path.join(layout, LIBRARY), {
      peer: `^${CURRENT_VERSION}`,
      dev: current,
    });
    npmInstall(library);
    const program = writeProgram(path.join(layout, "program"), {
      [LIBRARY]: `file:../${LIBRARY}`,
    });
    npmInstall(program);
    assert.equal(declaringCopy(program).dir, path.join(library, "node_modules", PACKAGE));
    await assertFoundOnceAdded(program, () => npmAdd(program, current));
    assert.equal(copySeenFrom(program)?.dir, path.join(program, "node_modules", PACKAGE));
  });

  it("pnpm, isolated: found once the program depends on the package", async () => {
    const layout = layoutDir("pnpm");
    // The layout the issue met: the library brings the package as its own dependency.
    const program = writeProgram(path.join(layout, "program"), {
      [LIBRARY]: packedLibrary(layout, { dependency: current }),
    });
    pnpmInstall(program);
    assert.match(declaringCopy(program).dir, /\/node_modules\/\.pnpm\/pulumi-aep-flow@/);
    await assertFoundOnceAdded(program, () => pnpmAdd(program, program, current));
  });

  it("pnpm workspace: a workspace library is found once the program depends on the package", async () => {
    const workspace = layoutDir("pnpm-workspace");
    writeLibrary(path.join(workspace, LIBRARY), { peer: `^${CURRENT_VERSION}`, dev: current });
    const program = writeProgram(path.join(workspace, "program"), { [LIBRARY]: "workspace:*" });
    pnpmInstall(workspace, [LIBRARY, "program"]);
    assert.equal(
      declaringCopy(program).dir.startsWith(path.join(workspace, "node_modules", ".pnpm")),
      true,
    );
    await assertFoundOnceAdded(program, () => pnpmAdd(program, workspace, current));
  });

  it("a deployed stack, then a fresh checkout installed without the package: preview, refresh and destroy name the fix and change nothing", async () => {
    const layout = layoutDir("reinstalled");
    const first = conventionProgram(layout, "first-checkout", current);
    pnpmInstall(first);
    const deployed = await assertWorks(first, CURRENT_VERSION);
    const before = await stateResources(deployed);
    e2e.emulator.clearRequests();

    // The program dropped its own dependency ("the library brings it"); CI clones and installs.
    const checkout = writeProgram(path.join(layout, "fresh-checkout"), {
      [LIBRARY]: packedLibrary(path.join(layout, "plain"), { dependency: current }),
    });
    const stackFile = `Pulumi.${deployed.name}.yaml`;
    copyFileSync(path.join(first, stackFile), path.join(checkout, stackFile));
    pnpmInstall(checkout);
    const broken = await programStack(checkout, deployed.name);
    for (const operation of ["preview", "refresh", "destroy"] as const) {
      const failure = await broken[operation]({ color: "never" }).then(
        () => undefined,
        (error: unknown) => error as Error,
      );
      assert.ok(failure, `${operation} must fail`);
      assertNamesOnly(failure, notFound(checkout));
    }
    assert.deepEqual(e2e.apiWrites().map(describeRequest), []);
    assert.deepEqual(versions(await stateResources(broken)), versions(before));
    assert.equal(e2e.objects("dataSets").length, 1);

    // The fix the message names; then the stack is whole again, and destroy removes it all.
    pnpmAdd(checkout, checkout, current);
    const fixed = await programStack(checkout, deployed.name);
    const preview = await fixed.preview({ color: "never" });
    assert.deepEqual(preview.changeSummary, { same: 3 });
    const destroy = await fixed.destroy({ color: "never" });
    assert.deepEqual(destroy.summary.resourceChanges, { delete: 3 });
    assert.deepEqual(writers(), [userAgentOf(CURRENT_VERSION)]);
    assert.deepEqual(e2e.counts(), NO_OBJECTS);
    assert.deepEqual(await stateResources(fixed), []);
  });
});
