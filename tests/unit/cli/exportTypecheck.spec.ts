// The programs `aep-flow export` writes type-check against the package as a user installs it:
// each generated folder gets a node_modules whose pulumi-aep-flow is this checkout (its built
// declarations in dist/provider, so `npm run build` first; `npm run test:unit` leaves this file
// out) and whose @pulumi and @types are the checkout's, and TypeScript checks it with the
// generated tsconfig.json.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { generateProject } from "../../../provider/cli/export/generate";
import { PACKAGE_ROOT } from "../../../provider/resources/packageCopy";
import {
  dataflow,
  exportOf,
  quotedNames,
  threeCampaigns,
  trickyNames,
  type MemorySandbox,
} from "./exportFixtures";

const TSC = path.join(PACKAGE_ROOT, "node_modules/typescript/bin/tsc");

/** A flow that runs an older version of its mapping set: the version stays a number. */
function olderMappingVersion(): MemorySandbox {
  const sandbox = threeCampaigns();
  sandbox.flows = [
    dataflow("flow-spring", "Spring flow", "source-spring", "target-1", {
      transformations: [{ name: "Mapping", params: { mappingId: "map-1", mappingVersion: 0 } }],
    }),
  ];
  return sandbox;
}

describe("aep-flow export: the generated program type-checks against the package", function () {
  this.timeout(120_000);
  let root: string;

  before(() => {
    assert.ok(
      existsSync(path.join(PACKAGE_ROOT, "dist/provider/index.d.ts")),
      "the package's declarations are not built: run `npm run build` first",
    );
    root = mkdtempSync(path.join(tmpdir(), "aep-export-typecheck-"));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  /** Writes the export of `sandbox` into a program folder that resolves the package. */
  async function programOf(name: string, sandbox: MemorySandbox): Promise<string> {
    const dir = path.join(root, name);
    const modules = path.join(dir, "node_modules");
    mkdirSync(modules, { recursive: true });
    const { model } = await exportOf(sandbox);
    for (const file of generateProject(model, { projectName: name }).files) {
      writeFileSync(path.join(dir, file.path), file.content);
    }
    symlinkSync(PACKAGE_ROOT, path.join(modules, "pulumi-aep-flow"), "dir");
    for (const scope of ["@pulumi", "@types"]) {
      symlinkSync(path.join(PACKAGE_ROOT, "node_modules", scope), path.join(modules, scope), "dir");
    }
    return dir;
  }

  /** `tsc -p <dir> --noEmit`: its exit code and what it printed. */
  function typecheck(dir: string): { status: number | null; output: string } {
    const result = spawnSync(process.execPath, [TSC, "-p", dir, "--noEmit"], { encoding: "utf8" });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  }

  for (const [name, sandbox] of [
    ["three-campaigns", threeCampaigns],
    ["tricky-names", trickyNames],
    ["quoted-names", quotedNames],
    ["older-mapping-version", olderMappingVersion],
  ] as const) {
    it(`type-checks the export of ${name}`, async () => {
      const result = typecheck(await programOf(name, sandbox()));
      assert.deepEqual(result, { status: 0, output: "" });
    });
  }

  it("fails on an input the resource does not declare (the check above can fail)", async () => {
    const dir = await programOf("wrong-input", threeCampaigns());
    const index = path.join(dir, "index.ts");
    writeFileSync(
      index,
      readFileSync(index, "utf8").replace("  tags: {},\n", "  tags: {},\n  labels: [],\n"),
    );
    const result = typecheck(dir);
    assert.equal(result.status, 2);
    assert.match(
      result.output,
      /index\.ts\(\d+,\d+\): error TS2353: Object literal may only specify known properties, and 'labels' does not exist in type 'DatasetArgs'/,
    );
  });
});
