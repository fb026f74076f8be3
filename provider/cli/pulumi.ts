/**
 * The Pulumi CLI, as the command line uses it: `pulumi stack export` / `stack import` for the state,
 * `pulumi config` for the stack's `aep:*` settings, `pulumi stack history` for when the last update
 * ended. It runs in the program folder (`--cwd`) with the caller's environment, so the backend
 * (`PULUMI_BACKEND_URL`, a login) and the passphrase are the ones `pulumi up` used.
 */
import { spawn } from "node:child_process";
import { statSync } from "node:fs";
import { CliError } from "./errors";

/** Which stack, from which folder. */
export interface StackSelection {
  /** `--stack`; the folder's selected stack when absent. */
  stack?: string | undefined;
  /** The program folder (where `Pulumi.yaml` is); the current folder when absent. */
  cwd?: string | undefined;
}

/** `pulumi stack export` output: the untyped deployment Pulumi round-trips through `stack import`. */
export interface ExportedStack {
  version: number;
  deployment: Record<string, unknown>;
}

/** One `pulumi config --json` entry. */
interface ConfigEntry {
  value?: unknown;
  objectValue?: unknown;
  secret?: boolean;
}

export class PulumiCli {
  constructor(
    readonly selection: StackSelection,
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly command = "pulumi",
  ) {}

  /** How messages name the stack. */
  get stackLabel(): string {
    return this.selection.stack ? `stack "${this.selection.stack}"` : "the selected stack";
  }

  /** The stack arguments to repeat in the commands we tell the user to run. */
  get stackArgs(): string {
    const parts: string[] = [];
    if (this.selection.stack) parts.push(`--stack ${this.selection.stack}`);
    if (this.selection.cwd) parts.push(`--cwd ${this.selection.cwd}`);
    return parts.join(" ");
  }

  /** The state with secrets still encrypted (never `--show-secrets`: it is written back as is). */
  async exportStack(): Promise<ExportedStack> {
    const text = await this.run(["stack", "export", ...this.stackFlag()]);
    const parsed = parseJson(text, "pulumi stack export") as Partial<ExportedStack>;
    if (typeof parsed?.deployment !== "object" || parsed.deployment === null) {
      throw new CliError("`pulumi stack export` printed no deployment: is the stack initialized?");
    }
    return { version: Number(parsed.version ?? 3), deployment: parsed.deployment };
  }

  /** Replaces the stack's state (takes the stack's lock, so it fails while an update holds it). */
  async importStack(exported: ExportedStack): Promise<void> {
    await this.run(["stack", "import", ...this.stackFlag()], JSON.stringify(exported));
  }

  /**
   * The stack's `aep:*` config with secrets decrypted, as the provider process receives it. Kept in
   * memory only, to resolve the same settings `pulumi up` uses.
   */
  async aepConfig(): Promise<Map<string, string>> {
    const text = await this.run(["config", "--json", "--show-secrets", ...this.stackFlag()]);
    const entries = parseJson(text, "pulumi config") as Record<string, ConfigEntry>;
    const config = new Map<string, string>();
    for (const [key, entry] of Object.entries(entries ?? {})) {
      if (!key.startsWith("aep:")) continue;
      const value = entry?.objectValue ?? entry?.value;
      if (typeof value === "string") config.set(key, value);
      else if (value !== undefined && value !== null) config.set(key, JSON.stringify(value));
    }
    return config;
  }

  /** When the stack's last completed operation ended (epoch ms), or undefined when it has none. */
  async lastUpdateEnd(): Promise<number | undefined> {
    const text = await this.run([
      "stack",
      "history",
      "--json",
      "--page-size",
      "1",
      ...this.stackFlag(),
    ]);
    const history = parseJson(text, "pulumi stack history") as Array<{ endTime?: string }>;
    const end = Array.isArray(history) ? Date.parse(history[0]?.endTime ?? "") : Number.NaN;
    return Number.isFinite(end) ? end : undefined;
  }

  private stackFlag(): string[] {
    return this.selection.stack ? ["--stack", this.selection.stack] : [];
  }

  /** Runs `pulumi <args>` and resolves its stdout; a failure becomes Pulumi's own error line. */
  private run(args: string[], input?: string): Promise<string> {
    const display = `pulumi ${args.filter((a) => a !== "--show-secrets").join(" ")}`;
    const { cwd } = this.selection;
    if (cwd !== undefined && !statSync(cwd, { throwIfNoEntry: false })?.isDirectory()) {
      return Promise.reject(new CliError(`--cwd ${cwd}: no such folder.`, 2));
    }
    return new Promise((resolve, reject) => {
      const child = spawn(this.command, [...args, "--non-interactive"], {
        cwd,
        env: this.env,
        stdio: ["pipe", "pipe", "pipe"],
      });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
      child.on("error", (error: NodeJS.ErrnoException) => {
        reject(
          error.code === "ENOENT"
            ? new CliError(
                `${this.command === "pulumi" ? "The Pulumi CLI (`pulumi`) is" : `${this.command} is`} ` +
                  `not on PATH: this command reads the stack through it; install it ` +
                  `(https://www.pulumi.com/docs/iac/download-install/) and run again.`,
              )
            : new CliError(`\`${display}\` could not start: ${error.message}`),
        );
      });
      child.on("close", (code) => {
        if (code === 0) {
          resolve(Buffer.concat(stdout).toString("utf8"));
          return;
        }
        const reason = pulumiErrorLine(Buffer.concat(stderr).toString("utf8"));
        reject(new CliError(`\`${display}\` failed: ${reason}`));
      });
      child.stdin.on("error", () => undefined); // an early exit closes stdin; the exit code tells.
      child.stdin.end(input ?? "");
    });
  }
}

/** The line of Pulumi's stderr that says what went wrong (`error: ...`), else its last line. */
export function pulumiErrorLine(stderr: string): string {
  const lines = stderr
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
  const error = lines.find((line) => line.startsWith("error:"));
  const line = (error ?? lines.at(-1) ?? "no error message").replace(/^error:\s*/, "");
  return line;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new CliError(`\`${what}\` did not print JSON: is this Pulumi 3.181 or newer?`);
  }
}
