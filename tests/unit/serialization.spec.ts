// The provider is code stored in the state: these tests serialize each one the way
// pulumi.dynamic.Resource does, check what the text holds, and run it in a fresh Node process
// started in a program folder, as Pulumi's provider process would.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import {
  baseConnectionProvider as baseConnection,
  dataflowProvider as dataflow,
  datasetProvider as dataset,
  sourceConnectionProvider as sourceConnection,
  targetConnectionProvider as targetConnection,
} from "../../provider/resources/serializedProviders";

const PROVIDERS = {
  base: baseConnection,
  source: sourceConnection,
  target: targetConnection,
  dataflow,
  dataset,
};
const REPO_ROOT = path.resolve(__dirname, "../../..");

async function serialize(provider: pulumi.dynamic.ResourceProvider) {
  return pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
}

describe("serialized providers", () => {
  for (const [name, provider] of Object.entries(PROVIDERS)) {
    describe(name, () => {
      it("is under 2 KB, captures no secret and no absolute path", async () => {
        const { text, containsSecrets } = await serialize(provider);
        assert.equal(containsSecrets, false);
        assert.ok(text.length < 2048, `${name}: ${text.length} bytes`);
        assert.ok(!text.includes(REPO_ROOT), "no checkout path");
        assert.ok(!text.includes(os.homedir()), "no home path");
        assert.ok(text.includes(`require("pulumi-aep-flow/runtime").${name}.check(`));
      });
    });
  }

  it("loads and runs in a fresh Node process started in a program folder", async function () {
    this.timeout(30000);
    const { text } = await serialize(dataflow);
    // A program folder that depends on the package the way users install it: node_modules link.
    const program = fs.mkdtempSync(path.join(os.tmpdir(), "aep-program-"));
    fs.mkdirSync(path.join(program, "node_modules"));
    fs.symlinkSync(REPO_ROOT, path.join(program, "node_modules", "pulumi-aep-flow"));
    fs.writeFileSync(path.join(program, "provider.js"), text);
    const script = `
      const requireFromString = require(${JSON.stringify(require.resolve("require-from-string"))});
      const fs = require("node:fs");
      const provider = requireFromString(fs.readFileSync("provider.js", "utf8")).handler();
      (async () => {
        await provider.configure({ config: { get: () => undefined, require: () => { throw new Error("no"); } } });
        const result = await provider.check({}, { name: "" });
        process.stdout.write(JSON.stringify(result.failures.map((f) => f.property)));
      })().catch((e) => { console.error(e); process.exit(1); });`;
    try {
      const out = execFileSync(process.execPath, ["-e", script], {
        cwd: program,
        encoding: "utf8",
      });
      assert.deepEqual(JSON.parse(out), [
        "name",
        "flowSpec",
        "sourceConnectionIds",
        "targetConnectionIds",
        "scheduleParams",
      ]);
    } finally {
      fs.rmSync(program, { recursive: true, force: true });
    }
  });
});
