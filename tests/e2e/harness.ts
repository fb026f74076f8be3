/**
 * Shared set-up of the end-to-end suites: the real Pulumi engine (CLI + Automation API, inline
 * programs), a local file backend in a temporary folder, and the Flow Service emulator on a free
 * port. Each suite file starts one emulator and one temporary Pulumi home/backend; each test gets
 * its own stack and an emptied emulator, so tests stay independent.
 */
import { execFileSync } from "node:child_process";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import nock from "nock";
import {
  LocalWorkspace,
  PulumiCommand,
  type PulumiFn,
  type Stack,
} from "@pulumi/pulumi/automation";
import * as pulumi from "@pulumi/pulumi";
import { createAepClient, resolveSettings } from "../../provider/client";
import { startEmulator } from "../../provider/emulator";
import { plainTextCredentials } from "../../provider/resources/aepResource";
import { Api, standIn } from "../emulator/helpers";
import type { Collection, EmulatorHandle, RequestLogEntry } from "../../provider/emulator/types";
import { mailchimpPipeline, pipelineIds, type MailchimpPipelineArgs } from "./dataLakeProgram";

export type { MailchimpPipelineArgs };

/** The repository root (this file runs from dist/tests/e2e). */
export const REPO_ROOT = path.resolve(__dirname, "../../..");

export const PROJECT = "aep-e2e";
export const PASSPHRASE = "e2e-passphrase";
export const CLIENT_ID = "e2e-client";
/** Values that must never appear in plaintext in the Pulumi state. */
export const CLIENT_SECRET = "e2e-client-secret-7f3a9c";
export const MAILCHIMP_PASSWORD = "mc-api-key-0d5e1b8a-us21";
export const ROTATED_PASSWORD = "mc-api-key-rotated-4c2f77e9-us21";
export const ORG_ID = "E2E0000000000000000000@AdobeOrg";
export const SANDBOX = "prod";
/**
 * The `schemaId` argument that stands for "the program's own schema": the program finds or
 * creates it in the configured sandbox when it runs (see {@link pipelineProgram}).
 */
export const SCHEMA_ID = "https://ns.adobe.com/e2etenant/schemas/4f6c1a2b3d";
/** The title of that schema. */
const PROGRAM_SCHEMA_TITLE = "e2e Mailchimp email activity";

/** The collections a pipeline creates objects in. */
export const PIPELINE_COLLECTIONS: readonly Collection[] = [
  "dataSets",
  "connections",
  "sourceConnections",
  "targetConnections",
  "flows",
];

export const TYPES = {
  dataset: "pulumi-nodejs:dynamic/aep:Dataset",
  baseConnection: "pulumi-nodejs:dynamic/aep:BaseConnection",
  sourceConnection: "pulumi-nodejs:dynamic/aep:SourceConnection",
  targetConnection: "pulumi-nodejs:dynamic/aep:TargetConnection",
  dataflow: "pulumi-nodejs:dynamic/aep:Dataflow",
} as const;

/** The `DataLakePipeline` of dataLakeProgram.ts, as these suites deploy it. */
export const PIPELINE = { type: "aep:index:DataLakePipeline", name: "mailchimp" } as const;

/** The name the component gives its child of each type. */
export const CHILD_NAMES: Record<keyof typeof TYPES, string> = {
  dataset: `${PIPELINE.name}-dataset`,
  baseConnection: `${PIPELINE.name}-base`,
  sourceConnection: `${PIPELINE.name}-source`,
  targetConnection: `${PIPELINE.name}-target`,
  dataflow: `${PIPELINE.name}-flow`,
};

/** The arguments the suites start from: valid, stable, a schedule in the future. */
export function baseArgs(overrides: Partial<MailchimpPipelineArgs> = {}): MailchimpPipelineArgs {
  return {
    namePrefix: "e2e",
    mailchimpUsername: "e2e-mailchimp-user",
    mailchimpPassword: MAILCHIMP_PASSWORD,
    campaignId: "c66a200cda",
    schemaId: SCHEMA_ID,
    startTime: 1893456000, // 2030-01-01: never started, so no run and no start-time replacement
    intervalMinutes: 15,
    enabled: true,
    ...overrides,
  };
}

