/**
 * The adoption suite's world (tests/e2e/adopt.spec.ts): a sandbox whose pipelines were made
 * outside Pulumi, over plain HTTP the way the Experience Platform UI or a curl script makes them;
 * `aep-flow export` of that sandbox, run as a user runs it; and the generated folder turned into
 * a real program folder (its own node_modules, the package installed from a packed tarball),
 * compiled and run under the Pulumi engine.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import type { EmulatorHandle } from "../../../provider/emulator";
import { COLLECTIONS } from "../../../provider/emulator/types";
import { xdmFieldGroupIds } from "../../../provider/resources/xdmIds";
import {
  Api,
  CATALOG,
  campaignSourceConnection,
  basicAuthConnection,
  dataLakeTarget,
  dataSetBody,
  everyFifteenMinutes,
  flowBody,
  runNode,
  type ProcessResult,
} from "../../emulator/helpers";
import { CLIENT_ID, CLIENT_SECRET, ORG_ID, REPO_ROOT, SANDBOX } from "../harness";
import { PACKAGE, npmInstall, spec, type Release } from "../layouts/fixtures";

/** The Mailchimp API key the account was created with (in the UI); Flow Service masks it on read. */
export const UI_PASSWORD = "mc-ui-typed-key-5b1e9f3a-us21";
/** The Mailchimp account name the account was created with. */
export const MAILCHIMP_USER = "acme-marketing";
/** 2030-01-01: the flows' first run, never reached (no run, and a start time that may move). */
export const START_TIME = 1893456000;

/** The title of the sandbox's tenant schema. */
export const SCHEMA_TITLE = "Acme Mailchimp email activity";

/** Mailchimp email-activity fields into the schema, as the UI's mapping step saved them. */
export const UI_MAPPINGS = [
  { sourceType: "ATTRIBUTE", source: "email_id", destination: "_id" },
  { sourceType: "ATTRIBUTE", source: "activity[0].timestamp", destination: "timestamp" },
];

/** One dataflow of the seeded sandbox, with what it uses. */
export interface SeededFlow {
  name: string;
  campaignId: string;
  flowId: string;
  sourceId: string;
  targetId: string;
  dataSetId: string;
  /** The flow maps its records through the sandbox's mapping set. */
  mapped: boolean;
  enabled: boolean;
}

/** The ids of everything the seed made. */
export interface Seeded {
  schemaId: string;
  dataSetIds: string[];
  mappingSetId: string;
  baseId: string;
  flows: SeededFlow[];
}

/**
 * Makes the sandbox a team built without Pulumi: one tenant XDM schema, two datasets on it, one
 * mapping set into it, and one Mailchimp account (base connection) shared by three dataflows,
 * each with its own source and target connection. The connections keep the names the Mailchimp
 * tutorial gives them, so that three objects of a kind share one name; the first flow maps its
 * records, the third is disabled. Every call is plain HTTP to the emulator, none is the
 * package's.
 */
