/**
 * From raw figures to answers: the calls of each operation by kind, ratios to the floors, cost per
 * pipeline as a least-squares slope, which part grows faster than the pipeline count, and the
 * issue's targets as met or missed. Nothing here asserts; a missed target is a figure to read.
 */
import type { RequestLogEntry } from "../provider/emulator/types";
import { serviceOfPath } from "../provider/services";
import type { ReplayResult } from "./apiFloor";
import { OPERATIONS, type Measured, type Operation, type StateFigures } from "./engine";

/** The emulator requests of one operation, by kind. */
export interface CallCounts {
  /** IMS token requests. */
  token: number;
  /** Flow Service and Catalog GETs. */
  reads: number;
  /** Flow Service and Catalog POST, PATCH, PUT, DELETE. */
  writes: number;
  /** Flow Service and Catalog POSTs (creates and actions). */
  posts: number;
  /** Anything else (another service). */
  other: number;
  /** `METHOD /service/collection/{id}` -> count. */
  byRoute: Record<string, number>;
}

export function countCalls(log: RequestLogEntry[]): CallCounts {
  const counts: CallCounts = { token: 0, reads: 0, writes: 0, posts: 0, other: 0, byRoute: {} };
  for (const entry of log) {
    const service = serviceOfPath(entry.path);
    const method = entry.method.toUpperCase();
    if (service === "ims") counts.token++;
    else if (service !== "flowService" && service !== "catalog") counts.other++;
    else if (method === "GET" || method === "HEAD") counts.reads++;
    else {
      counts.writes++;
      if (method === "POST") counts.posts++;
    }
    // Ids are long and hold a digit; collection names (`sourceConnections`) do not.
    const route = `${method} ${entry.path.replace(/\/(?=[^/]*\d)[0-9A-Za-z-]{16,}(?=\/|$)/g, "/{id}")}`;
    counts.byRoute[route] = (counts.byRoute[route] ?? 0) + 1;
  }
  return counts;
}

export interface OperationFigures extends Measured {
  calls: CallCounts;
}

/**
 * CPU seconds an operation cost on this machine: the engine, the provider process and the program.
 * On a shared machine this moves less with the load than the wall time does.
 */
export function cpuSeconds(figures: OperationFigures): number {
  return (
    figures.cost.engineCpuSeconds + figures.cost.providerCpuSeconds + figures.programCpuSeconds
  );
}

/** One run of the six operations on one stack. */
export type Sequence = Record<Operation, OperationFigures>;

export interface CountResult {
  pipelines: number;
  resources: number;
  ours: Sequence;
  engineFloor: Sequence;
  apiFloor: Record<Operation, ReplayResult>;
  /** The same sequences with PULUMI_SKIP_CHECKPOINTS (no state write after each step). */
  oursNoCheckpoints?: Sequence;
  engineFloorNoCheckpoints?: Sequence;
  /** The state right after `up` from empty. */
  state: { ours: StateFigures; engineFloor: StateFigures };
  /** Anything that did not go as expected (unexpected changes, replay mismatches). */
  notes: string[];
}

export interface Options {
  counts: number[];
  latencyMs: number;
  parallel: number;
  breakdown: boolean;
  quick: boolean;
}

export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  options: Options;
  environment: Record<string, string | number>;
  micro: Record<string, number>;
  results: CountResult[];
}

/** Least-squares line through (x, y): seconds per pipeline and the fixed part. */
export function leastSquares(xs: number[], ys: number[]): { slope: number; intercept: number } {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  const slope = sxx === 0 ? NaN : sxy / sxx;
  return { slope, intercept: my - slope * mx };
}

/**
 * How much more a pipeline added in the upper half of the counts costs than one added in the lower
 * half: the slope from the middle count to the largest over the slope from the smallest to the
 * middle. 1 is linear; 2 means a pipeline costs twice as much at the top. Each half spans many
 * pipelines, so one noisy small count moves it less than a step-by-step slope would.
 */
export function growth(xs: number[], ys: number[]): number {
  if (xs.length < 3) return NaN;
  const mid = Math.floor(xs.length / 2);
  const slope = (i: number, j: number) => (ys[j]! - ys[i]!) / (xs[j]! - xs[i]!);
  const lower = slope(0, mid);
  const upper = slope(mid, xs.length - 1);
  return lower > 0 && upper >= 0 ? upper / lower : NaN;
}

/** A series of seconds (or another figure) by pipeline count. */
export interface Series {
  name: string;
  values: number[];
}