/**
 * An inline program that runs the DataLakePipeline program with whatever `args()` returns at run
 * time. With the placeholder {@link SCHEMA_ID}, the dataset's schema is the one the program finds
 * or creates in the configured org and sandbox first (Catalog refuses a dataset whose schema is
 * not there), so a stack moved to another sandbox or emulator finds one there too.
 */
export function pipelineProgram(args: () => MailchimpPipelineArgs): PulumiFn {
  return async () => {
    const declared = args();
    const schemaId = declared.schemaId === SCHEMA_ID ? await programSchemaId() : declared.schemaId;
    return pipelineIds(mailchimpPipeline(PIPELINE.name, { ...declared, schemaId }));
  };
}

/**
 * The program's schema, through the package's client with the stack's own `aep:*` config. With a
 * credential in plain-text config the resources refuse before any call, and so does this.
 */
async function programSchemaId(): Promise<string> {
  // `isConfigSecret` is in @pulumi/pulumi's runtime, not in its typings.
  const runtime = pulumi.runtime as typeof pulumi.runtime & {
    isConfigSecret: (key: string) => boolean;
  };
  if (plainTextCredentials(runtime.allConfig(), runtime.isConfigSecret).length > 0) {
    return SCHEMA_ID;
  }
  const client = createAepClient(
    resolveSettings({ get: (key) => pulumi.runtime.getConfig(key) }, {}),
  );
  const [found] = await client.listSchemas({ property: [`title==${PROGRAM_SCHEMA_TITLE}`] });
  if (found) return found.$id;
  const created = await client.createSchema({
    title: PROGRAM_SCHEMA_TITLE,
    type: "object",
    allOf: [{ $ref: "https://ns.adobe.com/xdm/context/experienceevent" }],
  });
  return created.$id;
}

/** A resource of an exported deployment. */
export interface StateResource {
  urn: string;
  type: string;
  parent?: string;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

export interface E2EOptions {
  /** Keep the emulator's objects in this JSON file (the suite reads issued tokens from it). */
  emulatorStateFile?: boolean;
}

export interface StackOptions {
  /** The folder the provider process starts in (the project's `main`); default the repository root. */
  main?: string;
  /** The workspace folder (where `Pulumi.<stack>.yaml` lives); default a new temporary folder. */
  workDir?: string;
  /**
   * The Automation API to run the inline program with; default this checkout's. A program folder's
   * own copy makes the program run on the @pulumi/pulumi that folder's packages load, as it would
   * under `pulumi up` there (an inline program talks to the engine through one SDK copy only).
   */
  automation?: typeof import("@pulumi/pulumi/automation");
  /**
   * Run the project of the program folder `workDir` as `pulumi up` there would: its own
   * `Pulumi.yaml` (its name, which qualifies its config keys; no `main`, so the provider process
   * starts in that folder). `main` does not apply then.
   */
  folderProject?: boolean;
}

/** One suite's world: emulator, backend, Pulumi home, and the stacks it made. */
export class E2E {
  private stackCount = 0;

  private constructor(
    readonly emulator: EmulatorHandle,
    readonly root: string,
    readonly pulumiCommand: PulumiCommand,
    readonly emulatorStateFile: string | undefined,
  ) {}

  static async start(options: E2EOptions = {}): Promise<E2E> {
    // nock (tests/setup.ts) intercepts Node's HTTP stack, which stalls the inline program's gRPC
    // link to the engine: the run never registers a resource. The engine suites talk only to the
    // loopback emulator, so they switch nock off and back on when done.
    if (nock.isActive()) nock.restore();
    const root = mkdtempSync(path.join(tmpdir(), "aep-e2e-"));
    for (const dir of ["backend", "home", "cli/bin"])
      mkdirSync(path.join(root, dir), { recursive: true });
    const pulumiCommand = await pulumiCli(root);
    const emulatorStateFile = options.emulatorStateFile
      ? path.join(root, "emulator.json")
      : undefined;
    const emulator = await startEmulator({ port: 0, stateFile: emulatorStateFile });
    return new E2E(emulator, root, pulumiCommand, emulatorStateFile);
  }

