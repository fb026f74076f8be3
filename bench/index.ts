/**
 * `npm run bench`: what a pipeline costs under the real Pulumi engine, beside two floors.
 *
 * For each pipeline count (5 resources each, the Mailchimp example's objects) it deploys a stack
 * with the Automation API against the emulator (run as its own process, with a fixed latency added
 * to every Flow Service/Catalog call) and times six operations: `up` from empty, a no-change
 * `preview`, a no-change `up`, `refresh`, an `up` that renames every dataflow, and `destroy`; and
 * the same for the two floors, at the same parallelism, taking turns operation by operation:
 * - the engine floor: the same resources, inputs and wiring, with a provider that does nothing;
 * - the API floor: our provider's HTTP calls of each operation, replayed by a plain script.
 * With the breakdown (the default outside --quick), ours and the engine floor run once more with
 * PULUMI_SKIP_CHECKPOINTS, which tells how much of the time is the state written after each step.
 *
 * Nothing is asserted: `npm test` runs `--quick` as a smoke check, and the figures are for reading.
 * Output: Markdown tables on stdout; JSON, the same tables and an SVG chart in the output folder
 * (bench/results/ for the full default run, $TMPDIR/pulumi-aep-flow-bench otherwise, or --out).
 *
 *   npm run bench                          counts 1, 10, 50, 100; 50 ms per call; parallelism 8
 *   npm run bench -- --quick               counts 1, 5; 10 ms; no breakdown (about two minutes)
 *   npm run bench -- --large               adds 200 pipelines
 *   npm run bench -- --counts 1,20 --latency-ms 0 --parallel 16 --no-breakdown --out /tmp/b
 *   npm run bench -- --render bench/results/latest.json   redraws tables and chart from a JSON
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import type { PulumiFn, Stack } from "@pulumi/pulumi/automation";
import { createAepClient } from "../provider/client";
import { DEFAULT_SCOPES } from "../provider/client/settings";
import { xdmClassIds } from "../provider/resources/xdmIds";
import { ApiFloor, type Owner } from "./apiFloor";
import {
  countCalls,
  targets,
  unexpectedChanges,
  type BenchResults,
  type CountResult,
  type Options,
  type Sequence,
} from "./analysis";
import { EmulatorProcess } from "./emulatorProcess";
import { EngineWorld, OPERATION_LABELS, OPERATIONS, stateEntries, stateFigures } from "./engine";
import { checkAndDiff, emulatorThroughput } from "./micro";
import { floorProgram, KINDS, oursProgram, parseResourceName, useSchema } from "./pipelines";
import { chartSvg, markdown } from "./report";

const RESULTS_DIR = path.resolve(__dirname, "../../bench/results");
const DEFAULTS = { counts: [1, 10, 50, 100], latencyMs: 50, parallel: 8 };
const CREDENTIALS = {
  clientId: "bench-client",
  clientSecret: "bench-client-secret-5e1d",
  orgId: "BENCH0000000000000000000@AdobeOrg",
};

const say = (line = "") => process.stdout.write(`${line}\n`);

/** The XDM schema of the benchmark's datasets, created in the emulator (emptied before each count). */
async function benchSchema(url: string): Promise<string> {
  const client = createAepClient({
    platformUrl: url,
    imsUrl: url,
    clientId: CREDENTIALS.clientId,
    clientSecret: CREDENTIALS.clientSecret,
    apiKey: CREDENTIALS.clientId,
    scopes: DEFAULT_SCOPES,
    orgId: CREDENTIALS.orgId,
    sandboxName: "prod",
  });
  const schema = await client.createSchema({
    title: "Benchmark Mailchimp email activity",
    type: "object",
    allOf: [{ $ref: xdmClassIds.experienceEvent }],
  });
  return schema.$id;
}

function parseOptions(): { options: Options; out: string | undefined; render?: string } {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      large: { type: "boolean", default: false },
      counts: { type: "string" },
      "latency-ms": { type: "string" },
      parallel: { type: "string" },
      "no-breakdown": { type: "boolean", default: false },
      out: { type: "string" },
      render: { type: "string" },
    },
  });
  const number = (name: string, text: string | undefined, fallback: number) => {
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 0) {
      throw new Error(`--${name} must be a non-negative integer, got '${text}'`);
    }
    return value;
  };
  const quick = values.quick;
  const counts = values.counts
    ? values.counts.split(",").map((c) => number("counts", c, 0))
    : quick
      ? [1, 5]
      : values.large
        ? [...DEFAULTS.counts, 200]
        : DEFAULTS.counts;
  if (counts.some((c) => c < 1)) throw new Error("--counts must be positive pipeline counts");
  const options: Options = {
    counts: [...new Set(counts)].sort((a, b) => a - b),
    latencyMs: number("latency-ms", values["latency-ms"], quick ? 10 : DEFAULTS.latencyMs),
    parallel: Math.max(1, number("parallel", values.parallel, DEFAULTS.parallel)),
    breakdown: !quick && !values["no-breakdown"],
    quick,
  };
  const isDefault =
    !quick &&
    JSON.stringify(options.counts) === JSON.stringify(DEFAULTS.counts) &&
    options.latencyMs === DEFAULTS.latencyMs &&
    options.parallel === DEFAULTS.parallel &&
    options.breakdown;
  // Only the full default run replaces the committed results.
  return {
    options,
    out: values.out ?? (isDefault ? RESULTS_DIR : undefined),
    render: values.render,
  };
}

