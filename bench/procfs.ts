/**
 * What the processes an operation starts cost: the Pulumi CLI (the engine, with its state writes)
 * and the dynamic provider process it spawns (`pulumi-resource-pulumi-nodejs`, then the node
 * process running @pulumi/pulumi's dynamic-provider). Read from Linux's /proc every few hundred
 * milliseconds while the operation runs; the last reading of each process is what it cost (a
 * process's last interval before it exits is not seen).
 */
import { readdirSync, readFileSync } from "node:fs";

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

export interface ProcessReading {
  pid: number;
  command: string;
  /** User + system CPU time so far. */
  cpuSeconds: number;
  /** Peak resident set (VmHWM), bytes. */
  peakRssBytes: number;
  /** Bytes the process caused to be written to storage (/proc/<pid>/io write_bytes). */
  writeBytes: number;
  /** Inside the dynamic provider's process tree (the shim and what it starts). */
  provider: boolean;
}

export interface TreeCost {
  engineCpuSeconds: number;
  providerCpuSeconds: number;
  /** Peak RSS of the Pulumi CLI process. */
  enginePeakRssBytes: number;
  /** Peak RSS of the dynamic provider process(es): the largest. */
  providerPeakRssBytes: number;
  /** Storage writes of the engine: the state file after each step, backups and history. */
  engineWriteBytes: number;
  /** How many dynamic provider processes ran. */
  providerProcesses: number;
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined; // the process is gone
  }
}

function childrenOf(pid: number): number[] {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  return tasks.flatMap((tid) =>
    (readText(`/proc/${pid}/task/${tid}/children`) ?? "")
      .split(" ")
      .filter((s) => s !== "")
      .map(Number),
  );
}

function statusField(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
  return match ? Number(match[1]) * 1024 : 0;
}

function read(pid: number, provider: boolean): ProcessReading | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  const status = readText(`/proc/${pid}/status`);
  const command = readText(`/proc/${pid}/cmdline`);
  if (stat === undefined || status === undefined || command === undefined) return undefined;
  // Fields after the parenthesized command name; utime and stime are the 14th and 15th fields.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  const io = readText(`/proc/${pid}/io`) ?? "";
  return {
    pid,
    command: command.split("\0").join(" ").trim(),
    cpuSeconds: ticks / TICKS_PER_SECOND,
    peakRssBytes: statusField(status, "VmHWM"),
    writeBytes: Number(/^write_bytes:\s+(\d+)/m.exec(io)?.[1] ?? 0),
    provider: provider || command.includes("pulumi-resource-pulumi-nodejs"),
  };
}

/**
 * A process that has exited but is not reaped yet (a zombie) shows no command line, memory or
 * I/O any more: keep what the earlier readings saw.
 */
function merge(before: ProcessReading | undefined, now: ProcessReading): ProcessReading {
  if (!before) return now;
  return {
    pid: now.pid,
    command: now.command || before.command,
    cpuSeconds: Math.max(before.cpuSeconds, now.cpuSeconds),
    peakRssBytes: Math.max(before.peakRssBytes, now.peakRssBytes),
    writeBytes: Math.max(before.writeBytes, now.writeBytes),
    provider: before.provider || now.provider,
  };
}

/** CPU seconds of one process so far (the emulator's, say), or 0 once it is gone. */
export function cpuSecondsOf(pid: number): number {
  return read(pid, false)?.cpuSeconds ?? 0;
}

/**
 * Samples the descendants of this process (except `excluded` and theirs) until stopped, keeping
 * each process's latest reading.
 */
export class ProcessTreeSampler {
  private readonly latest = new Map<number, ProcessReading>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly excluded: ReadonlySet<number>,
    private readonly intervalMs = 100,
  ) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  stop(): TreeCost {
    clearInterval(this.timer);
    this.sample();
    const readings = [...this.latest.values()];
    const engine = readings.filter((r) => !r.provider);
    const provider = readings.filter((r) => r.provider);
    const cli = engine.filter((r) => /(^|\/)pulumi(\s|$)/.test(r.command));
    // The shim's `node -e "require.resolve(...dynamic-provider)"` is not the provider itself.
    const providerNodes = provider.filter(
      (r) => r.command.includes("dynamic-provider") && !/\s-e\s/.test(r.command),
    );
    const sum = (list: ProcessReading[], f: (r: ProcessReading) => number) =>
      list.reduce((total, r) => total + f(r), 0);
    return {
      engineCpuSeconds: sum(engine, (r) => r.cpuSeconds),
      providerCpuSeconds: sum(provider, (r) => r.cpuSeconds),
      enginePeakRssBytes: Math.max(0, ...cli.map((r) => r.peakRssBytes)),
      providerPeakRssBytes: Math.max(0, ...providerNodes.map((r) => r.peakRssBytes)),
      engineWriteBytes: sum(engine, (r) => r.writeBytes),
      providerProcesses: providerNodes.length,
    };
  }

  private sample(): void {
    const walk = (pid: number, provider: boolean) => {
      for (const child of childrenOf(pid)) {
        if (this.excluded.has(child)) continue;
        const reading = read(child, provider);
        if (!reading) continue;
        this.latest.set(child, merge(this.latest.get(child), reading));
        walk(child, reading.provider);
      }
    };
    walk(process.pid, false);
  }
}