  get backendDir(): string {
    return path.join(this.root, "backend");
  }

  /** What every CLI invocation of this suite gets in its environment. */
  envVars(): Record<string, string> {
    return {
      PULUMI_BACKEND_URL: `file://${this.backendDir}`,
      PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
      PULUMI_HOME: path.join(this.root, "home"),
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      // Settings come from stack config only: keep a developer's real AEP variables out.
      AEP_PLATFORM_URL: "",
      AEP_IMS_URL: "",
      AEP_CLIENT_ID: "",
      AEP_CLIENT_SECRET: "",
      AEP_ORG_ID: "",
      AEP_ACCESS_TOKEN: "",
      AEP_API_KEY: "",
      AEP_SANDBOX_NAME: "",
    };
  }

  /** A new stack (fresh name) of an inline program, configured for this suite's emulator. */
  async newStack(program: PulumiFn, options: StackOptions = {}): Promise<Stack> {
    this.stackCount += 1;
    return this.openStack(`t${this.stackCount}`, program, options, true);
  }

  /** Opens (or creates) a stack by name; `configure` writes the `aep:*` settings. */
  async openStack(
    stackName: string,
    program: PulumiFn,
    options: StackOptions,
    configure: boolean,
  ): Promise<Stack> {
    const workDir = options.workDir ?? mkdtempSync(path.join(this.root, "ws-"));
    const workspace = options.automation?.LocalWorkspace ?? LocalWorkspace;
    const stack = await workspace.createOrSelectStack(
      { projectName: PROJECT, stackName, program },
      {
        workDir,
        pulumiHome: path.join(this.root, "home"),
        // That copy matches the CLI's errors by its own classes: give it its own PulumiCommand.
        pulumiCommand: options.automation
          ? await options.automation.PulumiCommand.get(cliRoot(this.pulumiCommand))
          : this.pulumiCommand,
        envVars: this.envVars(),
        ...(options.folderProject
          ? {}
          : {
              projectSettings: {
                name: PROJECT,
                runtime: "nodejs",
                // The provider process starts here: `pulumi-aep-flow` must resolve from this folder.
                main: options.main ?? REPO_ROOT,
              },
            }),
      },
    );
    if (configure) {
      await stack.setAllConfig({
        "aep:platformUrl": { value: this.emulator.url },
        "aep:imsUrl": { value: this.emulator.url },
        "aep:clientId": { value: CLIENT_ID },
        "aep:clientSecret": { value: CLIENT_SECRET, secret: true },
        "aep:orgId": { value: ORG_ID },
        "aep:sandboxName": { value: SANDBOX },
      });
    }
    return stack;
  }

  /**
   * The `$id` of the XDM schema the program's dataset follows, created in the emulator's
   * Schema Registry when it is not there yet (Catalog refuses a dataset whose schema is missing).
   */
  async schemaId(): Promise<string> {
    return (await Api.connect(this.emulator, ORG_ID, SANDBOX)).tutorialSchemaId();
  }

  /** Empties the emulator (objects, faults, request log) for the next test. */
  reset(): void {
    this.emulator.reset();
  }

  async close(): Promise<void> {
    await this.emulator.close();
    rmSync(this.root, { recursive: true, force: true });
    if (!nock.isActive()) nock.activate();
  }

  /** Every file under the backend folder (current state, backups, history), as text. */
  backendFiles(): Array<{ file: string; text: string }> {
    return walk(this.backendDir).map((file) => ({ file, text: readFileSync(file, "utf8") }));
  }

  /** Tokens the emulator issued (read from its state file). */
  issuedTokens(): string[] {
    if (!this.emulatorStateFile) throw new Error("start the suite with emulatorStateFile: true");
    const snapshot = JSON.parse(readFileSync(this.emulatorStateFile, "utf8")) as {
      tokens?: Record<string, unknown>;
    };
    return Object.keys(snapshot.tokens ?? {});
  }