export async function seedSandbox(emulator: EmulatorHandle): Promise<Seeded> {
  const api = await Api.connect(emulator, ORG_ID, SANDBOX);
  const schema = await api.createSchema(SCHEMA_TITLE, [
    xdmFieldGroupIds.campaignMarketing,
    xdmFieldGroupIds.directMarketing,
  ]);
  const schemaId = String(schema.$id);
  const dataSet = async (name: string) => {
    const reply = await api.request("POST", `${CATALOG}/dataSets`, {
      json: dataSetBody(name, schemaId),
    });
    if (reply.status !== 201) throw new Error(`seed: POST dataSets answered ${reply.text}`);
    return String(reply.body[0]).replace("@/dataSets/", "");
  };
  const campaigns = await dataSet("Mailchimp campaign activity");
  const newsletters = await dataSet("Mailchimp newsletter activity");
  const mappingSetId = await api.createMappingSet(schemaId, UI_MAPPINGS);
  const base = await api.create(
    "connections",
    basicAuthConnection({
      name: "Acme Mailchimp account",
      description: "The marketing team's Mailchimp account",
      auth: {
        specName: "Basic Authentication",
        params: {
          authorizationTestUrl: "https://login.mailchimp.com/oauth2/metadata",
          username: MAILCHIMP_USER,
          password: UI_PASSWORD,
        },
      },
    }),
  );

  const planned = [
    { name: "Spring campaign to the data lake", campaignId: "c66a200cda", dataSetId: campaigns },
    { name: "Summer campaign to the data lake", campaignId: "d77b311deb", dataSetId: campaigns },
    { name: "Newsletter archive", campaignId: "e88c422efc", dataSetId: newsletters },
  ];
  const flows: SeededFlow[] = [];
  for (const [index, flow] of planned.entries()) {
    const mapped = index === 0;
    const enabled = index !== 2;
    const source = await api.create(
      "sourceConnections",
      campaignSourceConnection(base.id, flow.campaignId),
    );
    const target = await api.create("targetConnections", dataLakeTarget(flow.dataSetId, schemaId));
    const created = await api.create("flows", {
      ...flowBody(source.id, target.id, everyFifteenMinutes(START_TIME)),
      name: flow.name,
      description: `Campaign ${flow.campaignId} email activity`,
      ...(mapped
        ? {
            transformations: [
              { name: "Mapping", params: { mappingId: mappingSetId, mappingVersion: 0 } },
            ],
          }
        : {}),
    });
    if (!enabled) {
      const reply = await api.post(`/flows/${created.id}/action?op=disable`);
      if (reply.status !== 200) throw new Error(`seed: disable answered ${reply.text}`);
    }
    flows.push({
      ...flow,
      flowId: created.id,
      sourceId: source.id,
      targetId: target.id,
      mapped,
      enabled,
    });
  }
  return { schemaId, dataSetIds: [campaigns, newsletters], mappingSetId, baseId: base.id, flows };
}

/** Every stored object of every collection (runs included), as stored (secrets unmasked). */
export function snapshot(emulator: EmulatorHandle): Record<string, Array<Record<string, unknown>>> {
  return Object.fromEntries(
    COLLECTIONS.map((collection) => [collection, emulator.objects(collection)]),
  );
}

/** How many objects each collection holds. */
export function counts(emulator: EmulatorHandle): Record<string, number> {
  return Object.fromEntries(
    COLLECTIONS.map((collection) => [collection, emulator.objects(collection).length]),
  );
}

const CLI = path.join(REPO_ROOT, "dist/provider/cli/index.js");

/**
 * `aep-flow export <args>` as a user runs it: the built command line in a process of its own,
 * its settings from the `AEP_*` variables (the emulator's address and a client's credentials).
 */
export function runExport(emulator: EmulatorHandle, args: string[]): Promise<ProcessResult> {
  return runNode(CLI, ["export", ...args], {
    PATH: process.env.PATH,
    AEP_PLATFORM_URL: emulator.url,
    AEP_IMS_URL: emulator.url,
    AEP_CLIENT_ID: CLIENT_ID,
    AEP_CLIENT_SECRET: CLIENT_SECRET,
    AEP_ORG_ID: ORG_ID,
    AEP_SANDBOX_NAME: SANDBOX,
  });
}

/** The generated program folder's package.json. */
export interface ProgramManifest {
  name: string;
  dependencies: Record<string, string>;
  devDependencies?: Record<string, string>;
}

export function readManifest(program: string): ProgramManifest {
  return JSON.parse(readFileSync(path.join(program, "package.json"), "utf8")) as ProgramManifest;
}

/**
 * Installs the generated folder's dependencies with npm. The generated package.json asks for the
 * package at its published version; this checkout is not published, so its packed release
 * (`release`) takes that place, as a `file:` spec, and npm installs the rest as it would.
 */
