// Each resource's `__provider` is a module text stored in the state. These tests check what each
// text holds and evaluate it the way Pulumi's provider process does: in a fresh Node process
// started in a program folder, with require-from-string, calling `handler()`, then the methods.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { startEmulator, type EmulatorHandle } from "../../provider/emulator";
import * as registry from "../../provider/resources/registry";
import { providerText } from "../../provider/resources/providerText";
import * as runtime from "../../provider/runtime";
import { LEGACY_KEYS, legacyProviderText } from "../fixtures/legacyProviders";

// Pulumi's mocks create these globals; declare them before mocha snapshots the globals, so its
// leak check passes whichever suite runs first (tests/e2e/harness.ts does the same).
for (const name of ["globalStore", "stackResource"]) {
  if (!(name in globalThis)) (globalThis as Record<string, unknown>)[name] = undefined;
}

const REPO_ROOT = fs.realpathSync(path.resolve(__dirname, "../../.."));
const VERSION = (
  JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version: string }
).version;
const RESOURCES = Object.values(registry);
const KEYS = RESOURCES.map((resource) => resource.definition.key);

/** What `check` says of `{ name: "" }`: each resource's own list, so a text reaching the wrong provider shows. */
const CHECK_FAILURES: Record<string, string[]> = {
  base: ["name", "connectionSpec", "auth"],
  source: ["name", "baseConnectionId", "connectionSpec", "data", "params"],
  target: ["name", "connectionSpec", "data", "params"],
  dataflow: ["name", "flowSpec", "sourceConnectionIds", "targetConnectionIds", "scheduleParams"],
  dataset: ["name", "schemaRef"],
};
/** Where each resource's `read` looks for an object. */
const READ_PATHS: Record<string, string> = {
  base: "/data/foundation/flowservice/connections/missing-id",
  source: "/data/foundation/flowservice/sourceConnections/missing-id",
  target: "/data/foundation/flowservice/targetConnections/missing-id",
  dataflow: "/data/foundation/flowservice/flows/missing-id",
  dataset: "/data/foundation/catalog/dataSets/missing-id",
};

