/**
 * The real engine, as a user runs it: the Pulumi CLI through the Automation API, a local file
 * backend in a temporary folder, and an inline program whose folder is a program folder of its
 * own (package.json, node_modules with `pulumi-aep-flow` installed), where the provider process
 * starts and resolves the package. Each operation is timed and its processes sampled.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import {
  LocalWorkspace,
  PulumiCommand,
  type OpMap,
  type PulumiFn,
  type Stack,
} from "@pulumi/pulumi/automation";
import { cpuSecondsOf, ProcessTreeSampler, type TreeCost } from "./procfs";

const REPO_ROOT = path.resolve(__dirname, "../..");
const PROJECT = "aep-bench";

export const OPERATIONS = ["create", "preview", "noopUp", "refresh", "update", "destroy"] as const;
export type Operation = (typeof OPERATIONS)[number];

/** How each operation is described in tables. */
export const OPERATION_LABELS: Record<Operation, string> = {
  create: "up (create)",
  preview: "preview, no change",
  noopUp: "up, no change",
  refresh: "refresh",
  update: "up, rename every dataflow",
  destroy: "destroy",
};

export interface Measured {
  seconds: number;
  /** Resource operations the engine reported (`same`, `create`, `update`...). */
  changes: Record<string, number>;
  cost: TreeCost;
  /** CPU of this process: the inline program, the language host and the Automation API. */
  programCpuSeconds: number;
  emulatorCpuSeconds: number;
}

/** One temporary Pulumi world: CLI, backend, home and the program folder. */
export class EngineWorld {
  private constructor(
    readonly root: string,
    private readonly pulumiCommand: PulumiCommand,
    private readonly settings: Record<string, string>,
    private readonly excludedPids: ReadonlySet<number>,
    private readonly emulatorPid: number,
  ) {}

  /** `settings`: the `aep:*` stack config. `emulatorPid` is left out of the sampled tree. */
  static async start(settings: Record<string, string>, emulatorPid: number): Promise<EngineWorld> {
    const root = fs.mkdtempSync(path.join(tmpdir(), "aep-bench-"));
    for (const dir of ["backend", "home", "cli/bin"])
      fs.mkdirSync(path.join(root, dir), { recursive: true });
    makeProgramFolder(path.join(root, "program"));
    return new EngineWorld(
      root,
      await pulumiCli(path.join(root, "cli")),
      settings,
      new Set([emulatorPid]),
      emulatorPid,
    );
  }

  get cliVersion(): string {
    return this.pulumiCommand.version?.version ?? "unknown";
  }

  get backendDir(): string {
    return path.join(this.root, "backend");
  }

  get programDir(): string {
    return path.join(this.root, "program");
  }

  /** A new stack of `program`; `env` adds environment variables to every CLI run of it. */
  async newStack(name: string, program: PulumiFn, env: Record<string, string> = {}) {
    const stack = await LocalWorkspace.createOrSelectStack(
      { projectName: PROJECT, stackName: name, program },
      {
        workDir: this.programDir,
        pulumiHome: path.join(this.root, "home"),
        pulumiCommand: this.pulumiCommand,
        envVars: {
          PULUMI_BACKEND_URL: `file://${this.backendDir}`,
          PULUMI_CONFIG_PASSPHRASE: "bench-passphrase",
          PULUMI_HOME: path.join(this.root, "home"),
          PULUMI_SKIP_UPDATE_CHECK: "true",
          PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
          // Settings come from stack config only: keep a developer's real AEP variables out.
          ...Object.fromEntries(
            ["PLATFORM_URL", "IMS_URL", "CLIENT_ID", "CLIENT_SECRET", "ORG_ID", "ACCESS_TOKEN"]
              .concat(["API_KEY", "SANDBOX_NAME"])
              .map((v) => [`AEP_${v}`, ""]),
          ),
          ...env,
        },
        projectSettings: { name: PROJECT, runtime: "nodejs", main: this.programDir },
      },
    );
    await stack.setAllConfig(
      Object.fromEntries(
        Object.entries(this.settings).map(([key, value]) => [
          key,
          { value, secret: key === "aep:clientSecret" },
        ]),
      ),
    );
    return stack;
  }

  /** Runs one operation of a stack, timed, with its processes sampled. */
  async measure(stack: Stack, operation: Operation, parallel: number): Promise<Measured> {
    const sampler = new ProcessTreeSampler(this.excludedPids);
    const cpuBefore = process.cpuUsage();
    const emulatorBefore = cpuSecondsOf(this.emulatorPid);
    sampler.start();
    const started = performance.now();
    let changes: OpMap | undefined;
    let seconds: number;
    let cost: TreeCost;
    try {
      changes = await run(stack, operation, parallel);
      seconds = (performance.now() - started) / 1000;
    } finally {
      // Stopped either way, so a failed operation leaves no timer behind.
      cost = sampler.stop();
    }
    const cpu = process.cpuUsage(cpuBefore);
    return {
      seconds,
      changes: { ...(changes ?? {}) } as Record<string, number>,
      cost,
      programCpuSeconds: (cpu.user + cpu.system) / 1e6,
      emulatorCpuSeconds: cpuSecondsOf(this.emulatorPid) - emulatorBefore,
    };
  }

  /** The stack's state file in the local backend. */
  stateFile(stackName: string): string {
    return path.join(this.backendDir, ".pulumi", "stacks", PROJECT, `${stackName}.json`);
  }