/** The parts of one operation's time and cost, each by pipeline count. */
export function components(results: CountResult[], op: Operation): Series[] {
  const pick = (f: (r: CountResult) => number | undefined) => results.map((r) => f(r) ?? NaN);
  const series: Series[] = [
    { name: "ours", values: pick((r) => r.ours[op].seconds) },
    { name: "engine floor", values: pick((r) => r.engineFloor[op].seconds) },
    { name: "API floor", values: pick((r) => r.apiFloor[op].seconds) },
  ];
  if (results.every((r) => r.oursNoCheckpoints && r.engineFloorNoCheckpoints)) {
    series.push(
      {
        name: "state writes (ours - ours without checkpoints)",
        values: pick((r) => r.ours[op].seconds - r.oursNoCheckpoints![op].seconds),
      },
      {
        name: "engine without checkpoints (floor)",
        values: pick((r) => r.engineFloorNoCheckpoints![op].seconds),
      },
      {
        name: "provider and overlap (ours without checkpoints - engine without - API floor)",
        values: pick(
          (r) =>
            r.oursNoCheckpoints![op].seconds -
            r.engineFloorNoCheckpoints![op].seconds -
            r.apiFloor[op].seconds,
        ),
      },
    );
  }
  series.push(
    { name: "engine CPU s (ours)", values: pick((r) => r.ours[op].cost.engineCpuSeconds) },
    { name: "engine CPU s (floor)", values: pick((r) => r.engineFloor[op].cost.engineCpuSeconds) },
    { name: "provider CPU s (ours)", values: pick((r) => r.ours[op].cost.providerCpuSeconds) },
    { name: "program CPU s (ours)", values: pick((r) => r.ours[op].programCpuSeconds) },
    { name: "emulator CPU s (ours)", values: pick((r) => r.ours[op].emulatorCpuSeconds) },
    {
      name: "engine MB written (ours)",
      values: pick((r) => r.ours[op].cost.engineWriteBytes / 1e6),
    },
    {
      name: "engine MB written (floor)",
      values: pick((r) => r.engineFloor[op].cost.engineWriteBytes / 1e6),
    },
  );
  return series;
}

export interface Target {
  target: string;
  value: string;
  met: boolean;
}

const KB = 1024;

/** The targets, from the largest count measured (and 100 pipelines for the time ones). */
export function targets(results: CountResult[]): Target[] {
  const last = results.at(-1)!;
  const all = (f: (r: CountResult) => boolean) => results.every(f);
  const flowCalls = (c: CallCounts) => c.reads + c.writes;
  const list: Target[] = [
    {
      target: "no-change preview: 0 Flow Service/Catalog calls",
      value: results.map((r) => flowCalls(r.ours.preview.calls)).join(", "),
      met: all((r) => flowCalls(r.ours.preview.calls) === 0),
    },
    {
      target: "no-change up: 0 Flow Service/Catalog calls",
      value: results.map((r) => flowCalls(r.ours.noopUp.calls)).join(", "),
      met: all((r) => flowCalls(r.ours.noopUp.calls) === 0),
    },
    {
      target: "refresh: one GET per resource, no write",
      value: results
        .map(
          (r) =>
            `${r.ours.refresh.calls.reads}/${r.resources} GET, ${r.ours.refresh.calls.writes} writes`,
        )
        .join("; "),
      met: all(
        (r) => r.ours.refresh.calls.reads === r.resources && r.ours.refresh.calls.writes === 0,
      ),
    },
    {
      target: "create: one POST per object",
      value: results.map((r) => `${r.ours.create.calls.posts}/${r.resources}`).join(", "),
      met: all((r) => r.ours.create.calls.posts === r.resources),
    },
    {
      target: "create: read-backs per object (reported)",
      value: (last.ours.create.calls.reads / last.resources).toFixed(2),
      met: true,
    },
    {
      target: "one token per provider process (every operation)",
      value: OPERATIONS.map(
        (op) => `${op} ${last.ours[op].calls.token}/${last.ours[op].cost.providerProcesses}`,
      ).join(", "),
      met: all((r) =>
        OPERATIONS.every((op) => r.ours[op].calls.token <= r.ours[op].cost.providerProcesses),
      ),
    },
    {
      target: "__provider <= 400 bytes",
      value: `${Math.max(...results.map((r) => r.state.ours.providerBytesMax))} bytes`,
      met: results.every((r) => r.state.ours.providerBytesMax <= 400),
    },
    {
      target: "state per resource beyond the user's data <= 1.5 KB",
      value: `${(last.state.ours.overheadBytesPerResource / KB).toFixed(2)} KB`,
      met: all((r) => r.state.ours.overheadBytesPerResource <= 1.5 * KB),
    },
  ];
  const at100 = results.find((r) => r.pipelines === 100);
  for (const op of ["create", "destroy"] as const) {
    const label = op === "create" ? "up" : "destroy";
    if (!at100) {
      list.push({
        target: `${label} of 100 pipelines <= 1.1 x (engine floor + API floor)`,
        value: "100 pipelines not measured",
        met: false,
      });
      continue;
    }
    const ratio =
      at100.ours[op].seconds / (at100.engineFloor[op].seconds + at100.apiFloor[op].seconds);
    list.push({
      target: `${label} of 100 pipelines <= 1.1 x (engine floor + API floor)`,
      value: `${ratio.toFixed(2)} x (${at100.ours[op].seconds.toFixed(1)} s vs ${at100.engineFloor[op].seconds.toFixed(1)} + ${at100.apiFloor[op].seconds.toFixed(1)} s)`,
      met: ratio <= 1.1,
    });
  }
  return list;
}

/** What the engine should report for each operation; anything else goes in the notes. */
export function unexpectedChanges(
  sequence: Sequence,
  resources: number,
  pipelines: number,
): string[] {
  const expected: Record<Operation, Record<string, number>> = {
    create: { create: resources + 1 },
    preview: { same: resources + 1 },
    noopUp: { same: resources + 1 },
    refresh: { same: resources + 1 },
    update: { same: resources + 1 - pipelines, update: pipelines },
    destroy: { delete: resources + 1 },
  };
  return OPERATIONS.flatMap((op) => {
    const got = JSON.stringify(sorted(sequence[op].changes));
    const want = JSON.stringify(sorted(expected[op]));
    return got === want ? [] : [`${op}: the engine reported ${got}, expected ${want}`];
  });
}

function sorted(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
