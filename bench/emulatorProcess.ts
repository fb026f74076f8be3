/**
 * The Flow Service emulator in a process of its own (`aep-flow-emulator`), driven through its
 * admin API: an API on another machine does not share the program's event loop or CPU account,
 * and a separate process lets the benchmark count the emulator's CPU time apart.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import type { FaultSpec, RequestLogEntry } from "../provider/emulator/types";

const CLI = path.resolve(__dirname, "../provider/emulator/cli.js");

export class EmulatorProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static async start(): Promise<EmulatorProcess> {
    const child = spawn(process.execPath, [CLI, "--port", "0"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const url = await new Promise<string>((resolve, reject) => {
      let output = "";
      child.once("error", reject);
      child.once("exit", (code) => reject(new Error(`the emulator exited (${code}): ${output}`)));
      child.stdout!.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listening on (\S+)/.exec(output);
        if (match) resolve(match[1]!);
      });
    });
    child.removeAllListeners("exit");
    return new EmulatorProcess(child, url);
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Forgets objects, faults and the request log (keeps issued tokens). */
  reset(): Promise<void> {
    return this.admin("POST", "/reset");
  }

  inject(fault: FaultSpec): Promise<void> {
    return this.admin("POST", "/faults", fault);
  }

  requests(): Promise<RequestLogEntry[]> {
    return this.admin("GET", "/requests");
  }

  clearRequests(): Promise<void> {
    return this.admin("DELETE", "/requests");
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.kill("SIGTERM");
    await exited;
  }

  private async admin<T>(method: string, route: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.url}/__emulator${route}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      throw new Error(
        `emulator admin ${method} ${route}: ${response.status} ${await response.text()}`,
      );
    }
    const text = await response.text();
    return (text === "" ? undefined : JSON.parse(text)) as T;
  }
}