  close(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

async function run(stack: Stack, operation: Operation, parallel: number) {
  const common = { color: "never" as const, parallel };
  switch (operation) {
    case "create":
    case "noopUp":
    case "update":
      return (await stack.up(common)).summary.resourceChanges;
    case "preview":
      return (await stack.preview(common)).changeSummary;
    case "refresh":
      return (await stack.refresh(common)).summary.resourceChanges;
    case "destroy":
      return (await stack.destroy(common)).summary.resourceChanges;
  }
}

/**
 * A program folder as `npm install pulumi-aep-flow` leaves it: package.json, and node_modules
 * whose entries are this checkout's dependencies, with `pulumi-aep-flow` being this checkout.
 */
function makeProgramFolder(dir: string): void {
  fs.mkdirSync(path.join(dir, "node_modules"), { recursive: true });
  fs.writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ name: "aep-bench-program", private: true, main: "index.js" }, null, 2),
  );
  for (const entry of fs.readdirSync(path.join(REPO_ROOT, "node_modules"))) {
    if (entry.startsWith(".")) continue;
    const target =
      entry === "pulumi-aep-flow" ? REPO_ROOT : path.join(REPO_ROOT, "node_modules", entry);
    fs.symlinkSync(target, path.join(dir, "node_modules", entry));
  }
}

/** The CLI scripts/run.sh set up (AEP_PULUMI_BIN), or the `pulumi` on PATH. */
async function pulumiCli(root: string): Promise<PulumiCommand> {
  const help = "run the benchmark with `npm run bench`, which sets up the Pulumi CLI and the shim";
  try {
    execFileSync("sh", ["-c", "command -v pulumi-resource-pulumi-nodejs"], { stdio: "ignore" });
  } catch {
    throw new Error(`pulumi-resource-pulumi-nodejs is not on PATH: ${help}`);
  }
  const bin = process.env.AEP_PULUMI_BIN;
  if (!bin) return PulumiCommand.get();
  fs.symlinkSync(bin, path.join(root, "bin", "pulumi")); // PulumiCommand looks for <root>/bin/pulumi
  return PulumiCommand.get({ root });
}

/** What the state holds, per dynamic resource. */
export interface StateFigures {
  fileBytes: number;
  resources: number;
  /** File bytes over the number of dynamic resources (the stack's own entries included). */
  fileBytesPerResource: number;
  /** Mean bytes of one resource's entry (compact JSON). */
  entryBytesPerResource: number;
  /** Mean bytes of the user's own inputs (compact JSON, `__provider` left out). */
  userBytesPerResource: number;
  /** Entry minus the user's inputs. */
  overheadBytesPerResource: number;
  /** Largest `__provider` text (one copy; the state holds it in inputs and outputs). */
  providerBytesMax: number;
  /** Both copies of `__provider`, mean per resource. */
  providerBytesPerResource: number;
  /**
   * Where an entry's bytes go, mean per resource: the two `__provider` copies, the inputs and the
   * outputs without them, and the engine's own fields (urn, parent, dependencies, timestamps,
   * source position and stack trace...); `stackTrace` is the last two alone, where the program
   * declared the resource.
   */
  parts: { provider: number; inputs: number; outputs: number; engine: number; stackTrace: number };
}

interface StateEntry {
  type: string;
  id?: string;
  urn: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  sourcePosition?: string;
  stackTrace?: unknown[];
}

/** The dynamic resources of a state file. */
export function stateEntries(file: string): StateEntry[] {
  const checkpoint = JSON.parse(fs.readFileSync(file, "utf8")) as {
    checkpoint?: { latest?: { resources?: StateEntry[] } };
  };
  return (checkpoint.checkpoint?.latest?.resources ?? []).filter((r) =>
    r.type.startsWith("pulumi-nodejs:dynamic/"),
  );
}

export function stateFigures(file: string): StateFigures {
  const fileBytes = fs.readFileSync(file).length;
  const entries = stateEntries(file);
  const n = Math.max(1, entries.length);
  const mean = (f: (e: StateEntry) => number) => entries.reduce((t, e) => t + f(e), 0) / n;
  const provider = (bag?: Record<string, unknown>) =>
    typeof bag?.__provider === "string" ? bag.__provider.length : 0;
  const withoutProvider = (bag?: Record<string, unknown>) => {
    const { __provider: _provider, ...rest } = bag ?? {};
    return JSON.stringify(rest).length;
  };
  const entryBytes = mean((e) => JSON.stringify(e).length);
  const userBytes = mean((e) => withoutProvider(e.inputs));
  const providerBytes = mean((e) => provider(e.inputs) + provider(e.outputs));
  const outputBytes = mean((e) => withoutProvider(e.outputs));
  return {
    fileBytes,
    resources: entries.length,
    fileBytesPerResource: fileBytes / n,
    entryBytesPerResource: entryBytes,
    userBytesPerResource: userBytes,
    overheadBytesPerResource: entryBytes - userBytes,
    providerBytesMax: Math.max(
      0,
      ...entries.flatMap((e) => [provider(e.inputs), provider(e.outputs)]),
    ),
    providerBytesPerResource: providerBytes,
    parts: {
      provider: providerBytes,
      inputs: userBytes,
      outputs: outputBytes,
      engine: entryBytes - providerBytes - userBytes - outputBytes,
      stackTrace: mean(
        (e) =>
          JSON.stringify({ sourcePosition: e.sourcePosition, stackTrace: e.stackTrace }).length,
      ),
    },
  };
}