export function installProgram(program: string, release: Release): void {
  const manifest = readManifest(program);
  manifest.dependencies[PACKAGE] = spec(release);
  writeFileSync(path.join(program, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  npmInstall(program);
}

/** Where the generated tsconfig.json puts the compiled program. */
const OUT_DIR = "bin";

/**
 * Compiles the program folder's `index.ts` with the TypeScript its package.json brings and its
 * own tsconfig.json, against the packages installed there: the type-check the generator promises,
 * and the JavaScript the engine runs.
 */
export function compileProgram(program: string): void {
  const tsc = requireFrom(program).resolve("typescript/bin/tsc");
  try {
    execFileSync(process.execPath, [tsc, "-p", program], {
      cwd: program,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    throw new Error(`the generated program does not compile:\n${failed.stdout}${failed.stderr}`, {
      cause: error,
    });
  }
}

/** The generated index.ts. */
export function programSource(program: string): string {
  return readFileSync(path.join(program, "index.ts"), "utf8");
}

/** Edits the generated index.ts as a developer would, and compiles it again. */
export function editProgram(program: string, edit: (source: string) => string): void {
  writeFileSync(path.join(program, "index.ts"), edit(programSource(program)));
  compileProgram(program);
}

/**
 * `source` with the one match of `pattern` replaced: a generator whose output no longer has
 * exactly one match fails here, by name, rather than as a puzzling diff later.
 */
export function replaceOnce(
  source: string,
  pattern: RegExp,
  replacer: (match: string, ...groups: string[]) => string,
): string {
  const found = [...source.matchAll(new RegExp(pattern.source, "g"))].length;
  if (found !== 1) {
    throw new Error(
      `expected one match of ${String(pattern)} in the generated index.ts, found ${found}`,
    );
  }
  return source.replace(pattern, replacer);
}

/** One `pulumi config set` line of the generated README. */
export interface ConfigLine {
  key: string;
  /** As the README writes it: a value, or a placeholder such as `<client id>`. */
  value: string;
  secret: boolean;
}

/** The `pulumi config set [--secret] <key> <value>` lines of the generated README, in order. */
export function readmeConfig(program: string): ConfigLine[] {
  const readme = readFileSync(path.join(program, "README.md"), "utf8");
  return [...readme.matchAll(/^pulumi config set (--secret )?(\S+) (<[^>]*>|\S+)/gm)].map(
    (match) => ({ key: match[2]!, value: match[3]!, secret: match[1] !== undefined }),
  );
}

/** The program folder's own Automation API: the SDK copy its installed packages load. */
export function programAutomation(program: string): typeof import("@pulumi/pulumi/automation") {
  return requireFrom(program)(
    "@pulumi/pulumi/automation",
  ) as typeof import("@pulumi/pulumi/automation");
}

/**
 * The generated index.ts with the `retainOnDelete` option on every resource, as the generated
 * README shows it (`new aep.Dataflow("...", { ... }, { retainOnDelete: true })`). Each declaration
 * ends `});` or, when its name went on a line of its own, `  },\n);`.
 */
export function retainOnDelete(source: string): string {
  const declarations = source.match(/= new aep\.\w+\(/g)?.length ?? 0;
  let edited = 0;
  const retained = source
    .replace(/^\}\);$/gm, () => {
      edited += 1;
      return "}, { retainOnDelete: true });";
    })
    .replace(/^ {2}\},\n\);$/gm, () => {
      edited += 1;
      return "  },\n  { retainOnDelete: true },\n);";
    });
  if (edited !== declarations) {
    throw new Error(`found the end of ${edited} of the ${declarations} declarations in index.ts`);
  }
  return retained;
}

/**
 * The generated program as an inline program: each run loads the compiled index.js afresh from
 * the program folder (its `require`s resolve there, to the folder's own @pulumi/pulumi and
 * package) and returns its exports, which become the stack outputs, as `pulumi up` in the folder
 * does.
 *
 * Why inline rather than `pulumi up` on the folder: the toolchain builds only the Pulumi CLI (from
 * the Go module proxy), not the Node.js language host that a folder program runs under; the
 * Automation API serves that host's part in this process. Everything else is the folder's own:
 * its Pulumi.yaml and stack config, its node_modules, and the provider process started there.
 */
export function generatedProgram(program: string): PulumiFn {
  const load = requireFrom(program);
  const compiled = load.resolve(`./${OUT_DIR}/index.js`);
  return async () => {
    delete require.cache[compiled];
    return load(compiled) as Record<string, unknown>;
  };
}

function requireFrom(dir: string): NodeJS.Require {
  return createRequire(path.join(dir, "index.js"));
}