/** One stack of the comparison: ours or the engine floor, with or without checkpoints. */
interface Variant {
  key: "ours" | "engineFloor" | "oursNoCheckpoints" | "engineFloorNoCheckpoints";
  label: string;
  program: (count: number, revision: () => number) => PulumiFn;
  /** Runs only with the breakdown: the engine told not to write the state after each step. */
  noCheckpoints: boolean;
}

const VARIANTS: Variant[] = [
  { key: "ours", label: "ours", program: oursProgram, noCheckpoints: false },
  { key: "engineFloor", label: "engine floor", program: floorProgram, noCheckpoints: false },
  {
    key: "oursNoCheckpoints",
    label: "ours, no checkpoints",
    program: oursProgram,
    noCheckpoints: true,
  },
  {
    key: "engineFloorNoCheckpoints",
    label: "engine floor, no checkpoints",
    program: floorProgram,
    noCheckpoints: true,
  },
];

/**
 * One pipeline count. The stacks take turns operation by operation (ours, the engine floor, the
 * API floor's replay of what ours just did, then the no-checkpoint pair), so a change in the
 * machine's load touches all of them alike rather than one whole sequence.
 */
async function measureCount(
  world: EngineWorld,
  emulator: EmulatorProcess,
  pipelines: number,
  options: Options,
): Promise<CountResult> {
  const resources = pipelines * KINDS.length;
  say(`\n== ${pipelines} pipelines (${resources} resources)`);
  const notes: string[] = [];
  await emulator.reset();
  useSchema(await benchSchema(emulator.url));
  if (options.latencyMs > 0) {
    await emulator.inject({ path: "^/data/", latencyMs: options.latencyMs, count: 1e9 });
  }
  let revision = 0;
  const variants = VARIANTS.filter((v) => options.breakdown || !v.noCheckpoints);
  const stacks = new Map<Variant["key"], Stack>();
  for (const v of variants) {
    const name = `${v.key}-${pipelines}`;
    const env: Record<string, string> = v.noCheckpoints ? { PULUMI_SKIP_CHECKPOINTS: "true" } : {};
    stacks.set(
      v.key,
      await world.newStack(
        name,
        v.program(pipelines, () => revision),
        env,
      ),
    );
  }
  const figures: Partial<Record<Variant["key"], Sequence>> = {};
  const state: Partial<CountResult["state"]> = {};
  const api = new ApiFloor(emulator.url, CREDENTIALS.clientSecret, options.parallel);
  const apiFloor = {} as CountResult["apiFloor"];
  /** Every object id ours held after any operation, with its pipeline and kind. */
  const owners = new Map<string, Owner>();

  for (const op of OPERATIONS) {
    if (op === "update") revision = 1;
    for (const v of variants) {
      const stack = stacks.get(v.key)!;
      await emulator.clearRequests();
      const measured = await world.measure(stack, op, options.parallel);
      const log = await emulator.requests();
      const calls = countCalls(log);
      (figures[v.key] ??= {} as Sequence)[op] = { ...measured, calls };
      say(
        `  ${v.label.padEnd(28)} ${OPERATION_LABELS[op].padEnd(26)} ${measured.seconds.toFixed(2).padStart(7)} s` +
          `  reads ${calls.reads}, writes ${calls.writes}, token ${calls.token}` +
          `  engine CPU ${measured.cost.engineCpuSeconds.toFixed(1)} s, provider CPU ${measured.cost.providerCpuSeconds.toFixed(1)} s`,
      );
      const file = world.stateFile(stack.name);
      if (op === "create" && (v.key === "ours" || v.key === "engineFloor")) {
        state[v.key] = stateFigures(file);
      }
      if (v.key !== "ours") continue;
      for (const entry of stateEntries(file)) {
        const owner = parseResourceName(entry.urn.split("::").pop() ?? "");
        if (owner && entry.id) owners.set(entry.id, owner);
      }
      apiFloor[op] = await api.replay(log, owners);
      const { seconds, mismatches } = apiFloor[op];
      say(
        `  ${"API floor".padEnd(28)} ${OPERATION_LABELS[op].padEnd(26)} ${seconds.toFixed(2).padStart(7)} s  ${log.length} calls`,
      );
      if (mismatches.length > 0) {
        notes.push(
          `API floor ${op}: ${mismatches.length} answers differed from ours, e.g. ${mismatches.slice(0, 3).join("; ")}`,
        );
      }
    }
  }
  for (const v of variants) {
    await stacks.get(v.key)!.workspace.removeStack(stacks.get(v.key)!.name);
    const unexpected = unexpectedChanges(figures[v.key]!, resources, pipelines);
    notes.push(...unexpected.map((n) => `${v.label} ${n}`));
  }
  for (const note of notes) say(`  note: ${note}`);
  return {
    pipelines,
    resources,
    ours: figures.ours!,
    engineFloor: figures.engineFloor!,
    apiFloor,
    oursNoCheckpoints: figures.oursNoCheckpoints,
    engineFloorNoCheckpoints: figures.engineFloorNoCheckpoints,
    state: { ours: state.ours!, engineFloor: state.engineFloor! },
    notes,
  };
}

