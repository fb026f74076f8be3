// The aep-flow command line, run in-process: `recover` against a stand-in `pulumi` executable (which
// prints a canned export, config and history and records what it is asked to import) and nock in
// place of Adobe, so each test asserts the exact Pulumi commands, HTTP calls, output and exit code.
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import nock from "nock";
import { resetClientForTests } from "../../../provider/client";
import { buildProgram, runCli } from "../../../provider/cli";
import { TYPE_PREFIX } from "../../../provider/cli/recover/kinds";
import type { Output } from "../../../provider/cli/output";
import { datasetInputs, sourceConnectionInputs } from "../../fixtures/inputs";
import { deployment, resource, STACK_CREATED } from "./fixtures";

const PLATFORM = "https://platform.example.test";
const IMS = "https://ims.example.test";
const FLOW = "/data/foundation/flowservice";
const ORG = "0123456789ABCDEF01234567@AdobeOrg";
const CLIENT_SECRET = "client-secret-0d9f8e7c6b5a";
const SOURCE = `${TYPE_PREFIX}SourceConnection`;
const DATASET = `${TYPE_PREFIX}Dataset`;
const LAST_UPDATE_END = "2026-03-02T10:00:00.000Z";
const source = sourceConnectionInputs();
const SOURCE_FILTER = `name=="${source.name}"`;

/** `pulumi config --json --show-secrets` of a stack pointed at the fake Adobe. */
const CONFIG = {
  "aep:platformUrl": { value: PLATFORM, secret: false },
  "aep:imsUrl": { value: IMS, secret: false },
  "aep:clientId": { value: "client-id", secret: false },
  "aep:clientSecret": { value: CLIENT_SECRET, secret: true },
  "aep:orgId": { value: ORG, secret: false },
  "aep:sandboxName": { value: "dev", secret: false },
  "pipelines:campaignId": { value: "c66a200cda", secret: false },
};

/** A stand-in for the Pulumi CLI: canned answers from files next to it, every call logged. */
const FAKE_PULUMI = `#!${process.execPath}
const fs = require("fs");
const path = require("path");
const dir = __dirname;
const args = process.argv.slice(2);
fs.appendFileSync(path.join(dir, "calls.log"), JSON.stringify(args) + "\\n");
const command = args.slice(0, 2).join(" ");
const canned = { "stack export": "export.json", "config --json": "config.json", "stack history": "history.json" }[command];
if (canned) {
  process.stdout.write(fs.readFileSync(path.join(dir, canned), "utf8"));
} else if (command === "stack import") {
  if (fs.existsSync(path.join(dir, "locked"))) {
    process.stderr.write("error: could not import deployment: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with \`pulumi cancel\`.\\n  file:///b/.pulumi/locks/organization/p/dev/x.json: created by ci@runner (pid 4242) at 2026-03-02T10:00:01Z\\n");
    process.exit(255);
  }
  const n = fs.readdirSync(dir).filter((f) => f.startsWith("import-")).length;
  fs.writeFileSync(path.join(dir, "import-" + n + ".json"), fs.readFileSync(0, "utf8"));
  process.stdout.write("Import complete.\\n");
} else {
  process.stderr.write("error: unexpected command " + command + "\\n");
  process.exit(1);
}
`;

function platform() {
  return nock(PLATFORM, {
    reqheaders: {
      authorization: "Bearer issued-token",
      "x-api-key": "client-id",
      "x-gw-ims-org-id": ORG,
      "x-sandbox-name": "dev",
    },
  });
}

function tokenEndpoint(times = 1) {
  return nock(IMS)
    .post("/ims/token/v3", (body: Record<string, string>) => body.client_secret === CLIENT_SECRET)
    .times(times)
    .reply(200, { access_token: "issued-token", token_type: "bearer", expires_in: 86399 });
}

/** `GET /sourceConnections?property=name=="<the source's name>"`, answering these objects. */
function listSources(items: object[]) {
  return platform()
    .get(`${FLOW}/sourceConnections`)
    .query({ property: SOURCE_FILTER })
    .reply(200, { items });
}

/** A source connection as Flow Service returns it. */
function remoteSource(id: string, createdAt: number) {
  return {
    ...source,
    id,
    ...systemOutputs(createdAt),
    inheritedAttributes: { baseConnection: { id: source.baseConnectionId } },
  };
}

/** The members Flow Service adds that the provider keeps as outputs. */
function systemOutputs(createdAt: number) {
  return {
    etag: '"e-1"',
    state: "enabled",
    createdAt,
    updatedAt: createdAt,
    sandboxName: "dev",
    imsOrgId: ORG,
  };
}