/** The key a text asks the runtime for: `.provider("key", ...)`, or a legacy `.key.check(`. */
function keyNamedBy(text: string): string | undefined {
  return (/\.provider\("(\w+)",/.exec(text) ?? /runtime"\)\.(\w+)\.check\(/.exec(text))?.[1];
}

interface Outcome {
  /** The message when `handler()` or a method threw. */
  error?: string;
  failures?: Array<{ property: string; reason: string }>;
  diff?: unknown;
  read?: unknown;
}

// Run by a fresh `node` in the program folder: evaluates each text as Pulumi's provider process
// does (lib/cmd/dynamic-provider: requireFromString(text).handler(), then configure once), then
// check, diff and read through it.
const CHILD = `
const requireFromString = require(process.env.REQUIRE_FROM_STRING);
const settings = JSON.parse(process.env.SETTINGS);
const config = { get: (key) => settings[key] };
(async () => {
  const outcomes = [];
  for (const text of JSON.parse(process.env.TEXTS)) {
    try {
      const provider = requireFromString(text).handler();
      await provider.configure({ config });
      const { failures } = await provider.check({}, { name: "" });
      const diff = await provider.diff("missing-id", { name: "a" }, { name: "a", __provider: text });
      const read = await provider.read("missing-id", { name: "a", __provider: text });
      outcomes.push({ failures, diff, read });
    } catch (error) {
      outcomes.push({ error: error.message });
    }
  }
  process.stdout.write(JSON.stringify(outcomes));
})();`;

describe("__provider texts", () => {
  let emulator: EmulatorHandle;
  let program: string;

  before(async () => {
    emulator = await startEmulator({ port: 0 });
    // A program folder that depends on the package the way users install it: a node_modules entry.
    program = fs.mkdtempSync(path.join(os.tmpdir(), "aep-program-"));
    fs.mkdirSync(path.join(program, "node_modules"));
    fs.symlinkSync(REPO_ROOT, path.join(program, "node_modules", "pulumi-aep-flow"));
  });
  after(async () => {
    await emulator.close();
    fs.rmSync(program, { recursive: true, force: true });
  });
  beforeEach(() => emulator.reset());

  /** Evaluates the texts in one fresh Node process started in `cwd`, as the provider process. */
  async function evaluate(cwd: string, texts: string[]): Promise<Outcome[]> {
    const settings = {
      "aep:platformUrl": emulator.url,
      "aep:imsUrl": emulator.url,
      "aep:clientId": "texts",
      "aep:clientSecret": "texts-secret",
      "aep:orgId": "TEXTS000000000000000000@AdobeOrg",
    };
    const { stdout } = await promisify(execFile)(process.execPath, ["-e", CHILD], {
      cwd,
      env: {
        PATH: process.env.PATH,
        REQUIRE_FROM_STRING: require.resolve("require-from-string"),
        SETTINGS: JSON.stringify(settings),
        TEXTS: JSON.stringify(texts),
      },
    });
    return JSON.parse(stdout) as Outcome[];
  }

  /** The paths of the GETs the emulator served to Flow Service and Catalog. */
  const reads = () =>
    emulator
      .requests()
      .filter((r) => r.method === "GET" && r.path.startsWith("/data/"))
      .map((r) => r.path);

  // Every registry text, evaluated together in one provider process as the engine would.
  let evaluated: Promise<{ outcomes: Map<string, Outcome>; reads: string[] }> | undefined;
  function registryTexts() {
    evaluated ??= evaluate(
      program,
      KEYS.map((key) => providerText(key)),
    ).then((outcomes) => ({
      outcomes: new Map(KEYS.map((key, i) => [key, outcomes[i] ?? {}])),
      reads: reads(),
    }));
    return evaluated;
  }

  it("the registry keys are unique, and include every key the state of earlier releases names", () => {
    assert.equal(new Set(KEYS).size, KEYS.length, KEYS.join(", "));
    for (const key of LEGACY_KEYS) assert.ok(KEYS.includes(key), key);
  });

  for (const resource of RESOURCES) {
    const { key, typeName } = resource.definition;
    describe(`${typeName} (key "${key}")`, () => {
      it("has a text of at most 400 bytes that names its key and the declaring version, and no path", () => {
        const text = providerText(key);
        assert.ok(text.length <= 400, `${text.length} bytes`);
        // The state stores it as a JSON string: escaped quotes count there.
        assert.ok(JSON.stringify(text).length <= 400, `${JSON.stringify(text).length} in JSON`);
        assert.equal(keyNamedBy(text), key);
        assert.ok(text.includes(`.provider("${key}","${VERSION}")`), text);
        assert.ok(text.includes('(r="pulumi-aep-flow/runtime")=>'), text);
        for (const local of [REPO_ROOT, os.homedir(), os.tmpdir()]) {
          assert.ok(!text.includes(local), `names ${local}`);
        }
      });

      it("loads in a fresh Node process in a program folder, and its methods run", async function () {
        this.timeout(30_000);
        const { outcomes, reads } = await registryTexts();
        const outcome = outcomes.get(key);
        assert.equal(outcome?.error, undefined);
        assert.deepEqual(
          outcome?.failures?.map((failure) => failure.property),
          CHECK_FAILURES[key],
        );
        assert.deepEqual(outcome?.diff, {
          changes: false,
          replaces: [],
          deleteBeforeReplace: false,
        });
        assert.deepEqual(outcome?.read, { id: "" });
        assert.ok(reads.includes(READ_PATHS[key] ?? "none"), reads.join(", "));
      });
    });
  }

  it("each class registers its type token and its text, declared by this copy's version", async () => {
    const registered: Array<{ type: string; provider: unknown }> = [];
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          registered.push({ type: args.type, provider: args.inputs.__provider });
          return { id: `${args.name}-id`, state: args.inputs };
        },
        call: () => ({}),
      },
      "project",
      "stack",
      false,
    );
    for (const Resource of RESOURCES) {
      new Resource("r", {} as never);
    }
    await new Promise((resolve) => setImmediate(resolve));
    const byType = (a: { type: string }, b: { type: string }) => a.type.localeCompare(b.type);
    assert.deepEqual(
      registered.sort(byType),
      RESOURCES.map(({ definition }) => ({
        type: `pulumi-nodejs:dynamic/aep:${definition.typeName}`,
        provider: providerText(definition.key, VERSION),
      })).sort(byType),
    );
  });

  it("texts of earlier releases still load and run, and name only registry keys", async function () {
    this.timeout(30_000);
    const texts = LEGACY_KEYS.map(legacyProviderText);
    for (const text of texts) assert.ok(KEYS.includes(keyNamedBy(text) ?? ""), text);
    for (const key of LEGACY_KEYS) assert.equal(typeof runtime[key].check, "function");
    const outcomes = await evaluate(program, texts);
    assert.deepEqual(
      outcomes.map((outcome) => [outcome.error, outcome.failures?.map((f) => f.property)]),
      LEGACY_KEYS.map((key) => [undefined, CHECK_FAILURES[key]]),
    );
    assert.deepEqual(
      outcomes.map((outcome) => outcome.read),
      LEGACY_KEYS.map(() => ({ id: "" })),
    );
    assert.deepEqual(
      reads(),
      LEGACY_KEYS.map((key) => READ_PATHS[key]),
    );
  });

  it("a text declared by another version fails check with the fix, and still diffs and reads", async function () {
    this.timeout(30_000);
    const [outcome] = await evaluate(program, [providerText("dataflow", "0.0.1-other")]);
    assert.deepEqual(outcome, {
      failures: [
        {
          property: "",
          reason:
            `declared with pulumi-aep-flow 0.0.1-other, but Pulumi's provider process loaded ` +
            `pulumi-aep-flow ${VERSION} from ${REPO_ROOT}, and one copy must both declare and ` +
            `run a resource: install the declaring version in the program (npm install ` +
            `pulumi-aep-flow@0.0.1-other, or pnpm add pulumi-aep-flow@0.0.1-other); a library ` +
            `built on pulumi-aep-flow declares it as a peerDependency, not a dependency`,
        },
      ],
      diff: { changes: false, replaces: [], deleteBeforeReplace: false },
      read: { id: "" },
    });
    assert.deepEqual(reads(), [READ_PATHS.dataflow]);
  });

  it("a text declared by a newer version than the loaded copy refuses every method, so refresh and destroy never run older code", async function () {
    this.timeout(30_000);
    const text = providerText("dataflow", "99.0.0");
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        "-e",
        `const p = require(process.env.REQUIRE_FROM_STRING)(process.env.TEXT).handler();
        const props = { name: "a", __provider: process.env.TEXT };
        const outcome = async (call) => call().then(() => "ran", (error) => error.message);
        (async () => process.stdout.write(JSON.stringify({
          check: (await p.check({}, props)).failures,
          read: await outcome(() => p.read("flow-id", props)),
          update: await outcome(() => p.update("flow-id", props, props)),
          delete: await outcome(() => p.delete("flow-id", props)),
        })))();`,
      ],
      {
        cwd: program,
        env: {
          PATH: process.env.PATH,
          REQUIRE_FROM_STRING: require.resolve("require-from-string"),
          TEXT: text,
        },
      },
    );
    const reason =
      `declared with pulumi-aep-flow 99.0.0, but Pulumi's provider process loaded ` +
      `pulumi-aep-flow ${VERSION} from ${REPO_ROOT}, and one copy must both declare and ` +
      `run a resource: install the declaring version in the program (npm install ` +
      `pulumi-aep-flow@99.0.0, or pnpm add pulumi-aep-flow@99.0.0); a library ` +
      `built on pulumi-aep-flow declares it as a peerDependency, not a dependency`;
    assert.deepEqual(JSON.parse(stdout), {
      check: [{ property: "", reason }],
      read: reason,
      update: reason,
      delete: reason,
    });
    assert.deepEqual(emulator.requests(), [], "no call reached Adobe");
  });

  it("without the package in the program folder, a text says where it looked and how to fix it", async function () {
    this.timeout(30_000);
    const empty = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "aep-no-package-")));
    try {
      const outcomes = await evaluate(
        empty,
        KEYS.map((key) => providerText(key)),
      );
      const install = `pulumi-aep-flow@${VERSION}`;
      const message =
        `Pulumi's provider process cannot find pulumi-aep-flow from ${empty}: the program must ` +
        `depend on it directly (npm install ${install}, or pnpm add ${install}); a library ` +
        `declares it as a peerDependency`;
      assert.deepEqual(
        outcomes,
        KEYS.map(() => ({ error: message })),
      );
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
