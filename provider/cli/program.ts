/**
 * The `aep-flow` program: the commands, and how a run ends (exit code 0, or one line on stderr).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { Command, CommanderError } from "commander";
import type { AepClientOptions } from "../client";
import type { CliContext, CommandFactory } from "./command";
import { emulatorCommand } from "./commands/emulator";
import { exportCommand } from "./commands/export";
import { exploreCommand } from "./commands/explore";
import { flowsCommand } from "./commands/flows";
import { recoverCommand } from "./commands/recover";
import { runsCommand } from "./commands/runs";
import { specsCommand } from "./commands/specs";
import { CliError, failureLine, USAGE_EXIT_CODE } from "./errors";
import { processOutput, type Output } from "./output";

/** Every command, one module each. */
const COMMANDS: readonly CommandFactory[] = [
  flowsCommand,
  runsCommand,
  exploreCommand,
  specsCommand,
  recoverCommand,
  exportCommand,
  emulatorCommand,
];

function packageVersion(): string {
  try {
    return (require("../../../package.json") as { version?: string }).version ?? "unknown";
  } catch {
    return "unknown";
  }
}

export function buildProgram(context: CliContext): Command {
  const program = new Command("aep-flow")
    .description(
      "Command line of pulumi-aep-flow: Adobe Experience Platform Flow Service from the terminal.",
    )
    .version(packageVersion(), "-V, --version");
  for (const factory of COMMANDS) program.addCommand(factory(context));
  // Every command reports through the same output; usage errors stop the run instead of exiting.
  const configure = (command: Command) => {
    command
      .configureOutput({
        writeOut: (text) => context.output.out(text.replace(/\n$/, "")),
        writeErr: (text) => context.output.err(text.replace(/\n$/, "")),
      })
      .exitOverride();
    command.commands.forEach(configure);
  };
  configure(program);
  return program;
}

export interface RunOptions {
  output?: Output;
  env?: NodeJS.ProcessEnv;
  pulumiCommand?: string;
  clientOptions?: AepClientOptions;
  pollIntervalMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** How long `--watch` waits between two looks at a run. */
const DEFAULT_POLL_INTERVAL_MS = 2000;

/** Runs `aep-flow <args>` and resolves the exit code; nothing here calls process.exit. */
export async function runCli(args: readonly string[], options: RunOptions = {}): Promise<number> {
  const context: CliContext = {
    output: options.output ?? processOutput,
    env: options.env ?? process.env,
    pulumiCommand: options.pulumiCommand ?? "pulumi",
    secrets: [],
    clientOptions: options.clientOptions,
    pollIntervalMs: options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
    sleep: options.sleep ?? ((ms) => sleep(ms)),
  };
  const program = buildProgram(context);
  try {
    await program.parseAsync(args, { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version end here too, successfully; commander printed the message itself.
      return error.exitCode === 0 ? 0 : USAGE_EXIT_CODE;
    }
    context.output.err(`error: ${failureLine(error, context.secrets)}`);
    return error instanceof CliError ? error.exitCode : 1;
  }
}