describe("aep-flow recover (command line)", () => {
  let dir: string;
  let out: string[];
  let err: string[];
  const output: Output = {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    columns: undefined,
  };

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "aep-flow-cli-"));
    writeFileSync(path.join(dir, "pulumi"), FAKE_PULUMI);
    chmodSync(path.join(dir, "pulumi"), 0o755);
    writeFileSync(path.join(dir, "config.json"), JSON.stringify(CONFIG));
    writeFileSync(
      path.join(dir, "history.json"),
      JSON.stringify([{ kind: "update", endTime: LAST_UPDATE_END }]),
    );
    out = [];
    err = [];
    resetClientForTests({ retry: { limit: 0 } });
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    resetClientForTests();
  });

  function withState(exported: object): void {
    writeFileSync(path.join(dir, "export.json"), JSON.stringify(exported));
  }

  function cli(...args: string[]): Promise<number> {
    return runCli(args, {
      output,
      env: { PATH: process.env.PATH },
      pulumiCommand: path.join(dir, "pulumi"),
    });
  }

  /** The Pulumi commands run, in order. */
  function pulumiCalls(): string[] {
    const log = path.join(dir, "calls.log");
    return existsSync(log)
      ? readFileSync(log, "utf8")
          .trim()
          .split("\n")
          .map((line) => (JSON.parse(line) as string[]).join(" "))
      : [];
  }

  function imported(n: number): { version: number; deployment: Record<string, unknown> } {
    return JSON.parse(readFileSync(path.join(dir, `import-${n}.json`), "utf8"));
  }

  const pendingSource = () =>
    deployment([], [{ type: "creating", resource: resource(SOURCE, "campaign", source) }]);

  it("prints help for the program and for every command, and exits 0", async () => {
    assert.equal(await cli("--help"), 0);
    assert.match(out.join("\n"), /^Usage: aep-flow \[options\] \[command\]/);
    const names = buildProgram({
      output,
      env: {},
      pulumiCommand: "pulumi",
      secrets: [],
      pollIntervalMs: 1,
      sleep: async () => undefined,
    }).commands.map((c) => c.name());
    assert.deepEqual(names, ["flows", "runs", "explore", "specs", "recover", "export", "emulator"]);
    for (const name of names) {
      out = [];
      assert.equal(await cli(name, "--help"), 0);
      const help = out.join("\n");
      assert.match(help, new RegExp(`^Usage: aep-flow ${name} \\[options\\]`));
      // The emulator reads no stack; every other command reads Adobe with the stack's settings.
      const options =
        name === "emulator" ? ["--json"] : ["--stack <name>", "--cwd <dir>", "--json"];
      for (const option of options)
        assert.ok(help.includes(option), `${name} --help lists ${option}`);
    }
    assert.deepEqual(err, []);
  });

  it("exits 2 with one line on a bad command line", async () => {
    assert.equal(await cli("recover", "--adopt", "--delete"), 2);
    assert.deepEqual(err, ["error: option '--adopt' cannot be used with option '--delete'"]);
    err = [];
    withState(pendingSource());
    assert.equal(await cli("recover", "--id", "campaign"), 2);
    assert.deepEqual(err, ["error: --id campaign: expected <urn>=<id> or <resource name>=<id>."]);
  });

  it("says so when there is nothing to recover, reading only the state", async () => {
    withState(deployment([resource(SOURCE, "campaign", source, { id: "s-1" })]));
    assert.equal(await cli("recover", "--stack", "dev"), 0);
    assert.deepEqual(out, [
      'No interrupted operation on a pulumi-aep-flow resource in stack "dev": nothing to recover.',
    ]);
    assert.deepEqual(pulumiCalls(), ["stack export --stack dev --non-interactive"]);
  });

  it("plans: finds the object the killed create made and changes nothing", async () => {
    withState(pendingSource());
    const ims = tokenEndpoint();
    const api = listSources([
      remoteSource("s-before", Date.parse("2026-03-01T08:00:00Z")),
      remoteSource("s-1", Date.parse("2026-03-02T10:01:00Z")),
    ]);
    assert.equal(await cli("recover", "--stack", "dev", "--json"), 0);
    const report = JSON.parse(out.join("\n"));
    assert.deepEqual(report, {
      stack: "dev",
      mode: "plan",
      applied: false,
      startedAfter: LAST_UPDATE_END,
      operations: [
        {
          urn: "urn:pulumi:dev::pipelines::pulumi-nodejs:dynamic/aep:SourceConnection::campaign",
          type: SOURCE,
          name: "campaign",
          operation: "creating",
          objectName: source.name,
          status: "found",
          id: "s-1",
          createdAt: "2026-03-02T10:01:00.000Z",
          chosen: false,
          rejected: [
            {
              id: "s-before",
              reason: "created 2026-03-01T08:00:00.000Z, before the interrupted run",
            },
          ],
          action: "adopt-or-delete",
        },
      ],
      others: [],
      next: ["aep-flow recover --stack dev --adopt   (or --delete)"],
    });
    assert.deepEqual(pulumiCalls(), [
      "stack export --stack dev --non-interactive",
      "config --json --show-secrets --stack dev --non-interactive",
      "stack history --json --page-size 1 --stack dev --non-interactive",
    ]);
    api.done();
    ims.done();
  });

  it("plans as a table for people", async () => {
    withState(pendingSource());
    tokenEndpoint();
    listSources([]);
    assert.equal(await cli("recover", "--stack", "dev", "--cwd", dir), 0, err.join("\n"));
    assert.deepEqual(out, [
      'Stack "dev": 1 interrupted operation on pulumi-aep-flow resources:',
      [
        "RESOURCE                   INTERRUPTED WHILE  IN ADOBE             ACTION",
        "SourceConnection campaign  creating           nothing was created  clear the pending create",
      ].join("\n"),
      "Nothing was changed.",
      `Next: aep-flow recover --stack dev --cwd ${dir} --adopt   (--adopt and --delete differ only for objects found)`,
    ]);
  });

  it("--adopt writes the object into the state with the provider's read as outputs", async () => {
    const exported = pendingSource();
    withState(exported);
    const createdAt = Date.parse("2026-03-02T10:01:00Z");
    tokenEndpoint();
    const api = listSources([remoteSource("s-1", createdAt)])
      .get(`${FLOW}/sourceConnections/s-1`)
      .reply(200, { items: [remoteSource("s-1", createdAt)] });
    assert.equal(await cli("recover", "--stack", "dev", "--adopt"), 0, err.join("\n"));
    api.done();
    // First the unchanged state (the lock probe), then the recovered one.
    assert.deepEqual(imported(0), exported);
    const written = imported(1);
    assert.equal("pending_operations" in written.deployment, false);
    const resources = written.deployment.resources as Array<Record<string, unknown>>;
    const adopted = resources.at(-1)!;
    assert.equal(adopted.id, "s-1");
    assert.deepEqual(adopted.inputs, { __provider: "exports.handler = __f0;", ...source });
    assert.deepEqual(adopted.outputs, {
      ...source,
      __provider: "exports.handler = __f0;",
      ...systemOutputs(createdAt),
    });
    assert.equal(
      out[0],
      'Stack "dev": 1 interrupted operation on pulumi-aep-flow resources, recovered:',
    );
    assert.match(
      out[1]!,
      /SourceConnection campaign +creating +s-1 \(created 2026-03-02T10:01:00\.000Z\) +recorded in the state$/m,
    );
    assert.deepEqual(out.slice(2), [
      'The state of stack "dev" was written with pulumi stack import.',
      "Next: pulumi up --stack dev   (or pulumi destroy --stack dev, whichever was interrupted)",
    ]);
  });

  it("--delete deletes the object in Adobe, then clears the pending create", async () => {
    withState(pendingSource());
    tokenEndpoint();
    const api = listSources([remoteSource("s-1", Date.parse("2026-03-02T10:01:00Z"))])
      .delete(`${FLOW}/sourceConnections/s-1`)
      .reply(204);
    assert.equal(await cli("recover", "--stack", "dev", "--delete", "--json"), 0, err.join("\n"));
    api.done();
    const written = imported(1);
    assert.equal("pending_operations" in written.deployment, false);
    assert.equal((written.deployment.resources as unknown[]).length, 2);
    assert.equal(JSON.parse(out.join("\n")).operations[0].action, "deleted");
  });

  it("stops before touching Adobe while the killed run's lock is held", async () => {
    withState(pendingSource());
    writeFileSync(path.join(dir, "locked"), "");
    tokenEndpoint();
    // No DELETE is expected: nock refuses any request not listed here.
    listSources([remoteSource("s-1", Date.parse("2026-03-02T10:01:00Z"))]);
    assert.equal(await cli("recover", "--stack", "dev", "--delete"), 1);
    assert.deepEqual(err, [
      "error: `pulumi stack import --stack dev` failed: could not import deployment: the stack is currently " +
        "locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with " +
        "`pulumi cancel`. The interrupted run's lock is still held: once none of its `pulumi` processes is " +
        "left, run `pulumi cancel --yes --stack dev`, then aep-flow recover again. Nothing was changed.",
    ]);
  });

  it("refuses to guess between several objects, and takes the one --id names", async () => {
    withState(pendingSource());
    tokenEndpoint();
    listSources([
      remoteSource("s-1", Date.parse("2026-03-02T10:01:00Z")),
      remoteSource("s-2", Date.parse("2026-03-02T10:02:00Z")),
    ]);
    assert.equal(await cli("recover", "--stack", "dev", "--adopt"), 1);
    assert.deepEqual(err, [
      "error: Nothing was changed: SourceConnection campaign (2 objects fit: s-1, s-2). Say which object is " +
        "which with --id <urn>=<id>, once per resource.",
    ]);
    assert.equal(existsSync(path.join(dir, "import-0.json")), false);

    err = [];
    out = [];
    const api = platform()
      .get(`${FLOW}/sourceConnections/s-2`)
      .reply(200, { items: [remoteSource("s-2", Date.parse("2026-03-02T10:02:00Z"))] });
    assert.equal(
      await cli("recover", "--stack", "dev", "--adopt", "--id", "campaign=s-2", "--json"),
      0,
      err.join("\n"),
    );
    api.done();
    const adopted = (imported(1).deployment.resources as Array<Record<string, unknown>>).at(-1)!;
    assert.equal(adopted.id, "s-2");
  });

  it("looks a dataset up in Catalog by name, with the stack's credentials", async () => {
    const inputs = datasetInputs();
    withState(
      deployment([], [{ type: "creating", resource: resource(DATASET, "activity", inputs) }]),
    );
    const ims = tokenEndpoint();
    const catalog = platform()
      .get("/data/foundation/catalog/dataSets")
      .query({ name: inputs.name, limit: "100", start: "0" })
      .reply(200, {
        "5c8c3c555033b814b69f947f": {
          ...inputs,
          created: Date.parse("2026-03-02T10:00:30Z"),
          version: "1.0.0",
        },
      });
    assert.equal(await cli("recover", "--stack", "dev", "--json"), 0, err.join("\n"));
    catalog.done();
    ims.done();
    const [operation] = JSON.parse(out.join("\n")).operations;
    assert.deepEqual([operation.status, operation.id], ["found", "5c8c3c555033b814b69f947f"]);
  });

  it("without a completed update, the stack's creation bounds the search", async () => {
    withState(pendingSource());
    writeFileSync(path.join(dir, "history.json"), "[]");
    tokenEndpoint();
    listSources([]);
    assert.equal(await cli("recover", "--stack", "dev", "--json"), 0, err.join("\n"));
    assert.equal(
      JSON.parse(out.join("\n")).startedAfter,
      new Date(Date.parse(STACK_CREATED)).toISOString(),
    );
  });

  it("fails with one line naming the setting to fix when a setting is missing", async () => {
    withState(pendingSource());
    const { "aep:orgId": _org, ...withoutOrg } = CONFIG;
    writeFileSync(path.join(dir, "config.json"), JSON.stringify(withoutOrg));
    assert.equal(await cli("recover", "--stack", "dev"), 1);
    assert.equal(err.length, 1);
    assert.match(
      err[0]!,
      /^error: The AEP IMS organization id is not set: .*`aep:orgId`.* AEP_ORG_ID\.$/,
    );
  });

  it("shows Adobe's code and message on one line, never the credential", async () => {
    withState(pendingSource());
    nock(IMS)
      .post("/ims/token/v3")
      .reply(401, {
        error: "invalid_client",
        error_description: `invalid client_secret ${CLIENT_SECRET}`,
      });
    assert.equal(await cli("recover", "--stack", "dev"), 1);
    assert.equal(err.length, 1);
    assert.match(err[0]!, /^error: .*\(401 invalid_client\)/);
    assert.ok(!err[0]!.includes(CLIENT_SECRET), err[0]);
  });

  it("names a --cwd folder that does not exist", async () => {
    assert.equal(await cli("recover", "--cwd", path.join(dir, "missing")), 2);
    assert.deepEqual(err, [`error: --cwd ${path.join(dir, "missing")}: no such folder.`]);
  });

  it("says how to get the Pulumi CLI when it is missing", async () => {
    const code = await runCli(["recover"], { output, env: { PATH: "/nonexistent" } });
    assert.equal(code, 1);
    assert.deepEqual(err, [
      "error: The Pulumi CLI (`pulumi`) is not on PATH: this command reads the stack through it; install it " +
        "(https://www.pulumi.com/docs/iac/download-install/) and run again.",
    ]);
  });
});
