/** The `aep-flow-emulator` command, run as a child process. */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Api, basicAuthConnection, call, issueToken, runNode } from "./helpers";

const CLI = resolve(__dirname, "../../provider/emulator/cli.js");

interface RunningCli {
  url: string;
  child: ChildProcess;
  /** Everything printed on stdout so far. */
  stdout(): string;
  /** Sends SIGTERM and resolves the exit code. */
  stop(): Promise<number | null>;
}

/** Spawns the CLI and waits for its `listening on` line. */
async function startCli(args: string[]): Promise<RunningCli> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const exited = once(child, "exit");
  let output = "";
  const url = await new Promise<string>((resolveUrl, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /^listening on (http:\/\/127\.0\.0\.1:\d+)\n/m.exec(output);
      if (match?.[1] !== undefined) {
        resolveUrl(match[1]);
      }
    });
    child.once("exit", (code) =>
      reject(new Error(`emulator exited with ${code} before listening: ${output}`)),
    );
  });
  return {
    url,
    child,
    stdout: () => output,
    stop: async () => {
      child.kill("SIGTERM");
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
}

/** Runs the CLI to completion (for --help and bad options). */
const runCli = (args: string[]) => runNode(CLI, args);

describe("emulator CLI", () => {
  let workDir: string;

  before(() => {
    workDir = mkdtempSync(join(tmpdir(), "aep-emulator-cli-"));
  });
  after(() => rmSync(workDir, { recursive: true, force: true }));

  it("prints the URL, serves requests and exits 0 on SIGTERM", async () => {
    const cli = await startCli(["--port", "0"]);
    try {
      assert.match(cli.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(cli.stdout(), `listening on ${cli.url}\n`);
      const token = await issueToken(cli.url);
      const reply = await new Api(cli.url, token).get("/connectionSpecs");
      assert.equal(reply.status, 200);
    } finally {
      assert.equal(await cli.stop(), 0);
    }
  });

  it("keeps objects (and tokens) across a restart with --state, and says the file is unmasked", async () => {
    const stateFile = join(workDir, "state.json");
    const first = await startCli(["--port", "0", "--state", stateFile]);
    let token: string;
    let id: string;
    try {
      token = await issueToken(first.url);
      ({ id } = await new Api(first.url, token).create("connections", basicAuthConnection()));
      const shown = await call(first.url, "GET", "/__emulator/objects/connections");
      assert.equal(shown.body[0].auth.params.password, "[REDACTED]");
    } finally {
      assert.equal(await first.stop(), 0);
    }
    assert.equal(
      first.stdout(),
      `listening on ${first.url}\nstate file ${stateFile} holds credentials unmasked (the request log and admin API redact them): keep it out of version control\n`,
    );
    const saved = JSON.parse(readFileSync(stateFile, "utf8"));
    assert.equal(saved.records.connections[0].object.auth.params.password, "mailchimp-api-key-123");
    assert.deepEqual(readdirSync(workDir), ["state.json"]);

    const second = await startCli(["--port", "0", "--state", stateFile]);
    try {
      const restarted = new Api(second.url, token);
      const connection = await restarted.object("connections", id);
      assert.equal(connection.name, "Mailchimp base connection with basic authentication");
      assert.equal((await restarted.delete(`/connections/${id}`)).status, 204);
    } finally {
      assert.equal(await second.stop(), 0);
    }
    assert.deepEqual(JSON.parse(readFileSync(stateFile, "utf8")).records.connections, []);
  });

  it("accepts only the configured --client-id/--client-secret", async () => {
    const cli = await startCli([
      "--port",
      "0",
      "--client-id",
      "ci-client",
      "--client-secret",
      "ci-secret",
    ]);
    try {
      const token = (secret: string) =>
        call(cli.url, "POST", "/ims/token/v3", {
          headers: { "content-type": "application/x-www-form-urlencoded" },
          rawBody: `grant_type=client_credentials&client_id=ci-client&client_secret=${secret}`,
        });
      assert.equal((await token("ci-secret")).status, 200);
      const refused = await token("other");
      assert.equal(refused.status, 401);
      assert.equal(refused.body.error, "invalid_client");
    } finally {
      assert.equal(await cli.stop(), 0);
    }
  });

  it("prints usage for --help", async () => {
    const { code, stdout } = await runCli(["--help"]);
    assert.equal(code, 0);
    assert.match(stdout, /^Usage: aep-flow-emulator \[options\]/);
    assert.match(stdout, /--state <file>/);
  });

  it("exits 2 with a message for a bad option", async () => {
    const unknown = await runCli(["--nope"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^aep-flow-emulator: Unknown option '--nope'/);
    const badPort = await runCli(["--port", "http"]);
    assert.equal(badPort.code, 2);
    assert.match(badPort.stderr, /--port must be an integer between 0 and 65535, got 'http'/);
    const halfCredentials = await runCli(["--client-id", "x"]);
    assert.equal(halfCredentials.code, 2);
    assert.match(halfCredentials.stderr, /--client-id and --client-secret go together/);
  });

  it("exits 1 when the state file is not an emulator state file", async () => {
    const bogus = join(workDir, "bogus.json");
    writeFileSync(bogus, JSON.stringify({ hello: "world" }));
    const { code, stderr } = await runCli(["--port", "0", "--state", bogus]);
    assert.equal(code, 1);
    assert.match(stderr, /is not an emulator state file/);
    assert.ok(existsSync(bogus));
  });
});