  /** Emulator objects by collection. */
  objects(collection: Collection): Array<Record<string, unknown>> {
    return this.emulator.objects(collection);
  }

  /** The only object of a collection (fails when there is not exactly one). */
  only(collection: Collection): Record<string, unknown> {
    const all = this.objects(collection);
    if (all.length !== 1) {
      throw new Error(
        `expected exactly one ${collection} object, found ${all.length}: ${JSON.stringify(all)}`,
      );
    }
    return all[0]!;
  }

  /** Counts of objects per pipeline collection. */
  counts(): Record<string, number> {
    return Object.fromEntries(PIPELINE_COLLECTIONS.map((c) => [c, this.objects(c).length]));
  }

  /** Write calls (POST, PATCH, PUT, DELETE) to Flow Service or Catalog since the last reset. */
  apiWrites(): RequestLogEntry[] {
    return this.emulator.requests().filter(isApiWrite);
  }
}

/**
 * Registers the usual hooks in the calling `describe`: one {@link E2E} started before its tests,
 * an emptied emulator before each test, closed after them. The value returned stands for that
 * E2E (it forwards to it), so test bodies and the suite's own hooks, registered after this call
 * and so run after these, use it as the E2E itself.
 */
export function useE2E(options: E2EOptions = {}): E2E {
  let current: E2E | undefined;
  before(async () => {
    current = await E2E.start(options);
  });
  after(async () => {
    await current?.close();
    current = undefined;
  });
  beforeEach(() => {
    started().reset();
  });
  function started(): E2E {
    if (!current) throw new Error("useE2E: the suite's E2E is used outside its hooks and tests");
    return current;
  }
  return standIn(started);
}

export function isApiWrite(request: RequestLogEntry): boolean {
  return (
    /^(POST|PATCH|PUT|DELETE)$/i.test(request.method) &&
    /^\/data\/foundation\/(flowservice|catalog)\//.test(request.path)
  );
}

/** `METHOD /path` of a request, with the Flow Service and Catalog roots shortened. */
export function describeRequest(request: RequestLogEntry): string {
  const short = request.path
    .replace(/^\/data\/foundation\/flowservice/, "")
    .replace(/^\/data\/foundation\/catalog/, "catalog:");
  const query = Object.entries(request.query)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join("&");
  return `${request.method.toUpperCase()} ${short}${query ? `?${query}` : ""}`;
}

/** Every resource of the stack's state: the stack, the default provider, components and the rest. */
export async function deploymentResources(stack: Stack): Promise<StateResource[]> {
  const exported = await stack.exportStack();
  return (exported.deployment as { resources?: StateResource[] }).resources ?? [];
}

/** The stack's dynamic resources (the Flow Service and Catalog objects) as the state holds them. */
export async function stateResources(stack: Stack): Promise<StateResource[]> {
  return (await deploymentResources(stack)).filter((r) =>
    r.type.startsWith("pulumi-nodejs:dynamic/"),
  );
}

/** The one resource of a type in the state (fails when there is not exactly one). */
export async function stateResource(stack: Stack, type: string): Promise<StateResource> {
  const matches = (await stateResources(stack)).filter((r) => r.type === type);
  if (matches.length !== 1) {
    throw new Error(`expected one ${type} in the state, found ${matches.length}`);
  }
  return matches[0]!;
}

/**
 * `urn id etag` of each resource, sorted: what must not move when nothing changes (the engine
 * may write the resources in another order).
 */
export function versions(resources: StateResource[]): string[] {
  return resources
    .map((r) => `${r.urn} ${r.id} ${String(r.outputs?.etag ?? r.outputs?.version)}`)
    .sort();
}

/** The stack outputs as plain values. */
export async function outputValues(stack: Stack): Promise<Record<string, unknown>> {
  const outputs = await stack.outputs();
  return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.value]));
}

/**
 * A copy of the package at another path, as a second checkout would have it: package.json, the
 * build output, and node_modules whose entries link to this checkout's dependencies, except
 * `pulumi-aep-flow`, which links to the copy itself (as `npm install` makes it in the repository).
 */