function sdkVersion(): string {
  const file = require.resolve("@pulumi/pulumi/package.json", { paths: [__dirname] });
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}

/** Writes the JSON, the tables and the chart; the first two as prettier would, as the repo's gate wants. */
async function writeOutputs(bench: BenchResults, out: string, name: string): Promise<void> {
  const prettier = await import("prettier");
  mkdirSync(out, { recursive: true });
  const files: Array<[string, string]> = [
    [`${name}.json`, JSON.stringify(bench, null, 2)],
    [`${name}.md`, markdown(bench)],
  ];
  for (const [file, text] of files) {
    const filepath = path.join(out, file);
    const config = (await prettier.resolveConfig(filepath)) ?? {};
    writeFileSync(filepath, await prettier.format(text, { ...config, filepath }));
  }
  writeFileSync(path.join(out, `${name}.svg`), chartSvg(bench));
  say(`\nresults: ${path.join(out, `${name}.json`)} (tables in ${name}.md, chart in ${name}.svg)`);
}

function printSummary(bench: BenchResults): void {
  say(`\n${markdown(bench)}`);
  const missed = targets(bench.results).filter((t) => !t.met);
  say(
    `targets: ${missed.length === 0 ? "all met" : `${missed.length} missed (reported, not asserted)`}`,
  );
}

async function main(): Promise<void> {
  const { options, out, render } = parseOptions();
  if (render) {
    const bench = JSON.parse(readFileSync(render, "utf8")) as BenchResults;
    printSummary(bench);
    await writeOutputs(bench, path.dirname(render), path.basename(render, ".json"));
    return;
  }
  const startedAt = new Date().toISOString();
  // The machine may be shared: the load before the run says how much the figures can be trusted.
  const loadAtStart = Number(loadavg()[0]!.toFixed(2));
  let cliVersion: string | undefined;
  say(
    `pulumi-aep-flow benchmark: ${options.counts.join(", ")} pipelines, ${options.latencyMs} ms per call, ` +
      `parallelism ${options.parallel}${options.breakdown ? ", with the no-checkpoint breakdown" : ""}`,
  );
  const micro = await checkAndDiff(options.quick ? 2_000 : 20_000);
  const emulator = await EmulatorProcess.start();
  let world: EngineWorld | undefined;
  const results: CountResult[] = [];
  try {
    Object.assign(
      micro,
      await emulatorThroughput(
        emulator.url,
        CREDENTIALS,
        options.quick ? 500 : 2000,
        options.parallel,
      ),
    );
    for (const [figure, value] of Object.entries(micro)) say(`${figure}: ${value.toFixed(1)}`);
    world = await EngineWorld.start(
      {
        "aep:platformUrl": emulator.url,
        "aep:imsUrl": emulator.url,
        "aep:clientId": CREDENTIALS.clientId,
        "aep:clientSecret": CREDENTIALS.clientSecret,
        "aep:orgId": CREDENTIALS.orgId,
        "aep:sandboxName": "prod",
      },
      emulator.pid,
    );
    cliVersion = world.cliVersion;
    for (const count of options.counts) {
      results.push(await measureCount(world, emulator, count, options));
    }
  } finally {
    world?.close();
    await emulator.close();
  }
  const bench: BenchResults = {
    startedAt,
    finishedAt: new Date().toISOString(),
    options,
    environment: {
      node: process.version,
      "Pulumi CLI": cliVersion ?? "unknown",
      "@pulumi/pulumi": sdkVersion(),
      cpus: cpus().length,
      "load average at start": loadAtStart,
      "load average at end": Number(loadavg()[0]!.toFixed(2)),
    },
    micro,
    results,
  };
  printSummary(bench);
  await writeOutputs(bench, out ?? path.join(tmpdir(), "pulumi-aep-flow-bench"), "latest");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