export function copyCheckout(destination: string): string {
  mkdirSync(path.join(destination, "node_modules"), { recursive: true });
  cpSync(path.join(REPO_ROOT, "package.json"), path.join(destination, "package.json"));
  cpSync(path.join(REPO_ROOT, "dist"), path.join(destination, "dist"), { recursive: true });
  for (const entry of readdirSync(path.join(REPO_ROOT, "node_modules"))) {
    const link = path.join(destination, "node_modules", entry);
    if (entry === "pulumi-aep-flow") symlinkSync("..", link);
    else if (!entry.startsWith(".")) symlinkSync(path.join(REPO_ROOT, "node_modules", entry), link);
  }
  return destination;
}

/**
 * The headers a script or the UI would send to the emulator's Flow Service and Catalog (a token
 * from its IMS first), for requests the provider does not make: setting up or inspecting a test.
 */
export async function apiHeaders(
  baseUrl: string,
  sandboxName: string = SANDBOX,
): Promise<Record<string, string>> {
  const tokenResponse = await fetch(`${baseUrl}/ims/token/v3`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      scope: "openid,AdobeID,read_organizations",
    }),
  });
  if (tokenResponse.status !== 200) {
    throw new Error(`the emulator refused a token: ${await tokenResponse.text()}`);
  }
  const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
  return {
    authorization: `Bearer ${token}`,
    "x-api-key": CLIENT_ID,
    "x-gw-ims-org-id": ORG_ID,
    "x-sandbox-name": sandboxName,
  };
}

/** Finds a Pulumi CLI: AEP_PULUMI_BIN (set by scripts/toolchain.sh) or `pulumi` on PATH. */
async function pulumiCli(root: string): Promise<PulumiCommand> {
  const bin = process.env.AEP_PULUMI_BIN;
  const help =
    "the end-to-end tests need the Pulumi CLI and the dynamic provider shim on PATH: run them " +
    "with `npm test` (scripts/run.sh sets both up)";
  try {
    execFileSync("sh", ["-c", "command -v pulumi-resource-pulumi-nodejs"], { stdio: "ignore" });
  } catch {
    throw new Error(`pulumi-resource-pulumi-nodejs is not on PATH: ${help}`);
  }
  if (!bin) {
    try {
      return await PulumiCommand.get();
    } catch (error) {
      throw new Error(`no usable \`pulumi\` on PATH: ${help}`, { cause: error });
    }
  }
  // PulumiCommand looks for <root>/bin/pulumi.
  symlinkSync(bin, path.join(root, "cli/bin/pulumi"));
  return PulumiCommand.get({ root: path.join(root, "cli") });
}

/** The `root` option that finds the same CLI again (`<root>/bin/pulumi`, or PATH). */
function cliRoot(command: PulumiCommand): { root?: string } {
  return path.isAbsolute(command.command)
    ? { root: path.dirname(path.dirname(command.command)) }
    : {};
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? walk(full) : entry.isFile() ? [full] : [];
  });
}

/**
 * A stack of the DataLakePipeline program whose arguments the test changes between operations: the
 * inline program reads `args` each time the engine runs it.
 */
export class PipelineStack {
  private constructor(
    readonly stack: Stack,
    public args: MailchimpPipelineArgs,
  ) {}

  static async create(
    e2e: E2E,
    overrides: Partial<MailchimpPipelineArgs> = {},
    options: StackOptions = {},
  ): Promise<PipelineStack> {
    let self: PipelineStack | undefined = undefined;
    const initial = baseArgs(overrides);
    const stack = await e2e.newStack(
      pipelineProgram(() => self?.args ?? initial),
      options,
    );
    self = new PipelineStack(stack, initial);
    return self;
  }

  /** Changes some arguments for the next operation. */
  set(overrides: Partial<MailchimpPipelineArgs>): void {
    this.args = { ...this.args, ...overrides };
  }

  up() {
    return this.stack.up({ color: "never" });
  }

  preview() {
    return this.stack.preview({ color: "never", diff: true });
  }

  refresh() {
    return this.stack.refresh({ color: "never" });
  }

  destroy() {
    return this.stack.destroy({ color: "never" });
  }
}
